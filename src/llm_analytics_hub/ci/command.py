"""`llm-hub compat-base`: option parsing only; the work is in `compat_base`."""

from __future__ import annotations

import sys

import click

from ..cli_support import guarded, with_schemas
from ..compat.empirical import DEFAULT_SAMPLES, DEFAULT_SEED
from ..versions import schemas_root


@click.command("compat-base")
@click.option("--base", default="HEAD", show_default=True, metavar="REV",
              help="Git revision whose schemas are the previous version (origin/main in a pull request).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-empirical", is_flag=True, help="Static rules only; skip the generated-payload check.")
@click.option("--samples", type=click.IntRange(min=0), default=DEFAULT_SAMPLES, show_default=True,
              help="Generated payloads per type for the empirical check.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the payload generator.")
@with_schemas
@guarded
def compat_base_command(base: str, fmt: str, no_empirical: bool, samples: int, seed: int) -> None:
    """Refuse an incompatible schema change: compare the schema folder with its state at git revision REV.

    A changed version folder is compared with its state at REV, a new one with its predecessor of
    the same major. Exit codes: 0 backward compatible, 1 breaking, 2 error.
    """
    from .compat_base import compare_with_revision, render_comparison_json, render_comparison_text

    result = compare_with_revision(schemas_root(), base, empirical=not no_empirical, samples=samples, seed=seed)
    click.echo(render_comparison_json(result) if fmt == "json" else render_comparison_text(result), nl=False)
    sys.exit(0 if result.compatible else 1)
