"""Views -> {site-relative path: text}. Pure: no file I/O but reading the templates and assets."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..render import render_template
from ..target import Files
from . import paths
from .catalog import Catalog, load_catalog
from .history import changelog_page, diff_pages
from .pages import home_page, type_page, version_page
from .search import search_index

ASSETS = ("site.css", "site.js")


def assets() -> Files:
    """The hand-written CSS and JS, shipped beside the templates."""
    folder = resources.files("llm_analytics_hub.codegen").joinpath("templates", "site", "assets")
    return {f"assets/{name}": folder.joinpath(name).read_text(encoding="utf-8") for name in ASSETS}


def render_catalog(catalog: Catalog) -> Files:
    files: Files = {paths.HOME: render_template("site/home.html.jinja2", page=home_page(catalog))}
    for version in catalog.versions:
        name = version.version
        files[paths.version_index(name)] = render_template("site/version.html.jinja2",
                                                           page=version_page(catalog, name))
        files[paths.changelog(name)] = render_template("site/changelog.html.jinja2",
                                                       page=changelog_page(catalog, name))
        for area in version.areas:
            for typedef in area.types:
                files[catalog.page(name, typedef)] = render_template(
                    "site/type.html.jinja2", page=type_page(catalog, name, typedef))
    for path, view in diff_pages(catalog):
        files[path] = render_template("site/diff.html.jinja2", page=view)
    files[paths.SEARCH_INDEX] = search_index(catalog)
    files.update(assets())
    return dict(sorted(files.items()))


def render_site(schemas_root: Path) -> Files:
    """Every file of the schema browser for the schema versions under `schemas_root`."""
    return render_catalog(load_catalog(schemas_root))
