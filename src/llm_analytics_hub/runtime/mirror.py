"""`from_json`'s fast path: msgspec decodes the text straight into Structs that mirror the wire
shape, and compiled code turns the Structs into the dataclasses.

msgspec checks in C what the dict loader checks in Python: JSON types, closed objects, required
members, union tags, enum values and integer ranges; the converters check UUID and date-time text
(the producers' forms only) and build the objects. The path is one-sided:
whatever it cannot decide exactly goes to the careful path (the shared text rules of
`json_text` + the dict loader), which decides and names the JSON pointer. msgspec rejects more than
the dict loader (5.0 for an integer, a u64 above the i64 range), keeps the last of two members of
one name (`json_loader` then hands the text over), the converters' text checks accept a subset of
the dict loader's (no lower-case `t`, no nanoseconds), never more; kinds with no exact mirror
(untagged unions, open objects with extra members, map variants, recursive types) are kept as raw
JSON text and loaded by the dict loader's code after json_text parsed them, so every accepted document
becomes the same objects either way.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Union

import msgspec
from msgspec import UNSET, Meta, Raw, UnsetType

from . import kinds as k
from .binding import binding_of
from .compiler import WIRE_MEMORY, Source, kind_function, load_into
from .mirror_values import (
    SET_UUID_WIRE,
    NoMirror,
    checked_uuid,
    date_time_text,
    dict_setter,
    from_iso,
    not_a_variant,
    raw_json,
    uuid_text,
    wire_datetime,
)
from .wire import WireDateTime, WireUUID

I64_MIN, I64_MAX = -(2**63), 2**63 - 1  # msgspec's integer bounds must fit an i64; beyond: careful path
JSON_INT = Annotated[int, Meta(ge=I64_MIN, le=I64_MAX)]  # orjson reads a larger integer as a float
SENTINEL_TAG = "\x00no-such-tag"  # a second variant, so that msgspec requires the tag of a one-variant union
Converter = Callable[[Any], Any]


class Mirror:
    """The mirror Struct types and converters of every class reached from one top-level type."""

    def __init__(self) -> None:
        self.objects: dict[type, tuple[Any, Converter]] = {}  # class -> (plain Struct, converter)
        self.fields: dict[type, tuple[list[tuple[str, Any, Any]], bool]] = {}  # class -> its Struct's fields
        self.tables: dict[int, dict[Any, Converter]] = {}  # id(tagged union alias) -> variant Struct -> converter
        self.building: set[type] = set()

    # --- a kind: (msgspec type, expression that converts `var`, or None when the value is kept) ---

    def kind(self, src: Source, kind: k.Kind) -> tuple[Any, Callable[[str], str] | None]:
        match kind:
            case k.Scalar("str"):
                return str, None
            case k.Scalar("bool"):
                return bool, None
            case k.Scalar("number"):
                return JSON_INT | float, None
            case k.Scalar("uuid"):
                return str, lambda var: f"checked_uuid({var})"
            case k.Scalar("datetime"):
                return str, lambda var: f"wire_datetime({var})"
            case k.Integer(minimum, maximum):
                low = I64_MIN if minimum is None else max(minimum, I64_MIN)
                high = I64_MAX if maximum is None else min(maximum, I64_MAX)
                if low > high:
                    raise NoMirror("integer range outside i64")
                return Annotated[int, Meta(ge=low, le=high)], None
            case k.EnumOf(cls):
                return self.enum(cls), None
            case k.ModelOf(cls):
                struct_type, converter = self.model(cls)
                name = src.const(converter)
                return struct_type, lambda var: f"{name}({var})"
            case k.UnionOf(alias):
                return self.tagged(src, alias)
            case k.Nullable(inner):
                inner_type, convert = self.kind(src, inner)
                if convert is None:
                    return inner_type | None, None
                return inner_type | None, lambda var: f"(None if {var} is None else {convert(var)})"
            case k.ListOf(item):
                item_type, convert = self.kind(src, item)
                if convert is None:
                    return list[item_type], None  # type: ignore[valid-type]
                each, element = convert, src.local()
                return list[item_type], lambda var: f"[{each(element)} for {element} in {var}]"  # type: ignore[valid-type]
            case k.MapOf(value):
                value_type, convert = self.kind(src, value)
                if convert is None:
                    return dict[str, value_type], None  # type: ignore[valid-type]
                each, key, element = convert, src.local(), src.local()
                return dict[str, value_type], (  # type: ignore[valid-type]
                    lambda var: f"{{{key}: {each(element)} for {key}, {element} in {var}.items()}}")
            case _:  # ANY and whatever has no mirror of its own
                raise NoMirror(repr(kind))

    def kind_or_raw(self, src: Source, kind: k.Kind) -> tuple[Any, Callable[[str], str] | None, bool]:
        """(type, converter, is_raw): a kind without an exact mirror is raw JSON for the dict loader."""
        try:
            struct_type, convert = self.kind(src, kind)
            return struct_type, convert, False
        except NoMirror:
            if kind == k.ANY:
                return Raw, lambda var: f"raw_json({var})", True
            name = src.const(kind_function(kind, "load"))
            return Raw, lambda var: f"{name}(raw_json({var}))", True

    @staticmethod
    def enum(cls: type[Enum]) -> Any:
        if not all(isinstance(member.value, str) for member in cls):
            raise NoMirror(f"{cls.__name__} has non-string values")
        return cls

    # --- classes -------------------------------------------------------------------------------

    def model(self, cls: type) -> tuple[Any, Converter]:
        if cls in self.objects:
            return self.objects[cls]
        if cls in self.building:
            raise NoMirror(f"{cls.__name__} is recursive")
        shape = binding_of(cls).shape
        self.building.add(cls)
        try:
            if isinstance(shape, k.ObjectShape):
                made = self.object(cls, shape)
            elif isinstance(shape, k.DataEnumShape):
                made = self.data_enum(cls, shape)
            else:
                raise NoMirror(f"{cls.__name__} is a {type(shape).__name__}")
        finally:
            self.building.discard(cls)
        self.objects[cls] = made
        return made

    def object(self, cls: type, shape: k.ObjectShape) -> tuple[Any, Converter]:
        """The plain Struct of a class and its converter (the converter also serves its tagged twins)."""
        if shape.extra is not None:
            raise NoMirror(f"{cls.__name__} keeps undeclared members")
        src = Source()
        src.namespace.update(UNSET=UNSET, raw_json=raw_json, checked_uuid=checked_uuid,
                             wire_datetime=wire_datetime, WireUUID=WireUUID, WireDateTime=WireDateTime,
                             from_iso=from_iso, uuid_text=uuid_text, date_time_text=date_time_text,
                             set_wire=SET_UUID_WIRE)
        fields: list[tuple[str, Any, Any]] = []
        src.add(0, "def convert(s):")
        src.add(1, "nulls = filled = None")
        names = []
        for index, member in enumerate(shape.members):
            attr, value, wire = f"f{index}", f"v{index}", src.const(member.wire)
            names.append((member.attr, value))
            member_type, convert, raw = self.kind_or_raw(src, member.kind)
            src.add(1, f"{value} = s.{attr}")
            if raw:  # null arrives as raw `null`: the dict loader's own lines decide
                fields.append((attr, Raw, msgspec.field(name=member.wire, default=UNSET) if not member.required
                               else msgspec.field(name=member.wire)))
                raw_member(src, member, value, wire)
            elif not member.required:
                fields.append((attr, member_type | None | UnsetType, msgspec.field(name=member.wire, default=UNSET)))
                src.add(1, f"if {value} is UNSET:")
                if member.default is not None:
                    default = src.const(member.default)
                    src.add(2, f"{value} = {src.const(kind_function(member.kind, 'load'))}({default})")
                    src.add(2, f"filled = (filled or ()) + ({wire},)")
                else:
                    src.add(2, f"{value} = None")
                    if member.when_none == "null":  # absent, though the producers write it: remembered
                        src.add(2, f"filled = (filled or ()) + ({wire},)")
                src.add(1, f"elif {value} is None:")
                src.add(2, f"nulls = (nulls or ()) + ({wire},)")
                if convert is not None:
                    src.add(1, "else:")
                    convert_member(src, member.kind, value, convert, 2)
            elif member.nullable:
                fields.append((attr, member_type | None, msgspec.field(name=member.wire)))
                if convert is not None:
                    src.add(1, f"if {value} is not None:")
                    convert_member(src, member.kind, value, convert, 2)
            else:
                fields.append((attr, member_type, msgspec.field(name=member.wire)))
                if convert is not None:
                    convert_member(src, member.kind, value, convert, 1)
        src.add(1, f"made = new({src.const(cls)})")
        src.add(1, f"{src.const(dict_setter(cls))}(made, {{{', '.join(f'{a!r}: {v}' for a, v in names)}}})")
        src.add(1, "if nulls is not None or filled is not None:")
        src.add(2, f"made.__dict__[{WIRE_MEMORY!r}] = (nulls or (), filled or ())")
        src.add(1, "return made")
        self.fields[cls] = (fields, shape.closed)
        return struct(cls.__name__, fields, closed=shape.closed), src.function("convert")

    def data_enum(self, cls: type, shape: k.DataEnumShape) -> tuple[Any, Converter]:
        if len(shape.variants) != 1:
            raise NoMirror(f"{cls.__name__}: msgspec tells apart at most one object variant")
        ((key, attr, kind),) = shape.variants
        if kind == k.ANY or isinstance(kind, k.Nullable):  # {"other": null} fails __post_init__'s check
            raise NoMirror(f"{cls.__name__}: a data variant that can be null")
        if [f.name for f in dataclasses.fields(cls)] != ["unit", attr]:
            raise NoMirror(f"{cls.__name__}: fields other than unit and {attr!r}")
        src = Source()
        variant_type, convert, _ = self.kind_or_raw(src, kind)
        unit = self.enum(shape.unit)
        src.namespace.update(raw_json=raw_json, cls=cls, unit=unit)
        # exactly one of the two is set by construction, which is all __post_init__ would check
        src.add(0, "def convert(s):")
        src.add(1, "made = new(cls)")
        src.add(1, "if s.__class__ is unit:")
        src.add(2, f"setattr(made, '__dict__', {{'unit': s, {attr!r}: None}})")
        src.add(1, "else:")
        src.add(2, "value = s.f0")
        src.add(2, f"setattr(made, '__dict__', {{'unit': None, {attr!r}: {convert('value') if convert else 'value'}}})")
        src.add(1, "return made")
        one = struct(f"{cls.__name__}_{attr}", [("f0", variant_type, msgspec.field(name=key))], closed=True)
        return Union[unit, one], src.function("convert")  # noqa: UP007  # built at run time

    def tagged(self, src: Source, alias: Any) -> tuple[Any, Callable[[str], str]]:
        shape = binding_of(alias).shape
        if not isinstance(shape, k.TaggedShape):
            raise NoMirror(f"{alias!r} is not a tagged union")
        variants: list[Any] = []
        table: dict[Any, Converter] = {}
        any_raw = False
        for variant in shape.variants:
            if shape.content is None:  # internally tagged: the variant's own object carries the tag
                if not isinstance(variant.kind, k.ModelOf):
                    raise NoMirror(f"{shape.name}: variant {variant.tag!r} is not an object")
                cls = variant.kind.cls
                plain_shape = binding_of(cls).shape
                if not isinstance(plain_shape, k.ObjectShape):
                    raise NoMirror(f"{shape.name}: variant {variant.tag!r} is not an object")
                converter = self.model(cls)[1]
                fields, closed = self.fields[cls]
                variant_type = struct(cls.__name__, fields, closed=closed, tag=(shape.tag, variant.tag))
            else:  # adjacently tagged: the tag and one content member
                inner_src = Source()
                inner_type, convert, raw = self.kind_or_raw(inner_src, variant.kind)
                any_raw = any_raw or raw
                inner_src.namespace["raw_json"] = raw_json
                inner_src.add(0, "def convert(s):")
                inner_src.add(1, f"return {convert('s.f0') if convert else 's.f0'}")
                converter = inner_src.function("convert")
                variant_type = struct(f"{shape.name}_{len(variants)}",
                                      [("f0", inner_type, msgspec.field(name=shape.content))],
                                      closed=True, tag=(shape.tag, variant.tag))
            variants.append(variant_type)
            table[variant_type] = converter
        if len(variants) == 1:
            sentinel = struct(f"{shape.name}_none", [], closed=False, tag=(shape.tag, SENTINEL_TAG))
            variants.append(sentinel)
            table[sentinel] = not_a_variant
        self.tables[id(alias)] = table
        union: Any = Union[tuple(variants)]  # noqa: UP007  # built at run time
        flat = self.content_table(shape) if len(shape.variants) > 1 and not any_raw else None
        if flat is not None:  # one look-up by the content's own Struct, no wrapper call per variant
            name = src.const(flat)
            return union, lambda var: f"{name}[{var}.f0.__class__]({var}.f0)"
        name = src.const(table)
        return union, lambda var: f"{name}[{var}.__class__]({var})"

    def content_table(self, shape: k.TaggedShape) -> dict[Any, Converter] | None:
        """Content Struct -> converter over all variants of an adjacently tagged union, when every
        variant's content is a mirrored object or tagged union (their Structs are all distinct)."""
        if shape.content is None:
            return None
        flat: dict[Any, Converter] = {}
        for variant in shape.variants:
            match variant.kind:
                case k.ModelOf(cls) if cls in self.fields:
                    flat[self.objects[cls][0]] = self.objects[cls][1]
                case k.UnionOf(alias) if id(alias) in self.tables:
                    flat.update(self.tables[id(alias)])
                case _:
                    return None
        return flat


def convert_member(src: Source, kind: k.Kind, value: str, convert: Callable[[str], str], indent: int) -> None:
    """Convert a member's value in place; UUIDs and date-times inline (no call per value)."""
    if kind == k.UUID:
        src.add(indent, f"if not uuid_text({value}):")
        src.add(indent + 1, "raise ModelError('', 'the careful path decides')")
        src.add(indent, "made = new(WireUUID)")
        src.add(indent, f"set_wire(made, {value})")
        src.add(indent, f"{value} = made")
    elif kind == k.DATETIME:
        src.add(indent, f"if not date_time_text({value}):")
        src.add(indent + 1, "raise ModelError('', 'the careful path decides')")
        src.add(indent, f"made = WireDateTime(*from_iso({value}).__reduce__()[1])")
        src.add(indent, f"made.wire = {value}")
        src.add(indent, f"{value} = made")
    else:
        src.add(indent, f"{value} = {convert(value)}")


def raw_member(src: Source, member: k.Member, value: str, wire: str) -> None:
    """The dict loader's own lines for one member kept as raw JSON (ANY, or a kind with no mirror)."""
    optional = not member.required
    indent = 1
    if optional:
        src.add(1, f"if {value} is UNSET:")
        if member.default is not None:
            src.add(2, f"{value} = {src.const(member.default)}")
            src.add(2, f"filled = (filled or ()) + ({wire},)")
            src.add(1, "else:")
            src.add(2, f"{value} = raw_json({value})")
        else:  # absent: None (noted when the producers would write null); present: parsed, then as below
            src.add(2, f"{value} = None")
            if member.when_none == "null":
                src.add(2, f"filled = (filled or ()) + ({wire},)")
            src.add(1, "else:")
            src.add(2, f"{value} = raw_json({value})")
            indent = 2
    else:
        src.add(1, f"{value} = raw_json({value})")
    if member.nullable or optional or member.kind == k.ANY:
        src.add(indent, f"if {value} is None:")
        src.add(indent + 1, f"nulls = (nulls or ()) + ({wire},)" if optional else "pass")
        src.add(indent, "else:")
        indent += 1
    load_into(src, member.kind, value, value, indent)


def struct(name: str, fields: list[tuple[str, Any, Any]], closed: bool, tag: tuple[str, str] | None = None) -> Any:
    try:
        return msgspec.defstruct(f"Wire{name}", fields, kw_only=True, forbid_unknown_fields=closed, gc=False,
                                 tag_field=tag[0] if tag else None, tag=tag[1] if tag else None)
    except (TypeError, ValueError) as exc:  # e.g. a member named like the union's tag
        raise NoMirror(str(exc)) from None


def json_loader(cls: type, careful: Converter) -> Converter:
    """`load(text)` of a class: the mirror when it has one, else (and on any doubt) `careful`.

    msgspec keeps the last of two members of one name, so a text is only loaded by the mirror when
    nothing can have been dropped: re-encoding the decoded Structs gives the text back (the common
    case: producers write the same compact form), or as many colons as the text has (each member has
    one outside strings; strings keep theirs) and the text has no `\\u` escape (an escaped colon would
    count on one side only). Raw members are re-encoded as they were read and checked for duplicates
    by `raw_json`."""
    try:
        struct_type, converter = Mirror().model(cls)
        decode = msgspec.json.Decoder(struct_type).decode
    except NoMirror:
        return careful
    encode_into = msgspec.json.Encoder().encode_into
    scratch = threading.local()  # one re-encoding buffer per thread
    # ModelError, orjson's error and json_text's ParseError are ValueErrors; msgspec skips a deep Raw
    # value by recursion
    doubt = (ValueError, TypeError, msgspec.MsgspecError, RecursionError)

    def load(data: Any) -> Any:
        if data.__class__ is memoryview:
            data = bytes(data)
        try:
            again = scratch.buffer
        except AttributeError:
            again = scratch.buffer = bytearray()
        try:
            struct = decode(data)
            encode_into(struct, again)
            if data.__class__ is str:
                if "\\u" in data or data.count(":") != again.count(b":"):
                    return careful(data)
            elif again != data and not (len(data) - len(again) == 1 and data.startswith(again)) and (
                    (data.find(92) >= 0 and b"\\u" in data) or data.count(58) != again.count(58)):  # "\\", ":"
                return careful(data)
            return converter(struct)
        except doubt:
            return careful(data)

    return load
