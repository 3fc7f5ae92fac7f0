"""`llm-hub compat`, `llm-hub new-version`, `llm-hub release`: option parsing only."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_support import guarded, with_schemas
from ..versions import VERSION_RE, schemas_root
from .empirical import DEFAULT_SAMPLES, DEFAULT_SEED


@click.command("compat")
@click.argument("old_dir", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_dir", metavar="NEW", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-empirical", is_flag=True, help="Static rules only; skip the generated-payload check.")
@click.option("--samples", type=click.IntRange(min=0), default=DEFAULT_SAMPLES, show_default=True,
              help="Generated payloads per type for the empirical check.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the payload generator.")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of *.valid.json corpus files of OLD (default: corpus/<OLD version> beside OLD).")
@click.option("--hide-cosmetic", is_flag=True, help="Text format: leave out cosmetic changes.")
@with_schemas
@guarded
def compat_command(old_dir: Path, new_dir: Path, fmt: str, no_empirical: bool, samples: int, seed: int,
                   corpus: Path | None, hide_cosmetic: bool) -> None:
    """Classify every change from OLD to NEW by named rule and say which bump it needs.

    OLD and NEW are version folders, or version names (X.Y.Z) of the schemas root.

    Backward compatible means every payload valid under OLD stays valid under NEW.
    Exit codes: 0 backward compatible (patch or minor), 1 breaking (major), 2 error.
    """
    from .report import compare_dirs, render_json, render_text

    report = compare_dirs(version_folder(old_dir), version_folder(new_dir), empirical=not no_empirical,
                          corpus=corpus, samples=samples, seed=seed)
    click.echo(render_json(report) if fmt == "json" else render_text(report, cosmetic=not hide_cosmetic),
               nl=False)
    sys.exit(0 if report.compatible else 1)


def version_folder(argument: Path) -> Path:
    """A version folder given as a path, or as a version name of the schemas root."""
    if not argument.exists() and VERSION_RE.match(str(argument)):
        return schemas_root() / str(argument)
    return argument


@click.command("new-version")
@click.argument("version", metavar="X.Y.Z")
@click.option("--from", "source", metavar="X.Y.Z", help="Version to copy (default: the latest).")
@with_schemas
@guarded
def new_version_command(version: str, source: str | None) -> None:
    """Start schema version X.Y.Z as an unreleased copy of the latest version ($id URIs rewritten)."""
    from ..release import new_version

    target = new_version(version, source=source)
    click.echo(f"created {target} (unreleased); edit it, run llm-hub check, then llm-hub release {version}")


@click.command("release")
@click.argument("version", metavar="X.Y.Z")
@click.option("--force", is_flag=True, help="Re-record an already released version (before anyone consumed it).")
@with_schemas
@guarded
def release_command(version: str, force: bool) -> None:
    """Record the hash of schema version X.Y.Z: from now on llm-hub check refuses any change to it."""
    from ..release import release, released_path

    entry = release(version, force=force)
    click.echo(f"released {version}: sha256 {entry['sha256']} ({len(entry['files'])} files) in {released_path()}")
