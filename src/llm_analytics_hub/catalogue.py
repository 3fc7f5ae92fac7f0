"""What `llm-hub schemas` lists and what `llm-hub example` prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import HubError
from .schema_store import load_version
from .versions import available_versions


@dataclass(frozen=True)
class CatalogueRow:
    name: str  # the bare name, or area.Name where the bare name is defined in several areas
    qualified: str
    area: str
    versions: tuple[str, ...]
    summary: str


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def catalogue(area: str | None = None, version: str | None = None) -> list[CatalogueRow]:
    """Every type (optionally of one area / one version) with the versions that define it."""
    versions = [version] if version else available_versions()
    found: dict[str, tuple[list[str], str, str]] = {}
    areas_of: dict[str, set[str]] = {}
    for ver in versions:
        for entry in load_version(ver).types:
            areas_of.setdefault(entry.name, set()).add(entry.area)
            if area and entry.area != area:
                continue
            seen, _, _ = found.setdefault(entry.qualified, ([], entry.area, ""))
            seen.append(ver)
            found[entry.qualified] = (seen, entry.area, first_sentence(entry.description))
    rows = []
    for qualified, (vers, row_area, summary) in found.items():
        bare = qualified.split(".", 1)[1]
        shown = qualified if len(areas_of[bare]) > 1 else bare
        rows.append(CatalogueRow(shown, qualified, row_area, tuple(vers), summary))
    return rows


def example_of(type_name: str, version: str | None = None, index: int = 0) -> Any:
    schemas = load_version(version or available_versions()[-1])
    entry = schemas.lookup(type_name)
    examples = entry.examples
    if not examples:
        raise HubError(f"{entry.qualified} has no examples in {schemas.version}")
    if not 0 <= index < len(examples):
        raise HubError(f"{entry.qualified} has {len(examples)} examples; index {index} is out of range")
    return examples[index]
