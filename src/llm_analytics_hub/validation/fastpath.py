"""A one-sided fast path: typed decoding with msgspec, straight from the bytes of a document.

The schema view of a type is compiled into msgspec Structs (closed objects forbid unknown members,
integers carry their ranges, tagged unions dispatch on their tags, uuid and date-time strings
carry the schemas' patterns (date-time also its calendar rules)). If the bytes decode, the document is valid;
if not, nothing is concluded and the document goes to the precise engine, which finds the
errors. So this path may only ever say "valid": whatever it accepts the reference must accept
(proven by the differential tests). A schema construct the compiler does not know makes it
refuse the whole type (`compile_fast_path` returns None) rather than guess.

Duplicate member names need care: a decoder keeps the last one. The decoded value is re-encoded
(absent members stay absent: they default to UNSET). When that gives back the input byte for byte
(producers write compact JSON in declaration order, and the Structs keep the schemas' member
order), nothing can have been dropped: the encoder never writes a member twice. Otherwise every
member carries exactly one `:` outside strings, and strings keep their colons when re-encoded, so
the two texts have as many colons unless a member was dropped; inputs with `\\u` escapes skip
that second shortcut (an escaped colon would be counted on one side only).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

import msgspec

from ..schema_store import SchemaSet, TypeEntry
from ..schema_view.layout import Union as TaggedLayout
from ..schema_view.layout import node_of, tagged_union, union_members
from ..schema_view.views import At, View, follow, merged, view_of
from ..versions import DEFAULT_VERSION

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


def _python_pattern(pattern: str) -> str:
    # Python's `$` also matches before a final newline; JSON Schema (ECMA 262) regexes do not.
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern


@dataclass
class FastPath:
    """Decoder for one type; `label` names what a decoded document is (for summaries)."""

    decoder: msgspec.json.Decoder[Any]
    label: Callable[[Any], str]

    def accepts(self, raw: bytes) -> Any:
        """The decoded value if the document is certainly valid, else None."""
        try:
            value = self.decoder.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
            return None
        return value if members_kept(raw, value) else None

    def valid_label(self, raw: bytes, version: str | None) -> str | None:
        """The label of a document proven valid, else None. With `version`, the document must also
        declare that schema_version (absent means the default version), else nothing is proven."""
        return prover([(version, lambda: self)])(raw)


_ENCODE = msgspec.json.Encoder().encode
_DECODE_ERRORS = (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError)
_DECLARED = b'"schema_version":"'


def members_kept(raw: bytes, value: Any) -> bool:
    """Whether decoding `raw` into `value` kept every member (False: one may have been a duplicate)."""
    again = _ENCODE(value)
    # The input is the encoding itself, or it plus the line's final newline (the decoder accepted
    # the input, so a byte after the JSON text is whitespace).
    if len(raw) - len(again) <= 1 and raw.startswith(again):
        return True
    if b"\\" in raw and b"\\u" in raw:
        return False
    return raw.count(b":") == again.count(b":")


Prover = Callable[[bytes], "str | None"]
_PENDING: Any = object()


def prover(candidates: Sequence[tuple[str | None, Callable[[], FastPath | None]]]) -> Prover:
    """One function that proves a raw document valid and returns its label (None: not proven).

    `candidates` pairs the schema_version a document must declare (None: any, the version is
    forced) with a function giving that version's fast path, called on first need: a stream of
    one version never compiles the others. The version the document declares is looked up in its
    bytes first, so a stream of mixed versions is decoded once per document; that textual guess
    only orders the attempts (it may come from a nested member), the decoded value decides.
    """
    if not candidates:
        return lambda raw: None
    compiled: list[Any] = [_PENDING] * len(candidates)

    def compile_at(index: int) -> Any:
        version, make = candidates[index]
        fast = make()
        compiled[index] = None if fast is None else (fast.decoder.decode, fast.label, version)
        return compiled[index]

    everything = tuple(range(len(candidates)))
    orders = {version.encode(): (index, *(i for i in everything if i != index))
              for index, (version, _) in enumerate(candidates) if version is not None}
    default_order = orders.get(DEFAULT_VERSION.encode(), everything)
    marker, skip = _DECLARED, len(_DECLARED)

    def prove(raw: bytes) -> str | None:
        found = raw.find(marker)
        order = default_order
        if found >= 0:
            start = found + skip
            order = orders.get(raw[start:raw.find(b'"', start)], default_order)
        for index in order:
            step = compiled[index]
            if step is _PENDING:
                step = compile_at(index)
            if step is None:
                continue
            decode, label, version = step
            try:
                value = decode(raw)
            except _DECODE_ERRORS:
                continue
            if not members_kept(raw, value):
                continue  # (a lenient decoder drops the members its version does not know)
            if version is not None:
                declared = getattr(value, "schema_version", DEFAULT_VERSION)
                if (declared if declared.__class__ is str else DEFAULT_VERSION) != version:
                    continue
            found_label: str = label(value)
            return found_label
        return None

    return prove


class _Compiler:
    """Schema views -> msgspec types. Anything it does not know exactly raises Unsupported."""

    def __init__(self, *, lenient: bool) -> None:
        self.lenient = lenient
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
            return Any
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
            item = self.type_of(view.items, name + "Item") if view.items is not None else Any
            return list[item]  # type: ignore[valid-type]
        if kind == "object":
            if view.properties or view.required or view.closure == "closed":
                return self.struct(view, name)
            values = self.type_of(view.extra, name + "Value") if view.extra is not None else Any
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
        for index, (wire, at) in enumerate(view.properties.items()):
            if tag is not None and wire == tag[0]:
                continue
            python = wire if wire.isidentifier() and not keyword.iskeyword(wire) else f"member_{index}"
            rename[python] = wire
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
        self.counter += 1
        return msgspec.defstruct(f"{name}_{self.counter}", fields, **options)

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


def _asserts(view: View) -> bool:
    return bool(view.types or view.enum is not None or view.has_const or view.bounds or view.strings
                or view.properties or view.required or view.closure != "open" or view.items or view.tag
                or view.union_kind or view.other or view.never)


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

    def label(value: Any) -> str:
        node = getattr(value, holder) if holder is not None else value
        innermost = getattr(node, union.content) if union.content is not None else node
        found = by_innermost.get(type(innermost))
        if found is None:
            found = by_innermost[type(innermost)] = "/".join(tags_of(node))
        return found

    return label


def compile_fast_path(schemas: SchemaSet, entry: TypeEntry, *, lenient: bool = False) -> FastPath | None:
    """The fast path of a type, or None when its schema uses something the fast path does not model."""
    try:
        decoded_type = _Compiler(lenient=lenient).type_of(node_of(schemas, entry), re.sub(r"\W", "_", entry.name))
        decoder = msgspec.json.Decoder(decoded_type)
    except (Unsupported, ValueError, TypeError):
        return None
    return FastPath(decoder, _label_function(schemas, entry))
