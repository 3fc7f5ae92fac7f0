"""Walk the subschemas of a schema document, skipping members that hold data, not schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..pointer import escape

# Keywords whose values are instance data or plain text, never subschemas.
DATA_KEYWORDS = frozenset(
    {"examples", "default", "const", "enum", "required", "description", "title", "$comment",
     "$schema", "$id", "$ref", "$anchor", "type", "format", "pattern"}
)
MAP_KEYWORDS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


def iter_subschemas(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (JSON pointer, schema object) for the schema and every nested subschema."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for key, value in schema.items():
        if key in DATA_KEYWORDS:
            continue
        here = f"{pointer}/{escape(key)}"
        if key in MAP_KEYWORDS and isinstance(value, dict):
            for name, sub in value.items():
                yield from iter_subschemas(sub, f"{here}/{escape(name)}")
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                yield from iter_subschemas(sub, f"{here}/{index}")
        elif isinstance(value, dict):
            yield from iter_subschemas(value, here)
