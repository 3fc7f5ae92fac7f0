"""Python identifiers for schema names: safe, unique, and never a keyword or a shadowed builtin.

The IR records them (`py` of every type, member and variant): the Python targets use them as they
are, and the other languages start from them (Go and Java type names, the TypeScript fallback, the
site's page names). Wire names are never changed; only the Python side gets a sanitised spelling.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from ..naming import ascii_fold, free_name

# Names the generated modules use in annotations and class bodies; a member may not shadow them.
RESERVED = frozenset(
    {"Any", "ClassVar", "UUID", "datetime", "dataclass", "field", "Enum", "TypeAlias", "Literal",
     "NotRequired", "TypedDict", "Union", "annotations", "bool", "dict", "float", "frozenset", "int",
     "list", "object", "str", "from_dict", "to_dict", "tag", "self", "cls"}
)


def _ascii_word(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]+", "_", ascii_fold(text)).strip("_")


def identifier(text: str, *, fallback: str, taken: Iterable[str] = ()) -> str:
    """A valid, non-keyword, non-reserved identifier for `text`, unique among `taken` (not recorded)."""
    base = _ascii_word(text) or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"
    if keyword.iskeyword(base) or keyword.issoftkeyword(base) or base in RESERVED:
        base += "_"
    return free_name(base, set(taken), "_")


def member_name(wire: str, taken: Iterable[str]) -> str:
    """Attribute name of an object member (snake-ish, as written on the wire when possible)."""
    return identifier(wire, fallback="member", taken=taken)


def enum_member_name(wire: str, taken: Iterable[str]) -> str:
    return identifier(_ascii_word(wire).upper(), fallback="V", taken=taken)


def class_name(title: str, taken: Iterable[str]) -> str:
    return identifier(title, fallback="Type", taken=taken)

