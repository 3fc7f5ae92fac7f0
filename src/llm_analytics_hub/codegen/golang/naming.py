"""Go spellings of schema-derived text: identifiers, string literals and doc comments.

Every name, description and enum value reaches Go source only through these functions, so a
quote, backslash, newline, comment terminator or odd Unicode character in a schema can never end a
string or a comment early or make an identifier invalid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..naming import capitalized, unique, words

# Methods the generated types define; a struct field may not share a name with them.
METHOD_NAMES = frozenset({"SchemaType", "Validate", "MarshalJSON", "UnmarshalJSON"})
# encoding/json reads a tag name made of these characters; other names get no tag (the generated
# MarshalJSON/UnmarshalJSON use the exact wire name either way).
_TAG_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")


# Go spells these words in one case (EventID, not EventId).
INITIALISMS = {"id": "ID", "ids": "IDs", "url": "URL", "uri": "URI", "ip": "IP", "api": "API", "http": "HTTP",
               "uuid": "UUID", "json": "JSON", "sql": "SQL", "cpu": "CPU", "gpu": "GPU", "ttl": "TTL", "usd": "USD"}


def camel(text: str, fallback: str) -> str:
    """An exported Go identifier for `text`: ASCII words joined in CamelCase, never starting with a digit."""
    spelt = [INITIALISMS.get(word.lower(), word) for word in words(text, fold=True)]
    name = capitalized(spelt) or fallback
    return name if name[0].isalpha() else fallback + name


def type_name(py: str) -> str:
    """Exported Go type name of a Python class name (already a unique identifier in its area)."""
    return camel(py, "Type") if not py[:1].isupper() or "_" in py else py


def field_names(wires: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    taken = set(METHOD_NAMES) | set(reserved)
    return [unique(camel(wire, "Member"), taken) for wire in wires]


def go_string(text: str) -> str:
    """A Go interpreted string literal holding `text`. Surrogate code points (not valid in Go text)
    become U+FFFD, as encoding/json writes them."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def json_tag(wire: str, option: str) -> str:
    """The struct tag of a member, or "" when encoding/json could not read the wire name from a tag."""
    if not _TAG_NAME.match(wire):
        return ""
    return f'`json:"{wire}{"," + option if option else ""}"`'


def doc_lines(text: str) -> list[str]:
    """Lines of a `//` comment: one per line of `text`, without control characters (a line break of
    any kind starts a new comment line, so nothing can end the comment and become code). The text is
    also kept out of gofmt's doc-comment rewriting: no leading blanks (a code block), no `` or ''
    (typographic quotes), no run of blank lines."""
    cleaned: list[str] = []
    for line in _LINE_BREAKS.split(text.strip()):
        chars = []
        for char in line:
            code = ord(char)
            if char == "\t":
                chars.append(" ")
            elif unicodedata.category(char) in ("Cc", "Cs", "Cf") or code == 0xFEFF:
                chars.append("\ufffd" if 0xD800 <= code <= 0xDFFF else "")
            else:
                chars.append(char)
        joined = "".join(chars).strip()
        for pair in ("''", "``"):
            while pair in joined:
                joined = joined.replace(pair, f"{pair[0]} {pair[0]}")
        if joined or (cleaned and cleaned[-1]):
            cleaned.append(joined)
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned
