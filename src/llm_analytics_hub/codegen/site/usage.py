"""How to reach one type from every generated package: an import line or type path per language.

Coordinates are fixed project-wide (DESIGN.md and the language issues): the Python packages, npm
`@llm-analytics-hub/schemas`, the Rust crate `llm-analytics-hub-schemas`, the Go module
`github.com/llm-analytics-hub/llm-analytics-hub/generated/go` and the Java packages `io.llmanalyticshub.schemas`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bundle import ROOT as BUNDLES
from ..bundle import bundle_path
from ..ir import TypeDef, Version
from ..typescript import ts_name

GO_MODULE = "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
RUST_CRATE = "llm_analytics_hub_schemas"
JAVA_PACKAGE = "io.llmanalyticshub.schemas"
NPM_PACKAGE = "@llm-analytics-hub/schemas"


@dataclass(frozen=True)
class Usage:
    language: str
    code: str  # exactly what the copy button copies


def usages(version: Version, typedef: TypeDef, qualified: str) -> list[Usage]:
    """Import lines of a catalogue type; `qualified` is the name `--schema` takes (area.Name on a collision)."""
    module, area, py = version.module, typedef.area, typedef.py
    return [
        Usage("Python dataclass", f"from llm_analytics_hub.models.{module}.{area} import {py}"),
        Usage("Python TypedDict", f"from llm_analytics_hub.typeddicts.{module}.{area} import {py}"),
        Usage("TypeScript (npm)", f'import type {{ {module} }} from "{NPM_PACKAGE}";\n'
                                  f"type {ts_name(typedef)} = {module}.{area}.{ts_name(typedef)};"),
        Usage("Rust", f"use {RUST_CRATE}::{module}::{area}::{py};"),
        Usage("Go", f'import {area} "{GO_MODULE}/{module}/{area}"\n\nvar value {area}.{py}'),
        Usage("Java", f"import {JAVA_PACKAGE}.{module}.{area}.{py};"),
        Usage("CLI", f"llm-hub validate --schema {qualified} --schema-version {version.version} payload.json"),
        Usage("JSON Schema bundle", f"generated/{BUNDLES}/{bundle_path(version.version, area, typedef.name)}"),
    ]
