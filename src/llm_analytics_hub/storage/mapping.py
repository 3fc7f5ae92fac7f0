"""How events become time-series points: data beside the schemas, one file per version,
`schemas/timeseries-mapping/<version>.json` (like schemas/producer-output), checked by `llm-hub check`.

    {"version": "1.0.0",
     "tags": {"source_module": "/source_module", ...},        tags of every measurement (envelope members)
     "tag_map": "/tags",                                       every entry of this map is a tag too
     "measurements": {
       "llm_latency": {"variant": "telemetry/latency",
                       "tags": {"model_id": "/payload/data/model_id"},
                       "fields": {"latency_ms": "/payload/data/total_latency_ms", ...}}}}

A measurement is the events of one payload variant; its time is the event's `timestamp`. Tags are
low-cardinality strings (what queries filter and group by); fields are the measured values. Each
pointer names a member of the variant (or of the envelope) and so a column of the storage layout; a
version without a file uses the newest earlier version's (a minor version only adds members).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import HubError
from ..versions import available_versions, parse_version, schemas_root
from .layout import Column, Table

FOLDER = "timeseries-mapping"
TAG_KINDS = ("text", "uuid")
FIELD_KINDS = ("double", "int", "bool", "text")


@dataclass(frozen=True)
class Measurement:
    name: str
    variant: str
    tags: dict[str, Column]  # the common tags and the measurement's own
    fields: dict[str, Column]
    tag_map: Column | None  # a map column whose entries are tags as well


@dataclass(frozen=True)
class Mapping:
    version: str  # the version whose file it is
    path: Path
    measurements: dict[str, Measurement]

    def get(self, name: str) -> Measurement:
        found = self.measurements.get(name)
        if found is None:
            known = ", ".join(sorted(self.measurements))
            raise HubError(f"unknown measurement {name!r}; known: {known} ({self.path})")
        return found


def mapping_path(root: Path, version: str) -> Path:
    return root / FOLDER / f"{version}.json"


def mapping_for(table: Table, root: Path | None = None) -> Mapping:
    """The mapping that applies to a table: its version's file, else the newest earlier version's."""
    base = root or schemas_root()
    wanted = parse_version(table.version)
    for version in reversed(available_versions(base)):
        path = mapping_path(base, version)
        if parse_version(version) <= wanted and path.is_file():
            found, problems = read_mapping(path, version, table)
            if problems:
                raise HubError(f"{path}: {problems[0][1]} (at {problems[0][0] or '/'}; llm-hub check lists all)")
            return found
    raise HubError(f"no time-series mapping for schema version {table.version} under {base / FOLDER}")


def read_mapping(path: Path, version: str, table: Table) -> tuple[Mapping, list[tuple[str, str]]]:
    """The file read against the table's layout, and its problems as (JSON pointer, message)."""
    problems: list[tuple[str, str]] = []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Mapping(version, path, {}), [("", f"unreadable: {exc}")]
    if not isinstance(document, dict):
        return Mapping(version, path, {}), [("", "expected an object")]
    if document.get("version") != version:
        problems.append(("/version", f"must be {version!r}, the version this file describes"))
    common = _named(document.get("tags", {}), "/tags", "", table, TAG_KINDS, problems)
    tag_map = None
    if "tag_map" in document:
        tag_map = _column(document["tag_map"], "", table, ("map",), "/tag_map", problems)
        if tag_map is not None and (tag_map.type.item is None or tag_map.type.item.kind != "text"):
            problems.append(("/tag_map", "must name a map of strings"))
    measurements = {}
    entries = document.get("measurements")
    if not isinstance(entries, dict) or not entries:
        problems.append(("/measurements", "expected an object naming at least one measurement"))
        entries = {}
    for name, entry in sorted(entries.items()):
        where = f"/measurements/{name}"
        if not isinstance(entry, dict):
            problems.append((where, "expected an object"))
            continue
        variant = entry.get("variant")
        if variant not in table.variants:
            problems.append((f"{where}/variant", f"{variant!r} is not a payload variant of "
                                                  f"{table.type_name} {table.version}"))
            continue
        tags = {**common, **_named(entry.get("tags", {}), f"{where}/tags", variant, table, TAG_KINDS, problems)}
        fields = _named(entry.get("fields", {}), f"{where}/fields", variant, table, FIELD_KINDS, problems)
        if not fields:
            problems.append((f"{where}/fields", "a measurement needs at least one field"))
        for clash in sorted(tags.keys() & fields.keys()):
            problems.append((f"{where}/fields/{clash}", f"{clash!r} is a tag and a field"))
        measurements[name] = Measurement(name, variant, tags, fields, tag_map)
    return Mapping(version, path, measurements), problems


def _named(entries: Any, where: str, variant: str, table: Table, kinds: tuple[str, ...],
           problems: list[tuple[str, str]]) -> dict[str, Column]:
    if not isinstance(entries, dict):
        problems.append((where, "expected an object of name: JSON pointer"))
        return {}
    found = {}
    for name, pointer in sorted(entries.items()):
        column = _column(pointer, variant, table, kinds, f"{where}/{name}", problems)
        if column is not None:
            found[name] = column
    return found


def _column(pointer: Any, variant: str, table: Table, kinds: tuple[str, ...], where: str,
            problems: list[tuple[str, str]]) -> Column | None:
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        problems.append((where, "expected a JSON pointer such as /payload/data/model_id"))
        return None
    for column in table.columns:
        if column.pointer == pointer and column.role in ("value", "tag") and (
                column.variant == "" or variant == column.variant or variant.startswith(column.variant + "/")):
            if column.type.kind not in kinds:
                problems.append((where, f"{pointer} is a {column.type.kind} member; expected {' or '.join(kinds)}"))
                return None
            return column
    scope = f"variant {variant}" if variant else "the envelope"
    problems.append((where, f"{pointer} names no member of {scope} in {table.type_name} {table.version}"))
    return None


def problems(root: Path, version: str) -> Iterator[tuple[Path, str, str]]:
    """(file, JSON pointer, message) for what is wrong with a version's mapping file (none: no file)."""
    from .layout import events_table_of

    path = mapping_path(root, version)
    if not path.is_file():
        return
    for pointer, message in read_mapping(path, version, events_table_of(root, version))[1]:
        yield path, pointer, message
