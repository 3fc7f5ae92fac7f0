"""A one-sided fast path: typed decoding with msgspec, straight from the bytes of a document.

The schema view of a type is compiled into msgspec Structs (closed objects forbid unknown members,
integers carry their ranges, tagged unions dispatch on their tags, uuid and date-time strings
carry the schemas' patterns (date-time also its calendar rules)). If the bytes decode, the document is valid;
if not, nothing is concluded and the document goes to the precise engine, which finds the
errors. So this path may only ever say "valid": whatever it accepts the reference must accept
(proven by the differential tests). A schema construct the compiler does not know makes it
refuse the whole type (`compile_fast_path` returns None) rather than guess.

Duplicate member names need care (a decoder keeps the last one): a decoded document counts only
when no member can have been dropped (validation/members.py); validation/prover.py runs the
compiled decoders over a stream.
"""

from __future__ import annotations

import keyword
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Annotated, Any, ClassVar, Literal, Union

import msgspec

from ..schema_store import SchemaSet, TypeEntry
from ..schema_view.layout import Union as TaggedLayout
from ..schema_view.layout import node_of, tagged_union, union_members
from ..schema_view.views import At, View, follow, merged, view_of
from ..schema_view.vocabulary import FORMAT_PATTERNS
from ..text_checks import is_uuid_text
from .members import members_kept

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_LENGTHS = {"minLength": "min_length", "maxLength": "max_length"}
_RANGES = {"minimum": "ge", "maximum": "le"}


class Unsupported(Exception):
    """A schema construct the fast path does not model; the type then has no fast path."""


_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"  # 0001-9999
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DATE = (f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
         f"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)")
# The schemas' date-time pattern plus the calendar rules of the `date-time` format, as one regex, so
# that the fast path needs no Python call per timestamp. Stricter than or equal to pattern + format.
DATE_TIME_FAST = (f"^{_DATE}[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?"
                  "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\\Z")


# The patterns the schemas pair with `format: uuid` / `format: date-time`. A uuid is read natively
# only where a schema has exactly this pattern (which its canonical text always matches).
# Date-times stay checked strings: the encoder's canonical text (6 fraction digits or none, `Z`)
# is not what producers write (milli- or nanoseconds), so a native reading would rarely count.
UUID_PATTERN = FORMAT_PATTERNS["uuid"]
DATE_TIME_PATTERN = FORMAT_PATTERNS["date-time"]
_NATIVE: dict[tuple[Any, Any], Any] = {("uuid", UUID_PATTERN): uuid.UUID}


def _json_value(levels: int) -> Any:
    """A value without a schema type, as msgspec may decode it here: `Any` would read an integer of
    any length (`1` and 400 zeros, which the rules refuse as beyond the double range) and follow any
    depth by recursion. This type takes integers within i64 and arrays and objects `levels` deep;
    anything else is left to the precise path (one-sided)."""
    leaf: Any = Union[None, bool, Annotated[int, msgspec.Meta(ge=_I64_MIN, le=_I64_MAX)], float, str]  # noqa: UP007
    value = leaf
    for _ in range(levels):
        value = Union[leaf, list[value], dict[str, value]]  # type: ignore[valid-type]  # noqa: UP007 - built at run time
    return value


ANY_VALUE = _json_value(8)


def _python_pattern(pattern: str) -> str:
    # Python's `$` also matches before a final newline; JSON Schema (ECMA 262) regexes do not.
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern


@dataclass
class FastPath:
    """Decoders for one type; `label` names what a decoded document is (for summaries).

    `canonical` (None when the type has no uuid member) reads uuids natively, three times faster
    than matching their pattern, but natively is looser (it also takes a uuid without hyphens).
    Its verdict counts only when re-encoding the value gives back the input byte for byte: the
    encoder writes the one canonical form (lowercase, hyphens), which the schemas' pattern
    accepts. Anything else goes to `decoder`.
    """

    decoder: msgspec.json.Decoder[Any]
    label: Callable[[Any], str]
    canonical: msgspec.json.Decoder[Any] | None = None
    canonical_label: Callable[[Any], str] | None = None
    # The parsed-document fast path (Validator.is_valid), reachable without importing msgspec there.
    convert: ClassVar[Callable[..., Any]] = staticmethod(msgspec.convert)
    refusals: ClassVar[tuple[type[Exception], ...]] = (msgspec.ValidationError, TypeError, ValueError)

    def accepts(self, raw: bytes) -> Any:
        """The decoded value if the document is certainly valid, else None."""
        try:
            value = self.decoder.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
            return None
        return value if members_kept(raw, value) else None


class _Compiler:
    """Schema views -> msgspec types. Anything it does not know exactly raises Unsupported."""

    def __init__(self, *, lenient: bool, native_formats: bool = False) -> None:
        self.lenient = lenient
        self.native_formats = native_formats  # uuid.UUID instead of a checked string (the canonical decoder)
        self.used_native = False
        self.counter = 0

    def type_of(self, at: At, name: str) -> Any:
        return self.view_type(follow(view_of(at)), name)

    def view_type(self, view: View, name: str) -> Any:
        if view.never or view.other:
            raise Unsupported(f"{view.at.display}: {sorted(view.other) or 'false schema'}")
        inner = self.non_null(view, name)
        return Union[inner, None] if view.nullable else inner  # noqa: UP007 - a runtime type expression

    def non_null(self, view: View, name: str) -> Any:
        if view.tag is not None:
            return self.tagged_union(view, name)
        if view.union_kind is not None:
            return self.data_enum(view, name)
        if view.has_const or view.enum is not None:
            values = [view.const] if view.has_const else view.enum or []
            if view.types not in (None, frozenset({"string"})) or not all(isinstance(v, str) for v in values):
                raise Unsupported("non-string enum")
            if view.bounds or view.strings or view.properties or view.items:
                raise Unsupported("enum with other assertions")
            return Literal[tuple(values)]
        kinds = view.types
        if kinds is None:
            if view.is_object:
                return self.struct(view, name)
            if view.bounds or view.strings or view.items:
                raise Unsupported("assertions without a type")
            return ANY_VALUE
        if len(kinds) != 1:
            raise Unsupported(f"type {sorted(kinds)}")
        (kind,) = kinds
        return self.typed(view, kind, name)

    def typed(self, view: View, kind: str, name: str) -> Any:
        bounds = {key: value for key, (value, _) in view.bounds.items()}
        strings = {key: value for key, (value, _) in view.strings.items()}
        if kind == "string":
            if set(bounds) - set(_LENGTHS) or set(strings) - {"pattern", "format"}:
                raise Unsupported(f"string with {sorted(bounds) + sorted(strings)}")
            fmt = strings.get("format")
            if fmt not in (None, "uuid", "date-time") or (fmt and "pattern" not in strings):
                raise Unsupported(f"format {fmt} without a pattern")
            if fmt == "date-time" and strings["pattern"] != DATE_TIME_PATTERN:
                raise Unsupported("date-time with another pattern")  # DATE_TIME_FAST models only that one
            native = _NATIVE.get((fmt, strings.get("pattern")))
            if self.native_formats and native is not None and not bounds:
                self.used_native = True
                return native
            # msgspec counts str lengths in code points, as JSON Schema's minLength/maxLength do.
            meta: dict[str, Any] = {_LENGTHS[key]: value for key, value in bounds.items()}
            if "pattern" in strings:
                meta["pattern"] = DATE_TIME_FAST if fmt == "date-time" else _python_pattern(strings["pattern"])
            return Annotated[str, msgspec.Meta(**meta)] if meta else str
        if view.strings or (kind in ("boolean", "array", "object") and view.bounds):
            raise Unsupported(f"{kind} with {sorted(view.strings) + sorted(view.bounds)}")
        if kind in ("number", "integer") and set(bounds) - set(_RANGES):
            raise Unsupported(f"{kind} with {sorted(bounds)}")
        if kind == "number":
            ranges: dict[str, Any] = {_RANGES[key]: value for key, value in bounds.items()}
            return Annotated[float, msgspec.Meta(**ranges)] if ranges else float
        if kind == "integer":
            # msgspec bounds must fit in an int64: a narrower range only sends the rare huge value to
            # the precise engine, which keeps this path one-sided.
            low, high = bounds.get("minimum", _I64_MIN), bounds.get("maximum", _I64_MAX)
            return Annotated[int, msgspec.Meta(ge=max(low, _I64_MIN), le=min(high, _I64_MAX))]
        if kind == "boolean":
            return bool
        if kind == "array":
            item = self.type_of(view.items, name + "Item") if view.items is not None else ANY_VALUE
            return list[item]  # type: ignore[valid-type]
        if kind == "object":
            if view.properties or view.required or view.closure == "closed":
                return self.struct(view, name)
            values = self.type_of(view.extra, name + "Value") if view.extra is not None else ANY_VALUE
            return dict[str, values]  # type: ignore[valid-type]
        raise Unsupported(f"type {kind}")

    def struct(self, view: View, name: str, *, tag: tuple[str, str] | None = None,
               always_closed: bool = False) -> Any:
        if view.closure == "map":
            raise Unsupported("open object with typed extra members")
        if view.items is not None or view.bounds or view.strings or view.union_kind or view.tag:
            raise Unsupported(f"{view.at.display}: object with more than members")
        closed = view.closure == "closed"
        fields: list[Any] = []
        rename: dict[str, str] = {}
        patterns: list[tuple[str, Callable[[str], Any]]] = []
        for index, (wire, at) in enumerate(view.properties.items()):
            if tag is not None and wire == tag[0]:
                continue
            python = wire if wire.isidentifier() and not keyword.iskeyword(wire) else f"member_{index}"
            rename[python] = wire
            checked = self.checked_string(at)
            if checked is not None:  # a plain str here, its pattern checked once the Struct is built
                pattern, nullable = checked
                patterns.append((python, is_uuid_text if pattern == _python_pattern(UUID_PATTERN)
                                 else re.compile(pattern).search))
                annotation = Union[str, None] if nullable else str  # noqa: UP007
            else:
                annotation = self.type_of(at, f"{name}_{python}")
            if wire in view.required:
                fields.append((python, annotation))
            else:
                fields.append((python, annotation, msgspec.field(default=msgspec.UNSET)))
        if set(view.required) - set(view.properties) - ({tag[0]} if tag else set()):
            raise Unsupported("a required member without a schema")
        # Members stay in the schema's order (kw_only allows optional before required), so that a
        # producer's compact output re-encodes byte for byte; no reference cycles, so no GC tracking.
        options: dict[str, Any] = {"kw_only": True, "rename": rename, "gc": False,
                                   "forbid_unknown_fields": closed and (always_closed or not self.lenient)}
        if tag is not None:
            options.update(tag_field=tag[0], tag=tag[1])
        if patterns:
            options["namespace"] = {"__post_init__": _pattern_check(tuple(patterns))}
        self.counter += 1
        return msgspec.defstruct(f"{name}_{self.counter}", fields, **options)

    def checked_string(self, at: At) -> tuple[str, bool] | None:
        """(regex, nullable) for a member that is a string with a pattern and nothing else (the
        Struct checks it in `__post_init__`), else None: the member's type says it all."""
        view = follow(view_of(at))
        strings = {key: value for key, (value, _) in view.strings.items()}
        if (view.types != frozenset({"string"}) or view.bounds or "pattern" not in strings
                or set(strings) - {"pattern", "format"} or view.never or view.other or view.tag
                or view.union_kind or view.enum is not None or view.has_const):
            return None
        fmt = strings.get("format")
        if fmt not in (None, "uuid", "date-time") or (fmt == "date-time" and strings["pattern"] != DATE_TIME_PATTERN):
            return None  # typed() decides (and refuses what it does not model)
        if self.native_formats and (fmt, strings["pattern"]) in _NATIVE:
            return None
        return (DATE_TIME_FAST if fmt == "date-time" else _python_pattern(strings["pattern"])), view.nullable

    def tagged_union(self, view: View, name: str) -> Any:
        assert view.tag is not None
        others = [member for member in view.properties if member != view.tag]
        content = others[0] if len(others) == 1 else None
        variants = []
        for value, then in view.variants.items():
            branch = view_of(then)
            if not isinstance(value, str) or branch.other or branch.union_kind or branch.tag or branch.never:
                raise Unsupported(f"{then.display}: not a plain tagged variant")
            for member in set(branch.properties) & set(view.properties) - {view.tag}:
                if _asserts(follow(view_of(view.properties[member]))):
                    raise Unsupported(f"{then.display}: member {member!r} constrained twice")
            leaf = merged(view, branch)
            if content is not None:  # adjacently tagged: {tag, content}
                wrapper = View(then, properties={content: leaf.properties[content]},
                               required={content: then}, closure="closed")
                variants.append(self.struct(wrapper, f"{name}_{value}", tag=(view.tag, value)))
            else:
                if leaf.closure != "closed":
                    raise Unsupported("open variant")
                variants.append(self.struct(leaf, f"{name}_{value}", tag=(view.tag, value)))
        return Union[tuple(variants)]  # noqa: UP007

    def data_enum(self, view: View, name: str) -> Any:
        """A string enum plus objects of one member each (at most one object: msgspec needs tags else)."""
        if view.union_kind != "anyOf" or view.types or view.properties or view.enum is not None:
            raise Unsupported("untagged union")
        first, *rest = (follow(view_of(option)) for option in view.union)
        if first.enum is None or not rest or len(rest) > 1:
            raise Unsupported("untagged union")
        variants = [self.view_type(first, name)]
        for index, option in enumerate(rest, start=1):
            if len(option.properties) != 1 or set(option.required) != set(option.properties):
                raise Unsupported("data variant without exactly one member")
            variants.append(self.struct(option, f"{name}Variant{index}", always_closed=True))
        return Union[tuple(variants)]  # noqa: UP007


def _pattern_check(patterns: tuple[tuple[str, Callable[[str], Any]], ...]) -> Callable[[Any], None]:
    """A Struct's `__post_init__` matching its patterned string members. msgspec calls it once per
    object it decodes or converts, and turns the ValueError into a ValidationError; its own
    `Meta(pattern=...)` costs about twice as much per string (a method call built each time)."""

    def __post_init__(self: Any) -> None:
        for name, search in patterns:
            value = getattr(self, name)
            if isinstance(value, str) and not search(value):
                raise ValueError(f"{name}: does not match its pattern")

    return __post_init__


def _asserts(view: View) -> bool:
    return bool(view.types or view.enum is not None or view.has_const or view.bounds or view.strings
                or view.properties or view.required or view.closure != "open" or view.items or view.tag
                or view.union_kind or view.other or view.never)


def _itself(value: Any) -> Any:
    return value


def _label_function(schemas: SchemaSet, entry: TypeEntry) -> Callable[[Any], str]:
    """The label of a decoded document, read from its Struct tags down the type's tagged unions
    (the schemas' layout says which member holds the union and which member holds each content)."""
    members = union_members(schemas, entry)
    root = tagged_union(schemas, entry)
    if root is None and not members:
        return lambda _value: entry.name
    holder = members[0][0] if root is None else None
    union = root or tagged_union(schemas, members[0][1])
    assert union is not None
    by_innermost: dict[type, str] = {}  # each decoded variant Struct class belongs to one chain of tags

    def tags_of(node: Any) -> list[str]:
        tags = []
        current: TaggedLayout | None = union
        while current is not None:
            tag = type(node).__struct_config__.tag
            tags.append(str(tag))
            variant = current.variants.get(tag)
            if current.content is None or variant is None:
                break
            node = getattr(node, current.content)
            current = tagged_union(schemas, variant)
        return tags

    to_node = attrgetter(holder) if holder is not None else _itself
    to_innermost = attrgetter(".".join(filter(None, (holder, union.content)))) if union.content else to_node

    def label(value: Any) -> str:
        kind = type(to_innermost(value))
        found = by_innermost.get(kind)
        if found is None:
            found = by_innermost[kind] = "/".join(tags_of(to_node(value)))
        return found

    return label


def compile_fast_path(schemas: SchemaSet, entry: TypeEntry, *, lenient: bool = False) -> FastPath | None:
    """The fast path of a type, or None when its schema uses something the fast path does not model."""
    name = re.sub(r"\W", "_", entry.name)
    try:
        exact = _Compiler(lenient=lenient)
        decoder = msgspec.json.Decoder(exact.type_of(node_of(schemas, entry), name))
        native = _Compiler(lenient=lenient, native_formats=True)
        canonical = msgspec.json.Decoder(native.type_of(node_of(schemas, entry), name))
    except (Unsupported, ValueError, TypeError):
        return None
    if not native.used_native:
        return FastPath(decoder, _label_function(schemas, entry))
    return FastPath(decoder, _label_function(schemas, entry), canonical, _label_function(schemas, entry))
