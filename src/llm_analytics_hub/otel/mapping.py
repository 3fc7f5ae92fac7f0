"""The OpenTelemetry mapping of one schema version: `schemas/otel-mapping/<version>.json`, typed.

The file is data owned by the schema authors, beside the version folders like the producer-output
form (it is not inside a version folder: a released folder never changes, and the mapping may grow).
It holds:

- `attributes`: the registry of attribute names the mapping knows, with their OTLP type, the
  conventions that use them, the requirement level in the GenAI conventions, and the current name of
  a deprecated or foreign one (what `otel check` reports);
- `facts`: the values a span yields, each from attribute sources in precedence order (a value map
  for spellings, a scale for units) or derived by a named rule, and the facts a total `includes`;
- `envelope`, `events`, `described`: which member each fact fills;
- `spans`: which spans are model calls; `metrics`: the GenAI instruments and the hub metric types.

`llm-hub check` validates the file against the IR (`mapping_check`); everything else reads it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ..errors import HubError
from ..versions import schemas_root

FOLDER = "otel-mapping"
FactType = Literal["string", "int", "double", "boolean", "string[]", "uuid", "datetime", "map<string,int>",
                   "map<string,string>"]
ATTRIBUTE_TYPES = ("string", "int", "double", "boolean", "string[]", "int[]", "double[]", "boolean[]")
REQUIREMENTS = ("required", "conditionally_required", "recommended", "opt_in")
# Rules a fact may name as `derive` (computed from the span) or `default` (when no source is present):
# the mapper implements each (otel/spans.py); `mapping_check` refuses any other name.
DERIVATIONS = frozenset({
    "span_duration_ms", "span_duration_seconds_ceil", "span_start", "span_id", "trace_id", "trace_uuid",
    "parent_span_event_uuid", "event_uuid", "input_plus_output", "one_per_error_type", "tags",
    "unknown_environment", "hub_source_module", "error_if_error_type", "zero_for_embeddings",
})


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    type: str
    conventions: tuple[str, ...]
    requirement: str | None = None
    condition: str | None = None
    replaced_by: str | None = None
    deprecated: bool = False
    unit: str | None = None
    where: Literal["span", "resource"] = "span"
    prefix: bool = False  # the name is a prefix: `llm_hub.tag.<key>`
    note: str | None = None


@dataclass(frozen=True)
class Source:
    attribute: str
    values: dict[str, str] | None = None  # spelling -> hub value
    keep_others: bool = True  # a value not in `values` passes through (False: it is no value)
    wrap: bool = False  # a single string fills a list member
    scale: float | None = None  # multiply (seconds -> milliseconds)
    round: int | None = None  # then round to this many decimals (6: nanoseconds in milliseconds)


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    sources: tuple[Source, ...] = ()
    derive: str | None = None
    default: str | None = None
    unit: str | None = None
    includes: tuple[str, ...] = ()  # facts this total already counts
    part_of: str | None = None  # the attribute this sub-count is part of
    note: str | None = None


@dataclass(frozen=True)
class Constant:
    value: Any


Rule = str | Constant  # a fact name, or a constant


@dataclass(frozen=True)
class EventSpec:
    kind: str  # token_usage, latency, error
    type: str  # area.Name of the payload type
    variant: tuple[str, str]  # (payload_type, the module union's tag value)
    when: tuple[str, ...]  # facts of which one must be present (empty: always)
    event_id: str  # the fact that gives the event_id
    members: tuple[tuple[str, Rule], ...]  # (member path, dotted for nested objects; rule)


@dataclass(frozen=True)
class Instrument:
    name: str
    instrument: str  # histogram, counter, gauge
    unit: str
    conventions: tuple[str, ...]
    attributes: dict[str, str]  # attribute -> requirement level
    note: str | None = None


@dataclass(frozen=True)
class Mapping:
    version: str
    path: Path
    conventions: dict[str, str]
    attributes: dict[str, AttributeSpec]
    markers: tuple[str, ...]
    model_operations: tuple[str, ...]
    openinference_kinds: tuple[str, ...]
    span_kinds: tuple[str, ...]
    facts: dict[str, Fact]
    envelope: tuple[tuple[str, Rule], ...]
    tag_resource: tuple[str, ...]
    tag_span: tuple[str, ...]
    tag_prefix: str
    events: tuple[EventSpec, ...]
    described: dict[str, tuple[tuple[str, Rule], ...]]
    metric_prefix: str
    instruments: dict[str, Instrument]
    hub_types: dict[str, str]
    metric_tags: dict[str, Any] = field(default_factory=dict)

    def attribute(self, name: str) -> AttributeSpec | None:
        found = self.attributes.get(name)
        if found is not None:
            return found
        for spec in self.attributes.values():
            if spec.prefix and name.startswith(spec.name):
                return spec
        return None

    def event(self, kind: str) -> EventSpec:
        for spec in self.events:
            if spec.kind == kind:
                return spec
        raise KeyError(kind)


def mapping_path(version: str, root: Path | None = None) -> Path:
    return (root or schemas_root()) / FOLDER / f"{version}.json"


def load_mapping(version: str, root: Path | None = None) -> Mapping:
    """The mapping of `version` (cached per file); a HubError names a missing or malformed file."""
    return _load(mapping_path(version, root))


@cache
def _load(path: Path) -> Mapping:
    document = read_document(path)
    problems = structure_problems(document)
    if problems:
        pointer, message = problems[0]
        raise HubError(f"{path}#{pointer}: {message} (llm-hub check lists every problem of the file)")
    return build(path, document)


def read_document(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HubError(f"{path}: no OpenTelemetry mapping for schema version {path.stem}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HubError(f"{path}: unreadable: {exc}") from None


def _rule(value: Any) -> Rule:
    return Constant(value["constant"]) if isinstance(value, dict) else str(value)


def _members(entries: dict[str, Any]) -> tuple[tuple[str, Rule], ...]:
    return tuple((path, _rule(rule)) for path, rule in entries.items())


def build(path: Path, document: dict[str, Any]) -> Mapping:
    attributes = {name: AttributeSpec(name, spec["type"], tuple(spec["conventions"]), spec.get("requirement"),
                                      spec.get("condition"), spec.get("replaced_by"), bool(spec.get("deprecated")),
                                      spec.get("unit"), spec.get("where", "span"), bool(spec.get("prefix")),
                                      spec.get("note"))
                  for name, spec in document["attributes"].items()}
    facts = {}
    for name, spec in document["facts"].items():
        sources = tuple(Source(s["attribute"], s.get("values"), s.get("others", "keep") == "keep", bool(s.get("wrap")),
                               s.get("scale"), s.get("round")) for s in spec.get("from", ()))
        facts[name] = Fact(name, spec["type"], sources, spec.get("derive"), spec.get("default"), spec.get("unit"),
                           tuple(spec.get("includes", ())), spec.get("part_of"), spec.get("note"))
    events = tuple(EventSpec(e["kind"], e["type"], (e["variant"][0], e["variant"][1]), tuple(e["when"]), e["event_id"],
                             _members(e["members"])) for e in document["events"])
    metrics = document["metrics"]
    instruments = {name: Instrument(name, spec["instrument"], spec["unit"], tuple(spec["conventions"]),
                                    dict(spec["attributes"]), spec.get("note"))
                   for name, spec in metrics["instruments"].items()}
    spans, tags = document["spans"], document["tags"]
    return Mapping(
        version=document["version"], path=path, conventions=dict(document["conventions"]), attributes=attributes,
        markers=tuple(spans["markers"]), model_operations=tuple(spans["model_operations"]),
        openinference_kinds=tuple(spans["openinference_kinds"]), span_kinds=tuple(spans["span_kinds"]),
        facts=facts, envelope=_members(document["envelope"]), tag_resource=tuple(tags["resource"]),
        tag_span=tuple(tags["span"]), tag_prefix=tags["prefix"], events=events,
        described={name: _members(entries) for name, entries in document["described"].items()},
        metric_prefix=metrics["select_prefix"], instruments=instruments, hub_types=dict(metrics["hub_types"]),
        metric_tags=dict(metrics["tags"]),
    )


# The shape of the file, checked before anything reads it (its pointers name the place in the file).
_STRINGS = {"type": "array", "items": {"type": "string"}}
_RULES = {"type": "object", "additionalProperties": {"anyOf": [
    {"type": "string"},
    {"type": "object", "properties": {"constant": {}}, "required": ["constant"], "additionalProperties": False}]}}
SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["version", "conventions", "attributes", "spans", "facts", "envelope", "tags", "events", "described",
                 "metrics"],
    "properties": {
        "$comment": {"type": "string"},
        "version": {"type": "string"},
        "conventions": {"type": "object", "additionalProperties": {"type": "string"}},
        "attributes": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["type", "conventions"], "additionalProperties": False,
            "properties": {
                "type": {"enum": list(ATTRIBUTE_TYPES)}, "conventions": _STRINGS,
                "requirement": {"enum": list(REQUIREMENTS)}, "condition": {"type": "string"},
                "replaced_by": {"type": "string"}, "deprecated": {"type": "boolean"}, "unit": {"type": "string"},
                "where": {"enum": ["span", "resource"]}, "prefix": {"type": "boolean"}, "note": {"type": "string"}}}},
        "spans": {"type": "object", "required": ["markers", "model_operations", "openinference_kinds", "span_kinds"],
                  "properties": {"markers": _STRINGS, "model_operations": _STRINGS, "openinference_kinds": _STRINGS,
                                 "span_kinds": {"type": "array", "items": {
                                     "enum": ["unspecified", "internal", "server", "client", "producer", "consumer"]}},
                                 "note": {"type": "string"}}},
        "facts": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["type"], "additionalProperties": False,
            "properties": {
                "type": {"enum": ["string", "int", "double", "boolean", "string[]", "uuid", "datetime",
                                  "map<string,int>", "map<string,string>"]},
                "from": {"type": "array", "items": {
                    "type": "object", "required": ["attribute"], "additionalProperties": False,
                    "properties": {"attribute": {"type": "string"},
                                   "values": {"type": "object", "additionalProperties": {"type": "string"}},
                                   "others": {"enum": ["keep", "ignore"]}, "wrap": {"type": "boolean"},
                                   "scale": {"type": "number"}, "round": {"type": "integer", "minimum": 0}}}},
                "derive": {"type": "string"}, "default": {"type": "string"}, "unit": {"type": "string"},
                "includes": _STRINGS, "part_of": {"type": "string"}, "note": {"type": "string"}}}},
        "envelope": _RULES,
        "tags": {"type": "object", "required": ["resource", "span", "prefix"],
                 "properties": {"resource": _STRINGS, "span": _STRINGS, "prefix": {"type": "string"}}},
        "events": {"type": "array", "items": {
            "type": "object", "required": ["kind", "type", "variant", "when", "event_id", "members"],
            "additionalProperties": False,
            "properties": {"kind": {"type": "string"}, "type": {"type": "string"},
                           "variant": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                           "when": _STRINGS, "event_id": {"type": "string"}, "members": _RULES}}},
        "described": {"type": "object", "additionalProperties": _RULES},
        "metrics": {"type": "object", "required": ["select_prefix", "instruments", "hub_types", "tags"],
                    "properties": {
                        "select_prefix": {"type": "string"},
                        "instruments": {"type": "object", "additionalProperties": {
                            "type": "object", "required": ["instrument", "unit", "conventions", "attributes"],
                            "properties": {"instrument": {"enum": ["histogram", "counter", "gauge", "updowncounter"]},
                                           "unit": {"type": "string"}, "conventions": _STRINGS,
                                           "attributes": {"type": "object",
                                                          "additionalProperties": {"enum": list(REQUIREMENTS)}},
                                           "note": {"type": "string"}}}},
                        "hub_types": {"type": "object", "additionalProperties": {"type": "string"}},
                        "tags": {"type": "object"}}},
    },
    "additionalProperties": False,
}


def structure_problems(document: Any) -> list[tuple[str, str]]:
    """(JSON pointer in the file, message) for every departure from the file's shape."""
    from jsonschema import Draft202012Validator

    found = []
    for error in sorted(Draft202012Validator(SHAPE).iter_errors(document), key=lambda e: list(e.absolute_path)):
        pointer = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in error.absolute_path)
        found.append((pointer, error.message))
    return found
