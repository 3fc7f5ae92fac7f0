"""The Python targets: dataclasses (`llm_analytics_hub.models.<version>.<area>`) and TypedDicts
(`llm_analytics_hub.typeddicts.<version>.<area>`), each with its package `__init__`s.

Modules: `spelling` (how IR type expressions are spelt: annotations, wire annotations, runtime
kinds; one exhaustive dispatch each), `model_views` and `typeddict_views` (template views: every
schema-derived string made an inert literal, docstring or identifier), `text` (literals and
docstrings), `formatting` (ruff format of the output). The templates are in `templates/python/`.
The identifiers themselves (`py` in the IR) come from `ir/identifiers.py`. The generated dataclasses
need only `llm_analytics_hub.runtime`, never this package.

Why datamodel-code-generator does not write the dataclasses and TypedDicts
--------------------------------------------------------------------------
(It does write the pydantic models, from the codegen profile, which it reads correctly: see
`codegen/pydantic_models.py`. What follows is about the canonical bundles and these outputs.)
The issue asks to use datamodel-code-generator (dcg) "where it serves". We tried it where it
would fit best, the TypedDict output (`--output-model-type typing.TypedDict`, with template
overrides through `--custom-template-dir`), on the bundles, and it does not serve here:

* it does not read `if`/`then`, which is how the six internally tagged unions and EventPayload
  are written (DESIGN.md §3 "known tension"): it emits the union root as a TypedDict holding only
  the tag, so the variants and their `Literal` tags would have to come from somewhere else anyway;
* a `$ref` to `X.json#/$defs/fields` plus `unevaluatedProperties: false` (the leaves and the
  flattened AnalyticsEvent envelope) becomes a separate class, not merged members, and
  `closed=True` (PEP 728) cannot be requested per class from its TypedDict template context;
* it decides class names itself (deduplicating the colliding titles with numeric suffixes) and
  writes one module per input file, where we need one module per area with the catalogue titles;
* the dataclass output has no from_dict/to_dict, no tagged-union dispatch, no flattened open maps;
  all of that would be a second layer on its output, and the issue forbids post-editing it.
Running it only for the easy shapes and stitching its text together with ours would be exactly the
post-editing we must not do. So every Python output comes from our IR through our own Jinja2
templates (the same per-output-type template registry idea dcg uses). dcg stays useful as an
*independent consumer* of what we ship: the tests run it over a bundle to prove the bundles are
self-contained and readable by third-party generators.
"""

from __future__ import annotations

from ..ir import Version
from ..render import render_template
from ..target import Context, Files, Target
from .formatting import format_python
from .model_views import module_view
from .spelling import Spelling
from .typeddict_views import exported, type_view

PACKAGE = "python/llm_analytics_hub"
MODELS = f"{PACKAGE}/models"
TYPEDDICTS = f"{PACKAGE}/typeddicts"


def _models(version: Version) -> Files:
    files: Files = {}
    package = f"{MODELS}/{version.module}"
    for area in version.areas:
        files[f"{package}/{area.name}.py"] = render_template(
            "python/models_area.py.jinja2",
            version=version.version,
            area=area.name,
            sources=version.area_sources(area.name),
            imports=list(area.imports),
            view=module_view(version, area),
        )
    files[f"{package}/__init__.py"] = render_template(
        "python/version_init.py.jinja2", version=version.version, kind="Dataclasses",
        areas=[a.name for a in version.areas], sources=version.sources)
    return files


def _typeddicts(version: Version) -> Files:
    files: Files = {}
    package = f"{TYPEDDICTS}/{version.module}"
    for area in version.areas:
        spell = Spelling(version, area)
        files[f"{package}/{area.name}.py"] = render_template(
            "python/typeddicts_area.py.jinja2",
            version=version.version,
            area=area.name,
            sources=version.area_sources(area.name),
            imports=list(area.imports),
            exported=exported(area),
            types=[type_view(t, spell) for t in area.types],
        )
    files[f"{package}/__init__.py"] = render_template(
        "python/version_init.py.jinja2", version=version.version, kind="TypedDicts",
        areas=[a.name for a in version.areas], sources=version.sources)
    return files


def _package_root(folder: str, kind: str, versions: tuple[Version, ...]) -> Files:
    """The `models` or `typeddicts` package root, listing the version subpackages."""
    return {
        f"{folder}/__init__.py": render_template(
            "python/package_init.py.jinja2", kind=kind, modules=[v.module for v in versions]),
        f"{folder}/py.typed": "",
    }


def _formatted(files: Files, context: Context) -> Files:
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    return {**files, **format_python(python, context.settings.get("python", "line_length"))}


def render_dataclasses(context: Context) -> Files:
    """generated/python/llm_analytics_hub/models: a subpackage per version, a module per area."""
    files = _package_root(MODELS, "Dataclasses", context.versions)
    for version in context.versions:
        files.update(_models(version))
    return _formatted(files, context)


def render_typeddicts(context: Context) -> Files:
    """generated/python/llm_analytics_hub/typeddicts: a subpackage per version, a module per area."""
    files = _package_root(TYPEDDICTS, "TypedDicts", context.versions)
    for version in context.versions:
        files.update(_typeddicts(version))
    return _formatted(files, context)


DATACLASSES = Target("python-dataclasses", MODELS, render_dataclasses)
TYPED_DICTS = Target("python-typeddicts", TYPEDDICTS, render_typeddicts)
