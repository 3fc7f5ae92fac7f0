"""The one interface every output of `llm-hub generate` implements.

A target has a name, the folder of `generated/` it owns (`root`: the writer compares, writes and
removes files there and nowhere else), and a pure render function from the `Context` to
{path relative to generated/: text}. `registry.TARGETS` lists them; `writer` runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..schema_store import SchemaSet
from .ir import Version
from .settings import Settings

Files = dict[str, str]  # {path relative to generated/: text}


@dataclass(frozen=True)
class Context:
    """What every target renders from, built once per run (writer.build_context)."""

    versions: tuple[Version, ...]  # the IR of every schema version, oldest first
    schema_sets: tuple[SchemaSet, ...]  # the loaded schema folders, in the same order
    bundles: Files  # jsonschema/<version>/<area>/<Type>.json (bundle.render_bundles)
    manifest: Files  # jsonschema/index.json (bundle.render_manifest)
    project_version: str  # the package version (llm_analytics_hub.__version__)
    settings: Settings  # codegen/generator.toml beside the schema root, else the defaults


@dataclass(frozen=True)
class Target:
    name: str
    root: str  # the generated/ folder it owns, e.g. "rust"
    render: Callable[[Context], Files]
