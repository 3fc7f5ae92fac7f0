"""The OpenTelemetry mapping of a type's members, for its page: which attributes fill each member, in which
convention, with the unit and the inclusion rule (read from schemas/otel-mapping/<version>.json)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import HubError
from ...otel.mapping import Constant, Mapping, Rule, load_mapping
from ..ir import ObjectType, TypeDef

ENVELOPE_TYPES = ("events.AnalyticsEvent", "events.CommonEventFields")


@dataclass(frozen=True)
class Source:
    attribute: str
    conventions: str  # "genai, genai-1.36"
    detail: str  # "times 1000", "spellings mapped", ...


@dataclass(frozen=True)
class OtelRow:
    member: str
    sources: tuple[Source, ...]
    rule: str  # how the value is made when no attribute is there, or a constant
    unit: str
    note: str


def otel_rows(schemas_root: Path, version: str, typedef: TypeDef) -> tuple[OtelRow, ...]:
    if not isinstance(typedef, ObjectType):
        return ()
    try:
        mapping = load_mapping(version, schemas_root)
    except HubError:
        return ()
    name = f"{typedef.area}.{typedef.name}"
    entries: list[tuple[str, Rule]] = []
    if name in ENVELOPE_TYPES:
        entries += mapping.envelope
    for event in mapping.events:
        if event.type == name:
            entries += event.members
    entries += mapping.described.get(name, ())
    seen: set[str] = set()
    rows = []
    for path, rule in entries:
        if path not in seen:
            seen.add(path)
            rows.append(_row(mapping, path, rule))
    return tuple(rows)


def _row(mapping: Mapping, path: str, rule: Rule) -> OtelRow:
    if isinstance(rule, Constant):
        return OtelRow(path, (), f"always {rule.value!r}", "", "")
    fact = mapping.facts[rule]
    sources = []
    for source in fact.sources:
        spec = mapping.attributes.get(source.attribute)
        deprecated = spec is not None and spec.deprecated and spec.replaced_by
        details = [f"\u00d7 {source.scale:g}" if source.scale else "", "spellings mapped" if source.values else "",
                   "one value as a list" if source.wrap else "",
                   f"deprecated: {spec.replaced_by}" if spec is not None and deprecated else ""]
        sources.append(Source(source.attribute, ", ".join(spec.conventions) if spec else "",
                              "; ".join(d for d in details if d)))
    made = fact.derive or fact.default or ""
    notes = [fact.note or ""]
    if fact.includes:
        notes.append("includes " + ", ".join(fact.includes) + " (never counted twice)")
    if fact.part_of:
        notes.append(f"part of {fact.part_of}")
    return OtelRow(path, tuple(sources), made.replace("_", " "), fact.unit or "", "; ".join(n for n in notes if n))
