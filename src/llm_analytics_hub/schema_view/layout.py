"""The catalogue types of a folder as the view sees them, and the layout of their tagged unions.

`variant_chain` walks a document down its tagged unions (`AnalyticsEvent` -> `EventPayload` by
`payload_type` -> `TelemetryPayload` by `telemetry_type` -> `LatencyMetrics`), so the label of a
document and the semantic lint's dispatch follow the schemas: a new variant needs no code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..schema_store import SchemaSet, TypeEntry
from .views import At, follow, lookup, view_of

Path = tuple[str | int, ...]


def node_of(folder: SchemaSet, entry: TypeEntry) -> At:
    doc, _, pointer = entry.uri.partition("#")
    found = lookup(folder, doc, pointer)
    assert found is not None, entry.uri
    return found


def _index(folder: SchemaSet) -> dict[tuple[str, str], TypeEntry]:
    found: dict[tuple[str, str], TypeEntry] | None = folder.__dict__.get("_view_catalogue")
    if found is None:
        found = {}
        for entry in folder.types:
            node = node_of(folder, entry)
            found[(node.doc, node.pointer)] = entry
        folder.__dict__["_view_catalogue"] = found
    return found


def catalogue_type(at: At) -> TypeEntry | None:
    """The catalogue type a node is (or names through a pure `$ref`): a type's own resource, or the
    `$defs/fields` of a variant leaf, which stands for the leaf."""
    index = _index(at.folder)
    seen: set[tuple[str, str]] = set()
    while True:
        key = (at.doc, at.pointer)
        if key in seen:
            return None
        seen.add(key)
        found = index.get(key) or (index.get((at.doc, "")) if at.pointer == "/$defs/fields" else None)
        if found is not None:
            return found
        schema = at.schema
        if not isinstance(schema, dict) or "$ref" not in schema:
            return None
        at = at.resolve(schema["$ref"])


@dataclass(frozen=True)
class Union:
    """A tagged union: the tag member, the content member (adjacent tagging) and each variant's type."""

    entry: TypeEntry
    tag: str
    content: str | None
    variants: dict[Any, TypeEntry | None]  # tag value -> the variant's catalogue type (None: a map)


def tagged_union(folder: SchemaSet, entry: TypeEntry) -> Union | None:
    """The layout of a catalogue type that is a tagged union, else None (cached per folder)."""
    cache: dict[str, Union | None] = folder.__dict__.setdefault("_view_unions", {})
    if entry.uri not in cache:
        cache[entry.uri] = _tagged_union(folder, entry)
    return cache[entry.uri]


def _tagged_union(folder: SchemaSet, entry: TypeEntry) -> Union | None:
    view = follow(view_of(node_of(folder, entry)))
    if view.tag is None:
        return None
    others = [name for name in view.properties if name != view.tag]
    content = others[0] if len(others) == 1 else None
    variants: dict[Any, TypeEntry | None] = {}
    for value, then in view.variants.items():
        if content is not None:
            member = then.schema.get("properties", {}).get(content) if isinstance(then.schema, dict) else None
            variants[value] = catalogue_type(then.child("properties", content)) if member is not None else None
        else:
            variants[value] = catalogue_type(then)
    return Union(entry, view.tag, content, variants)


def union_members(folder: SchemaSet, entry: TypeEntry) -> list[tuple[str, TypeEntry]]:
    """(member, union type) of the members of an object type whose type is a tagged union."""
    cache: dict[str, list[tuple[str, TypeEntry]]] = folder.__dict__.setdefault("_view_union_members", {})
    if entry.uri not in cache:
        view = follow(view_of(node_of(folder, entry)))
        found = []
        for name, at in view.properties.items():
            member_type = catalogue_type(at)
            if member_type is not None and tagged_union(folder, member_type) is not None:
                found.append((name, member_type))
        cache[entry.uri] = found
    return cache[entry.uri]


def variant_chain(folder: SchemaSet, entry: TypeEntry, document: Any, path: Path = ()) -> Iterator[
        tuple[Path, TypeEntry, str | None]]:
    """(path, catalogue type, tag value) for the document, the types merged into its own (the
    envelope of an event) and, down every tagged union, each union (with the tag value the document
    gives, when it is a string) and the variant it selects."""
    union = tagged_union(folder, entry)
    value = document.get(union.tag) if union is not None and isinstance(document, dict) else None
    yield path, entry, value if isinstance(value, str) else None
    for merged in view_of(node_of(folder, entry)).merged:
        inner = catalogue_type(merged)
        if inner is not None and inner != entry:
            yield path, inner, None
    if not isinstance(document, dict):
        return
    if union is not None:
        variant = union.variants.get(value) if isinstance(value, str) else None
        if variant is None:
            return
        if union.content is None:
            yield from variant_chain(folder, variant, document, path)
        else:
            yield from variant_chain(folder, variant, document.get(union.content), (*path, union.content))
        return
    for name, member_type in union_members(folder, entry):
        yield from variant_chain(folder, member_type, document.get(name), (*path, name))


def label_of(folder: SchemaSet, entry: TypeEntry, document: Any) -> str:
    """What a document is, for summaries: the tag values down its unions (`telemetry/latency`),
    `(no payload)` / `(no payload_type)` where the document lacks them, else the type name."""
    members = union_members(folder, entry)
    union = tagged_union(folder, entry)
    if union is None and not members:
        return entry.name
    if union is None:
        name = members[0][0]
        if not isinstance(document, dict) or not isinstance(document.get(name), dict):
            return f"({'no ' + name})"
        document = document[name]
        union = tagged_union(folder, members[0][1])
        assert union is not None
    tags: list[str] = []
    _tag_values(folder, union.entry, document, tags)
    return "/".join(tags) if tags else f"(no {union.tag})"


def _tag_values(folder: SchemaSet, entry: TypeEntry, document: Any, out: list[str]) -> None:
    """The string tag values `variant_chain` yields, in its order, without walking the merged types
    (they carry no tag): the label of every invalid document in a stream is read this way."""
    union = tagged_union(folder, entry)
    value = document.get(union.tag) if union is not None and isinstance(document, dict) else None
    if isinstance(value, str):
        out.append(value)
    if not isinstance(document, dict):
        return
    if union is not None:
        variant = union.variants.get(value) if isinstance(value, str) else None
        if variant is not None:
            _tag_values(folder, variant, document if union.content is None else document.get(union.content), out)
        return
    for name, member_type in union_members(folder, entry):
        _tag_values(folder, member_type, document.get(name), out)
