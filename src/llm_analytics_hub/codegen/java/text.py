"""Java spelling of schema-derived text: identifiers, string literals and Javadoc, all inert.

javac turns `\\uXXXX` escapes into characters before it even tokenizes, in comments too, so a
description holding `\\u000a` or `\\u002a/` could end a comment and become code. Hence Javadoc gets no
backslash at all (`&#92;`), and string literals double every backslash (a `\\u` preceded by an odd
number of backslashes is not an escape) and never write a line terminator as `\\u000a`.
"""

from __future__ import annotations

import re

from .. import naming
from ..naming import capitalized, words

# Java keywords, literals and the restricted identifiers; plus names a record component may not
# take because they are methods of java.lang.Object / Record.
JAVA_RESERVED = frozenset({
    "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
    "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
    "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
    "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
    "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "yield",
    "record", "sealed", "permits", "non-sealed", "_", "hashCode", "toString", "getClass", "notify", "notifyAll",
    "wait", "clone", "finalize", "equals",
})
# Simple type names the generated files use unqualified; a catalogue class may not shadow them.
JAVA_TAKEN_TYPES = frozenset({
    "String", "Object", "Integer", "Long", "Double", "Boolean", "Override", "Record", "Enum", "Class", "Number",
    "Void", "System", "Math", "Deprecated", "SuppressWarnings", "Iterable", "Exception", "RuntimeException",
    "List", "Map", "Optional", "UUID", "BigInteger", "JsonNode", "Timestamp", "Mappers", "Validator", "Finding",
    "Catalogue", "JsonProperty", "JsonInclude", "JsonTypeInfo", "JsonSubTypes", "JsonCreator", "JsonValue",
    "JsonAnySetter", "JsonAnyGetter", "JsonDeserialize", "Unit", "Decoder", "TypeReference", "StdDeserializer",
    "JsonParser", "DeserializationContext", "IOException", "MismatchedInputException", "Types",
    "OptionalMember", "JsonSetter", "Nulls", "JsonIgnore", "JsonSerialize", "FiniteDouble", "Hub",
    "InvalidDocumentException",
})


def camel(snake: str) -> str:
    """lowerCamelCase of a snake_case identifier (leading/trailing underscores kept as a suffix)."""
    words = [w for w in snake.split("_") if w]
    if not words:
        return "member"
    head, *rest = words
    text = head[0].lower() + head[1:] + "".join(w[0].upper() + w[1:] for w in rest)
    return text if not text[0].isdigit() else "m" + text


def upper_camel(text: str) -> str:
    name = capitalized(words(text)) or "Variant"
    return name if not name[0].isdigit() else "V" + name


def unique(base: str, taken: set[str]) -> str:
    """A Java name for `base`, never a reserved word or a used type name, unique in `taken` (recorded)."""
    return naming.unique(base + "_" if base in JAVA_RESERVED or base in JAVA_TAKEN_TYPES else base, taken)


def java_string(text: str) -> str:
    """A Java string literal holding exactly `text`."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:03o}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate (JSON allows one): Java strings are UTF-16
            out.append(f"\\u{code:04x}")
        elif code > 0xFFFF or char in "\u2028\u2029\ufeff" or not char.isprintable():
            # Escapes of characters that are not line terminators are safe as \\uXXXX (UTF-16 units).
            raw = char.encode("utf-16-be")
            out.extend(f"\\u{raw[i]:02x}{raw[i + 1]:02x}" for i in range(0, len(raw), 2))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_JAVADOC_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "\\": "&#92;", "*": "&#42;",
                     "{": "&#123;", "}": "&#125;"}


def javadoc_lines(text: str) -> list[str]:
    """The lines of a Javadoc body for `text`: no comment terminator, tag, HTML or unicode escape survives."""
    lines = []
    for line in re.split(r"\r\n|\r|\n|\u2028|\u2029|\x85", text.strip()):
        safe = "".join(_JAVADOC_ENTITIES.get(c, c) if c.isprintable() or c == " " else " " for c in line)
        lines.append(safe.rstrip())
    return lines if any(lines) else []
