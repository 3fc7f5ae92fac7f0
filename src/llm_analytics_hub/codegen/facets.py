"""Value constraints that the IR does not model yet, read beside it for the codegen profile.

The IR keeps integer bounds and the uuid/date-time formats, but drops the other value facets of
the canonical schemas: number bounds (`minimum: 0` on costs), string `minLength` and `pattern`
(the uuid and RFC 3339 shapes, trace and span ids). A profile without them would accept payloads
the canonical schemas reject. This module is the one place that looks them up in the schema set,
keyed by the IR's own coordinates (type, member, variant); once the IR carries facets it goes away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..pointer import split
from ..schema_store import SchemaSet, file_uri
from .ir import GeneratorError

FACET_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
                  "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties")
NULL = {"type": "null"}


@dataclass(frozen=True)
class Facets:
    """Facets of one value, and of its array items / map values (mirroring ListOf / MapOf)."""

    own: Mapping[str, Any] = field(default_factory=dict)
    items: Facets | None = None
    values: Facets | None = None


NONE = Facets()


@dataclass(frozen=True)
class _Node:
    schema: Mapping[str, Any]
    base: str


class FacetIndex:
    """Facet look-ups for the types of one schema set."""

    def __init__(self, schema_set: SchemaSet) -> None:
        self.set = schema_set
        self.docs: dict[str, Mapping[str, Any]] = {}
        for path, document in schema_set.documents.items():
            self.docs[file_uri(path)] = document
            if isinstance(document.get("$id"), str):
                self.docs[document["$id"]] = document
        self.catalogue = {entry.uri for entry in schema_set.types}
        self.catalogue |= {uri + "#/$defs/fields" for uri in self.catalogue if "#" not in uri}

    # -- raw nodes of the IR's coordinates

    def type_node(self, area: str, name: str) -> _Node:
        entry = self.set.lookup(f"{area}.{name}")
        doc_uri = urldefrag(entry.uri)[0]
        return _Node(entry.schema, doc_uri)

    def resolve(self, node: _Node) -> tuple[_Node, str]:
        target = urljoin(node.base, node.schema["$ref"])
        doc_uri, fragment = urldefrag(target)
        current: Any = self.docs.get(doc_uri)
        for token in split(fragment):
            current = current.get(token) if isinstance(current, Mapping) else None
        if not isinstance(current, Mapping):
            raise GeneratorError(f"facets: $ref {target!r} does not resolve")
        return _Node(current, doc_uri), target

    def member(self, node: _Node, wire: str) -> _Node | None:
        """The schema of member `wire` of an object node: its own properties first, then through `$ref`."""
        properties = node.schema.get("properties") or {}
        if wire in properties:
            return _Node(properties[wire], node.base)
        if "$ref" in node.schema:
            return self.member(self.resolve(node)[0], wire)
        return None

    # -- facets of a value node

    def of(self, node: _Node | None) -> Facets:
        if node is None:
            return NONE
        own: dict[str, Any] = {}
        while True:
            for key in FACET_KEYWORDS:
                if key in node.schema:
                    own.setdefault(key, node.schema[key])
            options = node.schema.get("anyOf")
            if isinstance(options, list) and NULL in options and len(options) == 2:
                node = _Node(next(o for o in options if o != NULL), node.base)
                continue
            if "$ref" in node.schema:
                target, uri = self.resolve(node)
                if uri in self.catalogue:
                    return Facets(own)  # a catalogue type: its own definition carries its facets
                node = target
                continue
            break
        items = node.schema.get("items")
        values = node.schema.get("additionalProperties")
        return Facets(own,
                      self.of(_Node(items, node.base)) if isinstance(items, Mapping) else None,
                      self.of(_Node(values, node.base)) if isinstance(values, Mapping) else None)

    def field(self, area: str, name: str, wire: str) -> Facets:
        return self.of(self.member(self.type_node(area, name), wire))

    def whole(self, area: str, name: str) -> Facets:
        """Facets of a type that is a value itself (a new type over a primitive)."""
        return self.of(self.type_node(area, name))

    def any_of_option(self, area: str, name: str, index: int, wire: str | None = None) -> Facets:
        """An option of an `anyOf` type, or its member `wire` (data-carrying enum variant, inline object)."""
        node = self.type_node(area, name)
        option = _Node(node.schema["anyOf"][index], node.base)
        return self.of(self.member(option, wire) if wire is not None else option)
