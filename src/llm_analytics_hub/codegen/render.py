"""One pure render function per output kind: IR in, {relative path: text} out. No file I/O here.

Paths are relative to the `generated/` folder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import jinja2

from ..schema_store import SchemaSet
from . import docs
from .bundle import build_bundles
from .ir import Source, Version
from .model_views import module_view
from .python_spelling import Spelling
from .typeddict_views import exported, type_view

Files = dict[str, str]

PY_ROOT = "python/llm_analytics_hub"


def _autoescape(name: str | None) -> bool:
    """HTML templates (the schema browser) escape every value; code and Markdown templates do their own."""
    return name is not None and name.endswith(".html.jinja2")


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("llm_analytics_hub.codegen", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def sources_digest(sources: Iterable[Source]) -> str:
    """One digest of a file's inputs for its header line (the manifest lists each source's hash)."""
    text = "".join(f"{s.path}\0{s.sha256}\n" for s in sorted(sources, key=lambda s: s.path))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def render_template(name: str, **context: Any) -> str:
    if "sources" in context:
        context["digest"] = sources_digest(context["sources"])
    return environment().get_template(name).render(**context)


def _area_sources(version: Version, area_name: str) -> list[Any]:
    area = version.area(area_name)
    mine = {t.source for t in area.types}
    mine |= {s for s in version.sources if s.path.endswith("/common.json")}
    return sorted(mine, key=lambda s: s.path)


def render_models(version: Version) -> Files:
    files: Files = {}
    package = f"{PY_ROOT}/models/{version.module}"
    for area in version.areas:
        files[f"{package}/{area.name}.py"] = render_template(
            "models_area.py.jinja2",
            version=version.version,
            area=area.name,
            sources=_area_sources(version, area.name),
            imports=list(area.imports),
            view=module_view(version, area),
        )
    files[f"{package}/__init__.py"] = render_template(
        "version_init.py.jinja2", version=version.version, kind="Dataclasses",
        areas=[a.name for a in version.areas], sources=version.sources)
    return files


def render_typeddicts(version: Version) -> Files:
    files: Files = {}
    package = f"{PY_ROOT}/typeddicts/{version.module}"
    for area in version.areas:
        spell = Spelling(version, area)
        text = render_template(
            "typeddicts_area.py.jinja2",
            version=version.version,
            area=area.name,
            sources=_area_sources(version, area.name),
            imports=list(area.imports),
            exported=exported(area),
            types=[type_view(t, spell) for t in area.types],
        )
        files[f"{package}/{area.name}.py"] = text
    files[f"{package}/__init__.py"] = render_template(
        "version_init.py.jinja2", version=version.version, kind="TypedDicts",
        areas=[a.name for a in version.areas], sources=version.sources)
    return files


def render_packages(versions: list[Version]) -> Files:
    """The `models` and `typeddicts` package roots, listing the version subpackages."""
    modules = [v.module for v in versions]
    return {
        f"{PY_ROOT}/models/__init__.py": render_template(
            "package_init.py.jinja2", kind="Dataclasses", modules=modules),
        f"{PY_ROOT}/typeddicts/__init__.py": render_template(
            "package_init.py.jinja2", kind="TypedDicts", modules=modules),
        f"{PY_ROOT}/models/py.typed": "",
        f"{PY_ROOT}/typeddicts/py.typed": "",
    }


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_docs(version: Version) -> Files:
    files: Files = {}
    folder = f"docs/{version.version}"
    for area in version.areas:
        files[f"{folder}/{area.name}.md"] = render_template(
            "docs_area.md.jinja2", version=version.version, sources=_area_sources(version, area.name),
            doc=docs.area_doc(version, area))
    files[f"{folder}/index.md"] = render_template(
        "docs_index.md.jinja2", version=version.version, sources=version.sources, doc=docs.index_doc(version))
    return files


def render_bundles(schema_set: SchemaSet) -> Files:
    """One self-contained schema per catalogue type, under jsonschema/<version>/<area>/<Type>.json."""
    files: Files = {}
    for entry, bundle in build_bundles(schema_set):
        name = entry.path.stem if not entry.pointer else entry.name
        files[f"jsonschema/{schema_set.version}/{entry.area}/{name}.json"] = dump_json(bundle)
    return files


def render_manifest(bundles: Files, sets: list[SchemaSet], versions: list[Version]) -> Files:
    """generated/jsonschema/index.json: every bundle with its type, area, version, path and sha256, and
    every schema source file with its sha256 (the header line of a generated file carries one digest
    of its sources, `sources_digest`)."""
    by_path = {}
    for schema_set in sets:
        for entry in schema_set.types:
            name = entry.path.stem if not entry.pointer else entry.name
            by_path[f"jsonschema/{schema_set.version}/{entry.area}/{name}.json"] = entry
    rows = []
    for path in sorted(bundles, key=lambda p: (by_path[p].version, by_path[p].area, by_path[p].name)):
        entry = by_path[path]
        rows.append({"type": entry.name, "qualified": entry.qualified, "area": entry.area,
                     "version": entry.version, "path": path.removeprefix("jsonschema/"),
                     "sha256": hashlib.sha256(bundles[path].encode("utf-8")).hexdigest()})
    manifest = {
        "comment": "Generated by `llm-hub generate`. DO NOT EDIT.",
        "versions": [s.version for s in sets],
        "types": rows,
        "sources": [{"path": s.path, "sha256": s.sha256} for v in versions for s in v.sources],
    }
    return {"jsonschema/index.json": dump_json(manifest)}
