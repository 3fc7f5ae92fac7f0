"""`llm-hub generate`: option parsing and reporting only; the work is in `writer.generate`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..cli_support import guarded, with_schemas
from ..errors import HubError
from ..versions import schemas_root
from .writer import FIX_COMMAND, RefusedSchema, generate

MAX_DIFF_LINES = 3000


def default_output(root: Path) -> Path:
    if root.name == "_schemas":  # schemas shipped inside an installed wheel: no checkout to write to
        raise HubError("no generated/ folder next to the installed schemas; pass --output DIR")
    return root.parent / "generated"


@click.command("generate")
@click.option("--check", is_flag=True, help="Write nothing; print a diff and exit 1 if generated/ is stale.")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: generated/ next to the schema root).")
@click.option("--quiet", "-q", is_flag=True, help="Only print problems.")
@with_schemas
@guarded
def generate_command(check: bool, output_dir: Path | None, quiet: bool) -> None:
    """Regenerate models, TypedDicts, docs and schema bundles from the canonical schemas."""
    root = schemas_root()
    output = output_dir or default_output(root)
    started = time.perf_counter()
    try:
        outcome = generate(root, output, check=check)
    except RefusedSchema as refused:
        for line in refused.lines:
            click.echo(f"llm-hub: generate refused: {line}", err=True)
        sys.exit(1)
    elapsed = time.perf_counter() - started
    if check:
        if not outcome.stale:
            if not quiet:
                click.echo(f"generated/ is up to date ({elapsed:.1f} s)")
            return
        shown = outcome.diff[:MAX_DIFF_LINES]
        click.echo("".join(shown), nl=False)
        if len(outcome.diff) > len(shown):
            click.echo(f"... diff cut after {MAX_DIFF_LINES} lines")
        for label, paths in (("differs", outcome.changed), ("missing", outcome.missing),
                             ("not generated (would be removed)", outcome.extra)):
            for path in paths:
                click.echo(f"stale: {output / path}: {label}", err=True)
        total = len(outcome.changed) + len(outcome.missing) + len(outcome.extra)
        click.echo(f"llm-hub: {total} generated file(s) out of date; run: {FIX_COMMAND}", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(f"wrote {len(outcome.written)} file(s), removed {len(outcome.removed)} "
                   f"in {output} ({elapsed:.1f} s)")
