"""The Rust crate `llm-analytics-hub-schemas` under generated/rust/: one pure render function.

Spelling of the IR (spelling.py: types and checks; views.py: declarations; traits.py: Display,
FromStr and From impls):
- closed object -> struct with `deny_unknown_fields` (the lenient reading, an `Options` at run time,
  drops undeclared members before serde sees them); inherited members are inlined (serde cannot
  combine `flatten` with `deny_unknown_fields`); open object ->
  struct with a `#[serde(flatten)]` BTreeMap of the undeclared members;
- optional member -> `Option<T>` skipped when None; nullable required member -> `Option<T>` written
  as null; member with a serde default -> `T` with that default;
- enum -> unit enum (`rename_all` when one rule spells every wire string); data-carrying enum ->
  externally tagged enum; tagged unions -> `#[serde(tag = ..)]` / `#[serde(tag, content)]` enums;
  untagged union -> `#[serde(untagged)]` enum; uuid -> `uuid::Uuid`; date-time -> `Timestamp`
  (the text as written, ordered by instant: formats.rs); maps -> BTreeMap (deterministic output order).
Validation: each type's `check` walks the parsed JSON exactly as the JSON Schema does and reports
findings at the same instance locations as the Python validator; `from_json` decodes the checked
tree (de.rs), `to_json` checks what it writes (runtime.rs `encode`).
"""

from __future__ import annotations

import json

from ...versions import DEFAULT_VERSION
from ..ir import Version
from ..render import render_template
from ..target import Context, Files, Target
from . import names
from .spelling import Spelling
from .views import Views

CRATE = "llm-analytics-hub-schemas"
ROOT = "rust"


def _type_names(versions: list[Version]) -> dict[tuple[str, str, str], str]:
    return {(version.version, area, title): name for version in versions
            for (area, title), name in version.type_names(lambda t, taken: names.type_name(t.name, taken)).items()}


def _rows(version: Version, type_names: dict[tuple[str, str, str], str]) -> list[dict[str, str]]:
    """`checker`/`reserialize` match arms: catalogue types by `area.Name`, and by bare name when unique."""
    catalogue = [(a.name, t.name) for a in version.areas for t in a.types if not t.synthetic]
    count: dict[str, int] = {}
    for _, title in catalogue:
        count[title] = count.get(title, 0) + 1
    rows = []
    for area, title in catalogue:
        spellings = [names.string(f"{area}.{title}")] + ([names.string(title)] if count[title] == 1 else [])
        rows.append({"names": " | ".join(spellings), "path": f"{area}::{type_names[(version.version, area, title)]}"})
    return rows


def _has_example_types(version: Version) -> bool:
    """The README's examples use these 1.0.0 types; a schema tree without them gets a README without."""
    try:
        version.area("events").get("AnalyticsEvent")
        version.area("events").get("LatencyMetrics")
    except KeyError:
        return False
    return version.version == "1.0.0"


def render_rust(context: Context) -> Files:
    versions, project_version = list(context.versions), context.project_version
    files: Files = {}
    type_names = _type_names(versions)
    for version in versions:
        folder = f"{ROOT}/src/{version.module}"
        for area in version.areas:
            spelling = Spelling(version, area.name, type_names)
            views = Views(spelling)
            types = [views.type_view(t, type_names[(version.version, area.name, t.name)]) for t in area.types]
            pattern_count = len(spelling.patterns)
            files[f"{folder}/{area.name}.rs"] = render_template(
                "rust/area.rs.jinja2", version=version.version, area=area.name,
                sources=version.area_sources(area.name), types=types,
                pattern_count=pattern_count, pattern_texts=", ".join(names.string(p) for p in spelling.patterns),
                pattern_slots=", ".join(["std::sync::OnceLock::new()"] * pattern_count))
        files[f"{folder}/mod.rs"] = render_template(
            "rust/version_mod.rs.jinja2", version=version.version, areas=[a.name for a in version.areas],
            rows=_rows(version, type_names))
    version_names = [v.version for v in versions]
    files[f"{ROOT}/src/lib.rs"] = render_template(
        "rust/lib.rs.jinja2", modules=[v.module for v in versions],
        versions=", ".join(names.string(v) for v in version_names), default_version=names.string(DEFAULT_VERSION),
        pairs=[(v.module, names.string(v.version)) for v in versions],
        digests=[(names.string(v.version), names.string(v.digest)) for v in versions])
    files[f"{ROOT}/src/runtime.rs"] = render_template("rust/runtime.rs.jinja2")
    files[f"{ROOT}/src/json.rs"] = render_template("rust/json.rs.jinja2")
    files[f"{ROOT}/src/de.rs"] = render_template("rust/de.rs.jinja2")
    files[f"{ROOT}/src/errors.rs"] = render_template("rust/errors.rs.jinja2")
    files[f"{ROOT}/src/formats.rs"] = render_template("rust/formats.rs.jinja2")
    files[f"{ROOT}/Cargo.toml"] = render_template(
        "rust/Cargo.toml.jinja2", crate=json.dumps(CRATE), version=json.dumps(project_version),
        versions=", ".join(version_names), crate_name=CRATE,
        schema_versions=", ".join(json.dumps(v) for v in version_names))
    files[f"{ROOT}/README.md"] = render_template(
        "rust/README.md.jinja2" if _has_example_types(versions[0]) else "rust/README_plain.md.jinja2",
        crate=CRATE, versions=version_names, release=project_version)
    return files


TARGET = Target("rust", ROOT, render_rust)
