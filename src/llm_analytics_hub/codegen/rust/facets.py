"""String facets (`minLength`, `maxLength`, `pattern`) and number bounds of object members, which the
IR does not carry (it keeps bounds of integers only).

The IR keeps a string as `Prim("str")` and a number as `Prim("float")`; the 1.1.0 schemas add
non-empty classifiers, the W3C trace/span id patterns and non-negative money amounts. Until the IR
carries them, this module is the one place the Rust emitter reads schema text: the generated
self-contained bundles (`render_bundles` output, as the TypeScript emitter does), looked up by type
and member name. uuid and date-time strings are IR primitives and need nothing from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...pointer import split
from ..ir import ObjectType, Version

Files = dict[str, str]
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


@dataclass
class Facets:
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_index: int = -1  # position in the area module's PATTERNS table
    items: Facets | None = None  # facets of the items of an array member
    bounds: dict[str, float] = field(default_factory=dict)  # number bounds: minimum, exclusiveMaximum, ...

    @property
    def constrained(self) -> bool:
        return self.min_length is not None or self.max_length is not None or self.pattern is not None

    @property
    def any(self) -> bool:
        return self.constrained or bool(self.bounds) or self.items is not None


def _resolve(bundle: Mapping[str, Any], schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`schema` and the schemas its `$ref` chain reaches (local JSON pointers only)."""
    chain = [schema]
    while isinstance(chain[-1].get("$ref"), str) and chain[-1]["$ref"].startswith("#/") and len(chain) < 32:
        node: Any = bundle
        for token in split(chain[-1]["$ref"][1:]):
            node = node.get(token, {}) if isinstance(node, dict) else {}
        chain.append(node if isinstance(node, dict) else {})
    return chain


def _facets(bundle: Mapping[str, Any], schema: Mapping[str, Any]) -> Facets | None:
    found = Facets()
    for node in _resolve(bundle, schema):
        options = [o for o in node.get("anyOf", ()) if isinstance(o, dict) and o != {"type": "null"}]
        if len(options) == 1:
            inner = _facets(bundle, options[0])
            if inner is not None:
                return inner
        if isinstance(node.get("minLength"), int):
            found.min_length = node["minLength"]
        if isinstance(node.get("maxLength"), int):
            found.max_length = node["maxLength"]
        if isinstance(node.get("pattern"), str) and node.get("format") not in ("uuid", "date-time"):
            found.pattern = node["pattern"]
        for keyword in BOUNDS:
            value = node.get(keyword)
            if isinstance(value, int | float) and not isinstance(value, bool) and node.get("type") == "number":
                found.bounds.setdefault(keyword, float(value))
        if isinstance(node.get("items"), dict):
            found.items = _facets(bundle, node["items"])
    return found if found.any else None


def _members(bundle: Mapping[str, Any], schema: Mapping[str, Any], into: dict[str, Mapping[str, Any]]) -> None:
    for node in _resolve(bundle, schema):
        for wire, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict):
                into.setdefault(wire, prop)


def member_facets(version: Version, typedef: ObjectType, bundles: Files) -> dict[str, Facets]:
    """{wire name: facets} of the constrained string members of one object type."""
    text = bundles.get(f"jsonschema/{version.version}/{typedef.area}/{typedef.name}.json")
    if text is None:
        return {}
    bundle = json.loads(text)
    members: dict[str, Mapping[str, Any]] = {}
    _members(bundle, bundle, members)
    found = {}
    for member in typedef.fields:
        if member.wire in members:
            facets = _facets(bundle, members[member.wire])
            if facets is not None:
                found[member.wire] = facets
    return found
