"""The lenient reading: undeclared members are accepted, as the producers' deserializer ignores them.

Closed objects are opened by dropping `additionalProperties: false` / `unevaluatedProperties:
false`. The one-member objects of data-carrying enum variants (`{"other": "..."}`) stay closed:
the deserializer rejects a second member there too.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..schema_view.walk import iter_subschemas

_DATA_VARIANT = re.compile(r"^/anyOf/[1-9][0-9]*$")
_CLOSURES = ("additionalProperties", "unevaluatedProperties")


def _is_data_variant(document: dict[str, Any], pointer: str) -> bool:
    first = (document.get("anyOf") or [{}])[0]
    return bool(_DATA_VARIANT.match(pointer)) and isinstance(first, dict) and "enum" in first


def lenient_copy(document: dict[str, Any]) -> dict[str, Any]:
    opened = copy.deepcopy(document)
    for pointer, sub in iter_subschemas(opened):
        for keyword in _CLOSURES:
            if sub.get(keyword) is False and not _is_data_variant(opened, pointer):
                del sub[keyword]
    return opened
