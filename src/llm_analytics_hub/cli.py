"""The `llm-hub` command line. Commands only parse options; the work lives in plain modules."""

from __future__ import annotations

import importlib
import json
import os
import sys

import click

from . import catalogue as catalogue_mod
from .cli_support import fail, guarded, with_schemas
from .schema_store import AREAS
from .versions import schemas_root

__all__ = ["fail", "guarded", "main"]


# Commands that live in their own packages are imported only when run, so that `llm-hub validate`
# does not pay for the generator's or the compatibility checker's imports.
LAZY_COMMANDS = {
    "validate": "llm_analytics_hub.validation.command:validate_command",
    "doctor": "llm_analytics_hub.doctor.command:doctor_command",
    "changelog": "llm_analytics_hub.release_notes.command:changelog_command",
    "generate": "llm_analytics_hub.codegen.command:generate_command",
    "compat": "llm_analytics_hub.compat.command:compat_command",
    "compat-base": "llm_analytics_hub.ci.command:compat_base_command",
    "new-version": "llm_analytics_hub.compat.command:new_version_command",
    "release": "llm_analytics_hub.compat.command:release_command",
    "convert": "llm_analytics_hub.conversion.command:convert_command",
    "docs": "llm_analytics_hub.codegen.site.command:docs_group",
    "otel": "llm_analytics_hub.otel.command:otel_group",
    "load": "llm_analytics_hub.storage.command:load_command",
    "export": "llm_analytics_hub.storage.command:export_command",
    "migrate": "llm_analytics_hub.storage.command:migrate_command",
    "query": "llm_analytics_hub.storage.command:query_command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:  # click calls it for every command: import nothing then
        return
    from .doctor.command import print_version  # only when asked: it reads the schema folders

    print_version(ctx, param, value)


def _show_tracebacks(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        os.environ["LLM_HUB_DEBUG"] = "1"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and whether the native checker is in use, and exit.")
@click.option("--traceback", is_flag=True, expose_value=False, is_eager=True, callback=_show_tracebacks,
              help="Show the traceback of an unexpected internal error (also LLM_HUB_DEBUG=1).")
def main() -> None:
    """Schema-first toolkit for LLM analytics data: check, generate, validate."""


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@with_schemas
@guarded
def check(fmt: str) -> None:
    """Lint every schema version: metaschema, offline $refs, titles, descriptions, examples; released
    versions unchanged; each version backward compatible with its predecessor of the same major."""
    from .check import check_all  # imports python-jsonschema, which validate does not need

    root = schemas_root()
    results = check_all(root)
    total = 0
    for version, findings in results.items():
        total += len(findings)
        for finding in findings:
            if fmt == "json":
                click.echo(json.dumps({"version": version, "file": finding.location(root),
                                       "rule": finding.rule, "message": finding.message}))
            else:
                click.echo(f"{finding.location(root)}: [{finding.rule}] {finding.message}")
    summary = f"checked {len(results)} version(s): {', '.join(results)}; {total} finding(s)"
    if fmt == "json":
        click.echo(json.dumps({"summary": {"versions": list(results), "findings": total}}))
    else:
        click.echo(summary, err=total > 0)
    sys.exit(1 if total else 0)


@main.command()
@click.option("--area", type=click.Choice(AREAS), help="Only types of this area.")
@click.option("--version", "version", help="Only types of this schema version.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def schemas(area: str | None, version: str | None, fmt: str) -> None:
    """List every catalogue type with its area, versions and a one-line description."""
    rows = catalogue_mod.catalogue(area=area, version=version)
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps({"type": row.name, "area": row.area,
                                   "versions": list(row.versions), "description": row.summary}))
        return
    width = max((len(r.name) for r in rows), default=10)
    click.echo(f"{'TYPE':<{width}}  {'AREA':<11}  {'VERSIONS':<9}  DESCRIPTION")
    for row in rows:
        click.echo(f"{row.name:<{width}}  {row.area:<11}  {','.join(row.versions):<9}  {row.summary}")
    click.echo(f"{len(rows)} types", err=True)


@main.command()
@click.argument("type_name", metavar="TYPE")
@click.option("--version", "version", help="Schema version (default: the newest).")
@click.option("--index", default=0, show_default=True, help="Which of the type's examples.")
@guarded
def example(type_name: str, version: str | None, index: int) -> None:
    """Print a valid example of TYPE (bare name, or area.Name for colliding names)."""
    click.echo(json.dumps(catalogue_mod.example_of(type_name, version, index), indent=2,
                          ensure_ascii=False))


if __name__ == "__main__":
    main()
