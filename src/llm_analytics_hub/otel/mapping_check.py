"""`llm-hub check` on `schemas/otel-mapping/<version>.json`: the mapping against the IR.

Every target member exists in the version (read through the IR, nested members through their
object types) with a type the fact's values fit; every required member of a produced type has a
rule; every attribute a fact names is in the registry, every derivation is one the mapper knows;
each event's variant is a real path through AnalyticsEvent's payload unions; and every member whose
description names an OpenTelemetry attribute ("OpenTelemetry GenAI attribute `gen_ai.x`") has an
entry that reads that attribute (or counts a part of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..codegen.ir import (
    GeneratorError,
    ListOf,
    MapOf,
    Nullable,
    ObjectType,
    Prim,
    Ref,
    TaggedUnion,
    TypeExpr,
    Version,
    build_version,
)
from ..errors import HubError
from ..pointer import escape
from ..schema_store import SchemaSet
from .mapping import DERIVATIONS, Constant, Mapping, Rule, build, mapping_path, read_document, structure_problems

NAMES_ATTRIBUTE = re.compile(r"OpenTelemetry (?:GenAI )?attribute `([a-z0-9_.]+)`")
ENVELOPE_TYPE = "events.AnalyticsEvent"
FILLED_BY_MAPPER = frozenset({"event_id", "schema_version", "payload"})  # the mapper writes these itself

Problem = tuple[Path, str, str]  # (file, JSON pointer, message)


def problems(schemas: SchemaSet) -> Iterator[Problem]:
    path = mapping_path(schemas.version, schemas.folder.parent)
    try:
        version = build_version(schemas)
    except (GeneratorError, HubError):
        return  # the IR rule names the cause
    named = dict(_members_naming_attributes(version))
    if not path.is_file():
        if named:
            example = min(named)
            yield path, "", (f"missing: {len(named)} member(s) name an OpenTelemetry attribute and need a mapping, "
                             f"e.g. {example[0]} member {example[1]} (`{named[example]}`)")
        return
    try:
        document = read_document(path)
    except HubError as exc:
        yield path, "", str(exc).split(": ", 1)[-1]
        return
    shape = structure_problems(document)
    if shape:
        for pointer, message in shape:
            yield path, pointer, message
        return
    mapping = build(path, document)
    if mapping.version != schemas.version:
        yield path, "/version", f"must be {schemas.version!r}, the version this file describes"
    for pointer, message in _mapping_problems(mapping, version, named):
        yield path, pointer, message


def _mapping_problems(mapping: Mapping, version: Version,
                      named: dict[tuple[str, str], str]) -> Iterator[tuple[str, str]]:
    yield from _registry_problems(mapping)
    yield from _fact_problems(mapping)
    yield from _entries_problems("/envelope", ENVELOPE_TYPE, mapping.envelope, mapping, version, produced=True)
    for index, event in enumerate(mapping.events):
        at = f"/events/{index}"
        yield from _entries_problems(f"{at}/members", event.type, event.members, mapping, version, produced=True)
        for fact in (*event.when, event.event_id):
            if fact not in mapping.facts:
                yield at, f"names no fact {fact!r}"
        yield from _variant_problems(at, event.type, event.variant, version)
    for name, entries in mapping.described.items():
        yield from _entries_problems(f"/described/{escape(name)}", name, entries, mapping, version, produced=False)
    yield from _metric_problems(mapping, version)
    yield from _coverage_problems(mapping, version, named)


def _registry_problems(mapping: Mapping) -> Iterator[tuple[str, str]]:
    for name, spec in mapping.attributes.items():
        at = f"/attributes/{escape(name)}"
        for convention in spec.conventions:
            if convention not in mapping.conventions:
                yield at + "/conventions", f"{convention!r} is not one of the conventions the file lists"
        if spec.replaced_by is not None and spec.replaced_by not in mapping.attributes:
            yield at + "/replaced_by", f"{spec.replaced_by!r} is not in the attribute registry"
    for name, instrument in mapping.instruments.items():
        for attribute in instrument.attributes:
            if mapping.attribute(attribute) is None:
                yield (f"/metrics/instruments/{escape(name)}/attributes",
                       f"{attribute!r} is not in the attribute registry")


SOURCE_FITS = {  # fact type -> attribute types a source may have
    "string": {"string"}, "uuid": {"string"}, "int": {"int"}, "double": {"double", "int"},
    "boolean": {"boolean"}, "string[]": {"string[]", "string"},
}


def _fact_problems(mapping: Mapping) -> Iterator[tuple[str, str]]:
    for name, fact in mapping.facts.items():
        at = f"/facts/{escape(name)}"
        if not fact.sources and fact.derive is None:
            yield at, "needs `from` sources or a `derive` rule"
        for rule in (fact.derive, fact.default):
            if rule is not None and rule not in DERIVATIONS:
                yield at, f"{rule!r} is not a derivation the mapper knows ({', '.join(sorted(DERIVATIONS))})"
        for index, source in enumerate(fact.sources):
            spec = mapping.attribute(source.attribute)
            if spec is None:
                yield f"{at}/from/{index}", f"{source.attribute!r} is not in the attribute registry"
                continue
            if spec.type not in SOURCE_FITS.get(fact.type, set()):
                yield f"{at}/from/{index}", f"a {spec.type} attribute cannot give a {fact.type} fact"
            elif spec.type == "string" and fact.type == "string[]" and not source.wrap:
                yield f"{at}/from/{index}", "a string attribute fills a list only with \"wrap\": true"
        for part in fact.includes:
            if part not in mapping.facts:
                yield f"{at}/includes", f"names no fact {part!r}"
        if fact.part_of is not None and fact.part_of not in mapping.attributes:
            yield f"{at}/part_of", f"{fact.part_of!r} is not in the attribute registry"


def _object(version: Version, name: str) -> ObjectType | None:
    area, _, title = name.partition(".")
    try:
        found = version.area(area).get(title)
    except KeyError:
        return None
    return found if isinstance(found, ObjectType) else None


def _unwrap(expr: TypeExpr) -> TypeExpr:
    return expr.inner if isinstance(expr, Nullable) else expr


def member_type(version: Version, type_name: str, path: str) -> TypeExpr | str:
    """The IR type of a (dotted) member path, or a message saying why there is none."""
    owner = _object(version, type_name)
    if owner is None:
        return f"{type_name} is not an object type of {version.version}"
    parts = path.split(".")
    for depth, part in enumerate(parts):
        found = next((f for f in owner.fields if f.wire == part), None)
        if found is None:
            return f"{owner.area}.{owner.name} has no member {part!r}"
        expr = _unwrap(found.type)
        if depth == len(parts) - 1:
            return expr
        if not isinstance(expr, Ref) or not isinstance(inner := version.lookup(expr), ObjectType):
            return f"{owner.name}.{part} is not an object, so {path!r} names nothing"
        owner = inner
    raise AssertionError("unreachable")


def fits(fact_type: str, expr: TypeExpr) -> bool:
    """Whether values of a fact type are values of the member's IR type."""
    match expr:
        case Prim(kind=kind):
            wanted = {"string": {"str"}, "int": {"int", "float"}, "double": {"float"}, "boolean": {"bool"},
                      "uuid": {"uuid", "str"}, "datetime": {"datetime", "str"}}
            return kind == "any" or kind in wanted.get(fact_type, set())
        case ListOf(item=item):
            return fact_type == "string[]" and isinstance(item, Prim) and item.kind == "str"
        case MapOf(value=value):
            inner = {"map<string,int>": "int", "map<string,string>": "str"}.get(fact_type)
            return isinstance(value, Prim) and value.kind == inner
        case Ref():
            return fact_type == "string"  # a string enum (source_module, severity): the validator checks the value
        case Nullable(inner=inner):
            return fits(fact_type, inner)
    return False


def _constant_fits(value: object, expr: TypeExpr) -> bool:
    if isinstance(expr, Prim):
        if expr.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if expr.kind == "float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if expr.kind == "str":
            return isinstance(value, str)
        return expr.kind == "any"
    return isinstance(value, str) and isinstance(expr, Ref)


def _entries_problems(at: str, type_name: str, entries: tuple[tuple[str, Rule], ...], mapping: Mapping,
                      version: Version, *, produced: bool) -> Iterator[tuple[str, str]]:
    owner = _object(version, type_name)
    if owner is None:
        yield at, f"{type_name} is not an object type of {version.version}"
        return
    for path, rule in entries:
        where = f"{at}/{escape(path)}"
        expr = member_type(version, type_name, path)
        if isinstance(expr, str):
            yield where, expr
            continue
        if isinstance(rule, Constant):
            if not _constant_fits(rule.value, expr):
                yield where, f"the constant {rule.value!r} does not fit the member"
            continue
        fact = mapping.facts.get(rule)
        if fact is None:
            yield where, f"names no fact {rule!r}"
        elif not fits(fact.type, expr):
            yield where, f"a {fact.type} fact cannot fill this member"
    if produced:
        mapped = {path.split(".")[0] for path, _ in entries}
        if type_name == ENVELOPE_TYPE:
            mapped |= FILLED_BY_MAPPER
        for member in owner.fields:
            if member.required and member.wire not in mapped:
                yield at, f"required member {member.wire!r} of {type_name} has no rule: import could not produce it"


def _variant_problems(at: str, type_name: str, variant: tuple[str, str], version: Version) -> Iterator[tuple[str, str]]:
    """AnalyticsEvent.payload -> EventPayload[variant[0]] -> module union[variant[1]] must be `type_name`."""
    payload = member_type(version, ENVELOPE_TYPE, "payload")
    outer = version.lookup(payload) if isinstance(payload, Ref) else None
    step = _variant_of(outer, variant[0])
    inner = version.lookup(step) if isinstance(step, Ref) else None
    leaf = _variant_of(inner, variant[1])
    if not isinstance(leaf, Ref) or f"{leaf.area}.{leaf.name}" != type_name:
        yield at + "/variant", f"{list(variant)} does not lead from AnalyticsEvent.payload to {type_name}"


def _variant_of(union: object, tag: str) -> TypeExpr | None:
    if not isinstance(union, TaggedUnion):
        return None
    return next((v.type for v in union.variants if v.tag == tag), None)


def _metric_problems(mapping: Mapping, version: Version) -> Iterator[tuple[str, str]]:
    try:
        union = version.area("metrics").get("MetricType")
    except KeyError:
        union = None
    variants = {f"{v.type.area}.{v.type.name}" for v in union.variants
                if isinstance(v.type, Ref)} if isinstance(union, TaggedUnion) else set()
    for kind, name in mapping.hub_types.items():
        if name not in variants:
            yield f"/metrics/hub_types/{escape(kind)}", f"{name} is not a variant of metrics.MetricType"


def _members_naming_attributes(version: Version) -> Iterator[tuple[tuple[str, str], str]]:
    for area in version.areas:
        for typedef in area.types:
            if isinstance(typedef, ObjectType) and not typedef.synthetic:
                for member in typedef.fields:
                    match = NAMES_ATTRIBUTE.search(member.description)
                    if match:
                        yield (f"{area.name}.{typedef.name}", member.wire), match.group(1)


def _coverage_problems(mapping: Mapping, version: Version,
                       named: dict[tuple[str, str], str]) -> Iterator[tuple[str, str]]:
    entries: dict[str, tuple[tuple[str, Rule], ...]] = {ENVELOPE_TYPE: mapping.envelope, **mapping.described}
    for event in mapping.events:
        entries[event.type] = entries.get(event.type, ()) + event.members
    flattened = {f"{r.area}.{r.name}" for r in _envelope_flattened(version)}
    for (type_name, member), attribute in sorted(named.items()):
        rules = entries.get(ENVELOPE_TYPE if type_name in flattened else type_name, ())
        reads = [rule for path, rule in rules if path == member or path.startswith(member + ".")]
        if not any(isinstance(r, str) and _reads(mapping, r, attribute) for r in reads):
            yield "/described" if not reads else "/events", (
                f"{type_name} member {member} names `{attribute}` in its description, but no entry maps it "
                "from that attribute (add one to events, envelope or described)")


def _envelope_flattened(version: Version) -> tuple[Ref, ...]:
    envelope = _object(version, ENVELOPE_TYPE)
    return envelope.flattened if envelope is not None else ()


def _reads(mapping: Mapping, fact_name: str, attribute: str) -> bool:
    fact = mapping.facts.get(fact_name)
    if fact is None:
        return False
    return fact.part_of == attribute or any(s.attribute == attribute for s in fact.sources)
