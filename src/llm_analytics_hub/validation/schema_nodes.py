"""The schema nodes an engine reports an error at, for refining that error (only for invalid documents).

Both engines compile the same documents; an instance of `SchemaNodes` holds the very objects one
engine compiled, so a node is found by the location jsonschema-rs reports (`uri#/pointer`) or, for
python-jsonschema, which hands out the node itself, by identity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urljoin

from ..pointer import split

Node = dict[str, Any]


def _walk(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict | list):
            yield from _walk(child)


def _same_json(a: Any, b: Any) -> bool:
    """JSON equality: `true` is not `1`; 1 and 1.0 are equal."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b and (isinstance(a, int | float) == isinstance(b, int | float))


def _matches_tag_test(schema: Any, instance: Any) -> bool:
    """Whether the instance passes an `if` of a tagged union: `required` plus `const`/`enum` members.
    Any other keyword is outside what our unions use and counts as not passing."""
    if not isinstance(schema, dict):
        return schema is True
    for keyword, value in schema.items():
        if keyword in ("description", "title", "$comment"):
            continue
        if keyword == "const":
            if not _same_json(instance, value):
                return False
        elif keyword == "enum":
            if not any(_same_json(instance, option) for option in value):
                return False
        elif keyword == "required":
            if isinstance(instance, dict) and not all(name in instance for name in value):
                return False
        elif keyword == "properties":
            if isinstance(instance, dict) and not all(
                    _matches_tag_test(sub, instance[name]) for name, sub in value.items() if name in instance):
                return False
        else:
            return False
    return True


class SchemaNodes:
    """The documents of one engine, by `$id`."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = dict(documents)
        self._base_of: dict[int, str] | None = None

    def at(self, location: str) -> tuple[str, Any]:
        """(base URI, node) of an absolute location `uri#/json/pointer`."""
        uri, _, fragment = location.partition("#")
        node = self.documents[uri]
        for token in split(unquote(fragment)):
            node = node[int(token)] if isinstance(node, list) else node[token]
        return uri, node

    def base_of(self, node: Any) -> str | None:
        """The URI of the document holding this very node object."""
        if self._base_of is None:
            self._base_of = {id(n): uri for uri, document in self.documents.items()
                             for n in _walk(document) if isinstance(n, dict)}
        return self._base_of.get(id(node))

    def declared_members(self, base: str, node: Node, instance: Any) -> set[str]:
        """Every member name that `node` (an object schema closed by `unevaluatedProperties`) declares
        for this instance: its `properties`, those reached through `$ref` and `allOf`, and those of the
        `then` of each `if` the instance passes (the variant its tag selects)."""
        names: set[str] = set()
        seen: set[int] = set()

        def collect(base: str, node: Any) -> None:
            if not isinstance(node, dict) or id(node) in seen:
                return
            seen.add(id(node))
            names.update(node.get("properties", {}))
            if isinstance(node.get("$ref"), str):
                collect(*self.at(urljoin(base, node["$ref"])))
            for sub in node.get("allOf", []):
                collect(base, sub)
            if "then" in node and _matches_tag_test(node.get("if", True), instance):
                collect(base, node["then"])

        collect(base, node)
        return names
