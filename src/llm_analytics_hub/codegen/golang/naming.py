"""Go spellings of schema-derived text: identifiers, string literals and doc comments.

Every name, description and enum value reaches Go source only through these functions, so a
quote, backslash, newline, comment terminator or odd Unicode character in a schema can never end a
string or a comment early or make an identifier invalid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..naming import unique

# Methods the generated types define; a struct field may not share a name with them.
METHOD_NAMES = frozenset({"SchemaType", "Validate", "MarshalJSON", "UnmarshalJSON"})
# encoding/json reads a tag name made of these characters; other names get no tag (the generated
# MarshalJSON/UnmarshalJSON use the exact wire name either way).
_TAG_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")


def _words(text: str) -> list[str]:
    """ASCII words of `text`: split at every other character and at case changes (ApiCostEvent ->
    Api Cost Event, TTFTMetrics -> TTFT Metrics)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return [w for chunk in re.split(r"[^0-9A-Za-z]+", ascii_text) for w in _CASE_WORD.findall(chunk)]


_CASE_WORD = re.compile(r"[A-Z0-9]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")

# Go spells these words in one case (EventID, APICostEvent, TTFTMs), as Go's own style asks
# (https://go.dev/wiki/CodeReviewComments#initialisms): the list of golint plus the project's
# domain words. A word not here is capitalised (Latency, Gpt4o).
INITIALISMS = {word.lower(): word for word in (
    "ACL", "API", "ASCII", "CPU", "CSS", "CVE", "DNS", "EOF", "GPU", "GUID", "HTML", "HTTP", "HTTPS", "ID",
    "IDs", "IP", "JSON", "LHS", "LLM", "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SQL", "SSH", "TCP", "TLS",
    "TTFT", "TTL", "UDP", "UI", "UID", "URI", "URL", "URLs", "USD", "UTF8", "UUID", "VM", "XML", "XMPP",
    "XSRF", "XSS",
)}


def camel(text: str, fallback: str) -> str:
    """An exported Go identifier for `text`: ASCII words joined in CamelCase, initialisms in one case,
    never starting with a digit."""
    name = "".join(INITIALISMS.get(word.lower(), word[0].upper() + word[1:]) for word in _words(text)) or fallback
    return name if name[0].isalpha() else fallback + name


def type_name(py: str) -> str:
    """Exported Go type name of a Python class name (ApiCostEvent -> APICostEvent)."""
    return camel(py, "Type")


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
