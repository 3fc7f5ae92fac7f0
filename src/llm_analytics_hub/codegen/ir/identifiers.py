"""Python identifiers for schema names: safe, unique, and never a keyword or a shadowed builtin.

Wire names are never changed; only the Python side gets a sanitised spelling.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

# Names the generated modules use in annotations and class bodies; a member may not shadow them.
RESERVED = frozenset(
    {"Any", "ClassVar", "UUID", "datetime", "dataclass", "field", "Enum", "TypeAlias", "Literal",
     "NotRequired", "TypedDict", "Union", "annotations", "bool", "dict", "float", "frozenset", "int",
     "list", "object", "str", "from_dict", "to_dict", "tag", "self", "cls"}
)


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_")


def identifier(text: str, *, fallback: str, taken: Iterable[str] = ()) -> str:
    """A valid, non-keyword, non-reserved identifier for `text`, unique among `taken`."""
    base = _ascii_word(text) or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"
    if keyword.iskeyword(base) or keyword.issoftkeyword(base) or base in RESERVED:
        base += "_"
    used = set(taken)
    name, counter = base, 2
    while name in used:
        name = f"{base}_{counter}"
        counter += 1
    return name


def member_name(wire: str, taken: Iterable[str]) -> str:
    """Attribute name of an object member (snake-ish, as written on the wire when possible)."""
    return identifier(wire, fallback="member", taken=taken)


def enum_member_name(wire: str, taken: Iterable[str]) -> str:
    return identifier(_ascii_word(wire).upper(), fallback="V", taken=taken)


def class_name(title: str, taken: Iterable[str]) -> str:
    return identifier(title, fallback="Type", taken=taken)

