"""`llm-hub changelog`: option parsing and reporting only; the work is in `release_notes`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..cli_support import guarded, with_schemas
from ..versions import schemas_root


@click.command("changelog")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the entry of this version is missing or stale.")
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="The changelog (default: CHANGELOG.md beside the schema root).")
@with_schemas
@guarded
def changelog_command(check: bool, path: Path | None) -> None:
    """Write the CHANGELOG.md entry of this release (the project version) from the compatibility
    verdicts of the schema versions it carries; older entries are left as they are."""
    from . import default_path, updated

    target = path or default_path(schemas_root())
    text = target.read_text(encoding="utf-8") if target.is_file() else ""
    wanted = updated(text, __version__, schemas_root())
    if check:
        if wanted != text:
            click.echo(f"llm-hub: {target}: the entry of {__version__} is missing or stale; run: llm-hub changelog",
                       err=True)
            sys.exit(1)
        click.echo(f"{target}: the entry of {__version__} is current")
        return
    if wanted != text:
        target.write_text(wanted, encoding="utf-8")
    click.echo(f"{target}: entry of {__version__} {'written' if wanted != text else 'already current'}")
