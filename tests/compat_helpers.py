"""Small synthetic version folders for the compatibility tests (fast: a handful of files)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

ID_BASE = "https://llm-analytics-hub.invalid/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

Docs = dict[str, dict[str, Any]]


def base_documents() -> Docs:
    """A miniature of the project's conventions: shared defs, a closed leaf, a tagged union, a map."""
    return {
        "common.json": {"title": "Shared", "description": "d", "$defs": {
            "u32": {"description": "u32", "type": "integer", "minimum": 0, "maximum": 4294967295},
            "uuid": {"description": "uuid", "type": "string", "format": "uuid",
                     "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
        }},
        "events/Leaf.json": {
            "title": "Leaf", "description": "A closed leaf.", "$ref": "#/$defs/fields",
            "unevaluatedProperties": False,
            "$defs": {"fields": {"type": "object", "properties": {
                "count": {"description": "c", "$ref": "../common.json#/$defs/u32"},
                "ratio": {"description": "r", "type": "number"},
                "step": {"description": "s", "type": "integer", "multipleOf": 10},
                "name": {"description": "n", "type": "string", "minLength": 1},
                "maybe": {"description": "m", "anyOf": [{"type": "string"}, {"type": "null"}]},
                "level": {"description": "l", "enum": ["low", "high"]},
                "kind": {"description": "k", "const": "leaf"},
                "items": {"description": "i", "type": "array", "items": {"type": "string"}},
                "bag": {"description": "an array of anything", "type": "array"},
                "set": {"description": "s", "type": "array", "items": {"type": "string"}, "uniqueItems": True},
                "labels": {"description": "a map", "type": "object", "additionalProperties": {"type": "string"}},
                "id": {"description": "id", "$ref": "../common.json#/$defs/uuid"},
            }, "required": ["count", "name"]}},
            "examples": [{"count": 1, "name": "a"}],
        },
        "events/Open.json": {
            "title": "Open", "description": "An open object.", "type": "object",
            "properties": {"x": {"description": "x", "type": "string"}},
            "examples": [{"x": "a"}],
        },
        "events/Union.json": {
            "title": "Union", "description": "Tagged.", "type": "object",
            "properties": {"kind": {"description": "tag", "enum": ["leaf", "other"]}},
            "required": ["kind"],
            "allOf": [
                {"if": {"properties": {"kind": {"const": "leaf"}}, "required": ["kind"]},
                 "then": {"$ref": "Leaf.json#/$defs/fields", "properties": {"kind": {"const": "leaf"}},
                          "unevaluatedProperties": False}},
                {"if": {"properties": {"kind": {"const": "other"}}, "required": ["kind"]},
                 "then": {"properties": {"kind": {"const": "other"}, "v": {"description": "v", "type": "number"}},
                          "unevaluatedProperties": False}},
            ],
            "examples": [{"kind": "leaf", "count": 1, "name": "a"}, {"kind": "other", "v": 1}],
        },
        "events/Value.json": {
            "title": "Value", "description": "Untagged.",
            "anyOf": [{"type": "number"}, {"$ref": "../common.json#/$defs/u32"}, {"type": "string"}],
            "examples": [1.5, "a"],
        },
        "events/Holder.json": {
            "title": "Holder", "description": "References Leaf.", "type": "object",
            "properties": {"leaf": {"description": "the leaf", "$ref": "Leaf.json"}},
            "additionalProperties": False,
            "examples": [{"leaf": {"count": 1, "name": "a"}}],
        },
    }


def write_version(root: Path, version: str, documents: Docs) -> Path:
    folder = root / version
    for relative, document in documents.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        full = {"$schema": DIALECT, "$id": f"{ID_BASE}{version}/{relative}", **document}
        path.write_text(json.dumps(full, indent=2) + "\n", encoding="utf-8")
    return folder


def planted_pair(root: Path, edit: Callable[[Docs], None]) -> tuple[Path, Path]:
    """OLD = the base documents as 1.0.0; NEW = the same with `edit` applied, as 1.0.1."""
    old = base_documents()
    new = copy.deepcopy(old)
    edit(new)
    return write_version(root, "1.0.0", old), write_version(root, "1.0.1", new)


def fields(docs: Docs) -> dict[str, Any]:
    return docs["events/Leaf.json"]["$defs"]["fields"]  # type: ignore[no-any-return]


def props(docs: Docs) -> dict[str, Any]:
    return fields(docs)["properties"]  # type: ignore[no-any-return]
