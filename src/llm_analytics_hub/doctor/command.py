"""`llm-hub doctor` and the native checker's line of `llm-hub --version`: option parsing and printing only."""

from __future__ import annotations

import json
import sys

import click

from ..cli_support import guarded


@click.command("doctor")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--require-native", is_flag=True,
              help="Exit 1 unless the native checker is in use for every schema version (for images and CI).")
@guarded
def doctor_command(fmt: str, require_native: bool) -> None:
    """How this installation validates: version, Python, package, schemas, and whether the native
    checker is in use (its interface, the schema versions it covers) or why not."""
    from . import installation, report_lines

    found = installation()
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), indent=2))
    else:
        click.echo("\n".join(report_lines(found)))
    complete = found.native.in_use and not found.native.not_covered
    sys.exit(1 if require_native and not complete else 0)


def print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`llm-hub --version`: the version, then the native checker's line of `llm-hub doctor`."""
    if not value or ctx.resilient_parsing:
        return
    from .. import __version__
    from . import installation, native_line

    click.echo(f"llm-hub, version {__version__}")
    try:
        click.echo(native_line(installation().native))
    except Exception as exc:  # --version itself must work, whatever the schemas folder holds
        click.echo(f"native checker: unknown ({type(exc).__name__}: {exc}; see llm-hub doctor)")
    ctx.exit()
