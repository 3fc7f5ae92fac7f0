"""`llm-hub docs build` / `docs serve`: option parsing and reporting; the work is in `render`,
`writer` and `serve`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ...cli_support import guarded, with_schemas
from ...errors import HubError
from ...versions import schemas_root
from .render import render_site
from .serve import HOST, make_server
from .writer import check_target, write_site

DEFAULT_OUT = Path("build/site")


def build(out: Path) -> tuple[int, int, float]:
    """Build the site of the chosen schemas root into `out`: (files, bytes, seconds)."""
    check_target(out)
    started = time.perf_counter()
    files = render_site(schemas_root())
    size = write_site(files, out)
    return len(files), size, time.perf_counter() - started


@click.group("docs")
def docs_group() -> None:
    """The schema browser: a static site with search, versions, changelogs and diffs."""


@docs_group.command("build")
@click.option("--out", "out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder to write the site into (replaced if it holds an earlier build).")
@with_schemas
@guarded
def build_command(out: Path) -> None:
    """Write the static schema browser (works from file:// and any static host)."""
    count, size, seconds = build(out)
    click.echo(f"wrote {count} files ({size / 1e6:.1f} MB) in {out} in {seconds:.1f} s; "
               f"open {out / 'index.html'}")


@docs_group.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Site folder to serve.")
@click.option("--build/--no-build", "rebuild", default=True, show_default=True,
              help="Build the site into the folder first.")
@with_schemas
@guarded
def serve_command(port: int, folder: Path, rebuild: bool) -> None:
    """Serve the schema browser on 127.0.0.1 for a quick look (Ctrl-C stops)."""
    if rebuild:
        build(folder)
    elif not (folder / "index.html").is_file():
        raise HubError(f"{folder} holds no built site; run `llm-hub docs build --out {folder}` "
                               "or drop --no-build")
    server = make_server(folder, port)
    click.echo(f"serving {folder} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C stops)", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
