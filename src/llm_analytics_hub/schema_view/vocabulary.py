"""The one keyword policy: which JSON Schema keywords the toolkit supports, and where.

Every engine (the Python fast path, the native checker, the Rust crate, Go, Java, the npm package and
the pydantic models) enforces exactly the assertions listed here, with python-jsonschema's meaning.
A schema that uses any other keyword, or a supported one in a form an engine cannot enforce the same
way everywhere, is a `llm-hub check` finding and `generate` refuses it: no engine ever skips a keyword.

Widening the policy is one change here, then the type checker and the vocabulary test walk every
engine that has to learn it (`FACETS` is what the IR's `Facets` carries, field for field).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Text and bookkeeping that never asserts anything.
ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated",
                         "readOnly", "writeOnly", "$schema", "$id", "$defs", "$anchor"})

# Value facets: checked on the value they stand beside, each only on instances of its JSON type
# (a `maxLength` beside a number is never consulted), as JSON Schema says.
NUMBER_FACETS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_FACETS = ("minLength", "maxLength", "pattern", "format")
ARRAY_FACETS = ("minItems", "maxItems", "uniqueItems")
OBJECT_FACETS = ("minProperties", "maxProperties")
VALUE_FACETS = ("enum", "const")
FACETS = NUMBER_FACETS + STRING_FACETS + ARRAY_FACETS + OBJECT_FACETS + VALUE_FACETS

# Structure: how types, members, maps, lists and unions are spelt (schema_view.views reads them).
# `oneOf` is not among them: its "exactly one" is not what the union engines check (they take the first
# branch that fits), so an author writes `anyOf` of branches that exclude each other.
STRUCTURE = ("type", "properties", "required", "additionalProperties", "unevaluatedProperties", "items",
             "$ref", "allOf", "anyOf", "if", "then")

SUPPORTED = frozenset(FACETS + STRUCTURE)
FORMATS = ("uuid", "date-time")
# The shape the contract pairs with each format (common.json). The format checks of the native
# engines check format and shape together, so `date-time` is accepted only with its shape beside it:
# alone, RFC 3339 allows a leap second and year 0000, which the producers' parser refuses.
FORMAT_PATTERNS = {
    "uuid": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "date-time": ("^(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(?:0[1-9]|1[0-2])"
                  "-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?"
                  "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"),
}
TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")

# Regex syntax whose meaning differs between the engines' dialects (Python `re`, Rust `regex`, Go RE2,
# java.util.regex, ECMA-262 in Ajv) or that some cannot run at all. Patterns are written with explicit
# classes instead (`[0-9]`, not `\d`: Python and Rust match any Unicode digit there, Go and Java only ASCII).
PATTERN_HAZARDS = (
    (re.compile(r"\(\?[=!]|\(\?<[=!]"), "lookaround (Go's RE2 and Rust's regex have none)"),
    (re.compile(r"\\[1-9]|\\k<"), "a back-reference (Go's RE2 and Rust's regex have none)"),
    (re.compile(r"\(\?P?<[A-Za-z]|\(\?P[=>]"), "a named group (spelt differently in each dialect)"),
    (re.compile(r"\\[dDwWsSbB]"), "a shorthand class (\\d, \\w, \\s, \\b mean ASCII in some engines and "
                                  "Unicode in others): write the class out, e.g. [0-9]"),
    (re.compile(r"\\[pP]\{|\\[AZzGQE]|\\[uU][0-9A-Fa-f]|\\x\{|\\[0-7]{2}"), "an escape not every dialect reads"),
    (re.compile(r"\[\[:|\(\?[a-zA-Z]|\*\+|\+\+|\?\+|\}\+"), "a flag, POSIX class or possessive quantifier"),
    (re.compile(r"[^\x00-\x7f]"), "a non-ASCII character (escape-free patterns only: engines count them "
                                  "differently)"),
)


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` would not mean the same in every engine, or None."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    for hazard, why in PATTERN_HAZARDS:
        if hazard.search(pattern):
            return f"uses {why}"
    return None


def _integral(value: Any) -> bool:
    """An integer as JSON Schema counts them (2.0 is one)."""
    return not isinstance(value, bool) and (isinstance(value, int) or (isinstance(value, float) and value.is_integer()))


def _scalar_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", type(None): "null", list: "array", dict: "object"}.get(type(value), "?")


def facet_problems(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(keyword, why) for each facet of one schema object whose value the engines cannot all enforce."""
    for keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        value = schema.get(keyword)
        if keyword in schema and (isinstance(value, bool) or not isinstance(value, int | float)):
            yield keyword, "must be a number"
    if "multipleOf" in schema and not (_integral(schema["multipleOf"]) and schema["multipleOf"] > 0):
        yield "multipleOf", ("must be a positive integer: a fractional divisor is judged in binary floating point, "
                             "differently by each engine (0.07 is no multiple of 0.01 for python-jsonschema, "
                             "it is for jsonschema-rs); count cents or basis points in an integer member instead")
    for keyword in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
        value = schema.get(keyword)
        if keyword in schema and not (_integral(value) and value is not None and value >= 0):
            yield keyword, "must be a non-negative integer"
    if "uniqueItems" in schema and not isinstance(schema["uniqueItems"], bool):
        yield "uniqueItems", "must be true or false"
    if "pattern" in schema:
        pattern = schema["pattern"]
        why = pattern_problem(pattern) if isinstance(pattern, str) else "must be a string"
        if why is not None:
            yield "pattern", f"{pattern!r} {why}" if isinstance(pattern, str) else why
    if "format" in schema and schema["format"] not in FORMATS:
        yield "format", f"format {schema['format']!r} is not supported (supported: {', '.join(FORMATS)})"
    elif schema.get("format") == "date-time" and schema.get("pattern") != FORMAT_PATTERNS["date-time"]:
        yield "format", ("date-time is supported with the contract's RFC 3339 pattern beside it "
                         "($ref common.json's date_time)")
    if schema.get("enum") == []:
        yield "enum", "must list at least one value (an empty enum admits nothing)"
    values = list(schema["enum"]) if isinstance(schema.get("enum"), list) else []
    if "const" in schema:
        values.append(schema["const"])
    kinds = {_scalar_kind(v) for v in values}
    if kinds - {"string", "integer", "boolean"}:
        yield ("const" if "const" in schema else "enum"), \
            "enum and const values must be strings, integers or booleans"
    elif len(kinds) > 1:
        yield ("const" if "const" in schema else "enum"), "enum and const values must all be of one JSON type"


def lint(document: Any) -> Iterator[tuple[str, str]]:
    """(JSON pointer, message) for every keyword of a schema document outside the policy."""
    from .views import tag_of
    from .walk import iter_subschemas

    for pointer, schema in iter_subschemas(document):
        for keyword in sorted(set(schema) - SUPPORTED - ANNOTATIONS):
            yield f"{pointer}/{keyword}", f"keyword {keyword!r} is not supported: no engine would check it " \
                                          "(docs/keywords.md)"
        for keyword, why in facet_problems(schema):
            yield f"{pointer}/{keyword}", f"{keyword}: {why}"
        if ("if" in schema or "then" in schema) and not (_in_all_of(pointer) and tag_of(schema) is not None):
            yield f"{pointer}/{'if' if 'if' in schema else 'then'}", \
                "if/then is supported only as a tagged-union branch (allOf of if {tag: const} / then)"


def _in_all_of(pointer: str) -> bool:
    parts = pointer.rsplit("/", 2)
    return len(parts) == 3 and parts[1] == "allOf" and parts[2].isdigit()
