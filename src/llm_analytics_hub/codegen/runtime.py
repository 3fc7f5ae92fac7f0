"""Runtime support for the generated dataclasses (`llm_analytics_hub.models.*`).

The generated modules hold the typed dataclasses and a declarative *spec* per type (which wire
member maps to which attribute, with which loader and dumper); the behaviour lives here, in
hand-written, type-checked code that every generated type shares.

Wire fidelity: `Type.from_dict(x).to_dict() == x` for every payload, also for the input-only forms
serde accepts. Loaded objects remember which optional members were absent (and filled with their
default) and which were written as an explicit `null`; date-times and UUIDs remember the exact
string they were read from. Objects built in code have no such memory and are written in the
producer form: UTC `Z` timestamps with 0/3/6/9 fraction digits, lower-case UUIDs, `None` optional
members left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Protocol, TypeVar
from uuid import UUID

T = TypeVar("T")
M = TypeVar("M")
E = TypeVar("E", bound=Enum)

Loader = Callable[[Any, str], T]
Dumper = Callable[[Any], Any]


class ModelError(ValueError):
    """A wire value that cannot become a model object; `path` is the JSON pointer of the place."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"at {path or '/'}: {message}")


def child(path: str, key: str | int) -> str:
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{path}/{token}"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _expected(what: str, value: Any, path: str) -> ModelError:
    return ModelError(path, f"expected {what}, got {_kind(value)}")


# --- loaders: (wire value, JSON pointer) -> Python value --------------------------------------

def load_any(value: Any, path: str) -> Any:
    return value


def load_str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _expected("a string", value, path)
    return value


def load_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _expected("a boolean", value, path)
    return value


def load_float(value: Any, path: str) -> float:
    """Any JSON number; an integer stays an int so that the wire form comes back unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _expected("a number", value, path)
    return value


def load_int(value: Any, path: str) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON Schema counts 5.0 as an integer; serde would not
    if isinstance(value, bool) or not isinstance(value, int):
        raise _expected("an integer", value, path)
    return value


def int_in(minimum: int | None, maximum: int | None) -> Loader[int]:
    def load(value: Any, path: str) -> int:
        number = load_int(value, path)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise ModelError(path, f"integer {number} out of range [{minimum}, {maximum}]")
        return number

    return load


_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DATE_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z"
)


class WireUUID(UUID):
    """A UUID that remembers the exact string it was read from (e.g. upper-case hex)."""

    __slots__ = ("wire",)
    wire: str

    @classmethod
    def parse(cls, text: str) -> WireUUID:
        made = cls(text)
        object.__setattr__(made, "wire", text)
        return made


class WireDateTime(datetime):
    """A timezone-aware datetime that remembers the exact RFC 3339 text it was read from.

    The text keeps what `datetime` cannot: nanoseconds, the original offset and fraction width.
    Arithmetic on it gives a plain datetime, which is then written in the producer form.
    """

    wire: str | None = None


def load_uuid(value: Any, path: str) -> UUID:
    if not isinstance(value, str) or not _UUID_RE.match(value):
        raise ModelError(path, f"expected a hyphenated UUID string, got {value!r}")
    return WireUUID.parse(value)


def load_datetime(value: Any, path: str) -> datetime:
    if not isinstance(value, str):
        raise _expected("an RFC 3339 date-time string", value, path)
    match = _DATE_TIME_RE.match(value)
    if not match:
        raise ModelError(path, f"not an RFC 3339 date-time: {value!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if zulu:
        tz: timezone = UTC
    else:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        made = WireDateTime(int(year), int(month), int(day), int(hour), int(minute),
                            min(int(second), 59), micro, tzinfo=tz)  # a leap second :60 reads as :59
    except ValueError as exc:
        raise ModelError(path, f"not a valid date-time: {value!r} ({exc})") from None
    made.wire = value
    return made


def list_of(item: Loader[T]) -> Loader[list[T]]:
    def load(value: Any, path: str) -> list[T]:
        if not isinstance(value, list):
            raise _expected("an array", value, path)
        return [item(element, child(path, index)) for index, element in enumerate(value)]

    return load


def map_of(item: Loader[T]) -> Loader[dict[str, T]]:
    def load(value: Any, path: str) -> dict[str, T]:
        if not isinstance(value, dict):
            raise _expected("an object", value, path)
        return {key: item(element, child(path, key)) for key, element in value.items()}

    return load


def nullable(inner: Loader[T]) -> Loader[T | None]:
    def load(value: Any, path: str) -> T | None:
        return None if value is None else inner(value, path)

    return load


def expect_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _expected("an object", value, path)
    return value


def load_enum(cls: type[E], value: Any, path: str) -> E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in cls)
        raise ModelError(path, f"unknown {cls.__name__} value {value!r}; expected one of {allowed}") from None


# --- dumpers: Python value -> wire value ------------------------------------------------------

def format_datetime(value: datetime) -> str:
    """The producer (chrono) form: UTC, `Z`, a 3/6-digit fraction only when non-zero."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        digits = f"{value.microsecond:06d}"
        text += "." + (digits[:3] if digits.endswith("000") else digits)
    return text + "Z"


def dump_datetime(value: datetime) -> str:
    wire = getattr(value, "wire", None)
    return wire if isinstance(wire, str) else format_datetime(value)


def dump_uuid(value: UUID) -> str:
    wire = getattr(value, "wire", None)
    return wire if isinstance(wire, str) else str(value)


def dump_plain(value: Any) -> Any:
    return value


def dump_model(value: Any) -> Any:
    return value.to_dict()


def dump_list(item: Dumper) -> Dumper:
    return lambda value: [item(element) for element in value]


def dump_map(item: Dumper) -> Dumper:
    return lambda value: {key: item(element) for key, element in value.items()}


def dump_nullable(inner: Dumper) -> Dumper:
    return lambda value: None if value is None else inner(value)


def dump_any(value: Any) -> Any:
    """Wire form of any value held by a model: model objects, enums, UUIDs, date-times, containers."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return dump_datetime(value)
    if isinstance(value, UUID):
        return dump_uuid(value)
    if isinstance(value, dict):
        return {key: dump_any(element) for key, element in value.items()}
    if isinstance(value, list):
        return [dump_any(element) for element in value]
    return value


# --- specs: how a generated type maps to the wire ---------------------------------------------

_NO_DEFAULT = object()


@dataclass(frozen=True)
class FieldSpec:
    wire: str
    attr: str
    load: Loader[Any]
    dump: Dumper
    required: bool
    default: Any = _NO_DEFAULT  # the JSON default filled in when the member is absent


@dataclass(frozen=True)
class ExtraSpec:
    attr: str
    load: Loader[Any]
    dump: Dumper


@dataclass(frozen=True)
class ObjectSpec:
    fields: tuple[FieldSpec, ...]
    closed: bool
    extra: ExtraSpec | None = None

    def declared(self) -> frozenset[str]:
        return frozenset(spec.wire for spec in self.fields)


class _Model(Protocol):
    def to_dict(self) -> Any: ...


def load_object(cls: Callable[..., M], spec: ObjectSpec, value: Any, path: str) -> M:
    data = expect_object(value, path)
    kwargs: dict[str, Any] = {}
    absent: list[str] = []
    nulls: list[str] = []
    for field_spec in spec.fields:
        if field_spec.wire in data:
            element = data[field_spec.wire]
            if element is None:
                kwargs[field_spec.attr] = None
                if not field_spec.required:
                    nulls.append(field_spec.wire)
            else:
                kwargs[field_spec.attr] = field_spec.load(element, child(path, field_spec.wire))
        elif field_spec.required:
            raise ModelError(path, f"missing required member {field_spec.wire!r}")
        else:
            absent.append(field_spec.wire)
    declared = spec.declared()
    if spec.extra is not None:
        extra_load = spec.extra.load
        kwargs[spec.extra.attr] = {key: extra_load(element, child(path, key))
                                   for key, element in data.items() if key not in declared}
    elif spec.closed:
        for key in data:
            if key not in declared:
                raise ModelError(child(path, key), f"undeclared member {key!r} in a closed object")
    made = cls(**kwargs)
    object.__setattr__(made, "_absent", frozenset(absent))
    object.__setattr__(made, "_nulls", frozenset(nulls))
    return made


def dump_object(obj: Any, spec: ObjectSpec) -> dict[str, Any]:
    absent: frozenset[str] = getattr(obj, "_absent", frozenset())
    nulls: frozenset[str] = getattr(obj, "_nulls", frozenset())
    out: dict[str, Any] = {}
    for field_spec in spec.fields:
        value = getattr(obj, field_spec.attr)
        if value is None:
            if field_spec.required or field_spec.wire in nulls:
                out[field_spec.wire] = None
            continue
        wire = field_spec.dump(value)
        if field_spec.wire in absent and field_spec.default is not _NO_DEFAULT and wire == field_spec.default:
            continue  # absent on input and still the default: leave it out again
        out[field_spec.wire] = wire
    if spec.extra is not None:
        for key, element in getattr(obj, spec.extra.attr).items():
            out[key] = spec.extra.dump(element)
    return out


@dataclass(frozen=True)
class VariantSpec:
    tag: str
    load: Loader[Any]
    dump: Dumper
    kind: type | tuple[type, ...]


@dataclass(frozen=True)
class TaggedSpec:
    type_name: str
    tag: str
    content: str | None  # None: internally tagged (members beside the tag); else the content member
    variants: tuple[VariantSpec, ...]


def load_tagged(cls: Callable[[Any], M], spec: TaggedSpec, value: Any, path: str) -> M:
    data = expect_object(value, path)
    if spec.tag not in data:
        raise ModelError(path, f"missing discriminator {spec.tag!r} of {spec.type_name}")
    tag = data[spec.tag]
    for variant in spec.variants:
        if variant.tag == tag:
            break
    else:
        allowed = ", ".join(repr(v.tag) for v in spec.variants)
        raise ModelError(child(path, spec.tag),
                         f"unknown {spec.type_name} discriminator {tag!r}; expected one of {allowed}")
    if spec.content is None:
        rest = {key: element for key, element in data.items() if key != spec.tag}
        return cls(variant.load(rest, path))
    for key in data:
        if key not in (spec.tag, spec.content):
            raise ModelError(child(path, key), f"undeclared member {key!r} in {spec.type_name}")
    if spec.content not in data:
        raise ModelError(path, f"missing required member {spec.content!r}")
    return cls(variant.load(data[spec.content], child(path, spec.content)))


def tag_of(spec: TaggedSpec, value: Any) -> str:
    for variant in spec.variants:
        if isinstance(value, variant.kind):
            return variant.tag
    raise TypeError(f"{type(value).__name__} is not a variant of {spec.type_name}")


def dump_tagged(spec: TaggedSpec, value: Any) -> dict[str, Any]:
    for variant in spec.variants:
        if isinstance(value, variant.kind):
            if spec.content is None:
                return {spec.tag: variant.tag, **variant.dump(value)}
            return {spec.tag: variant.tag, spec.content: variant.dump(value)}
    raise TypeError(f"{type(value).__name__} is not a variant of {spec.type_name}")


def load_first(type_name: str, loaders: tuple[Loader[Any], ...], value: Any, path: str) -> Any:
    """Untagged union: the first variant that accepts the value wins (serde's rule)."""
    reasons = []
    for load in loaders:
        try:
            return load(value, path)
        except ModelError as exc:
            reasons.append(str(exc))
    raise ModelError(path, f"no variant of {type_name} accepts the value: " + "; ".join(reasons))


@dataclass(frozen=True)
class DataVariantSpec:
    key: str
    attr: str
    load: Loader[Any]
    dump: Dumper


@dataclass(frozen=True)
class DataEnumSpec:
    type_name: str
    unit: type[Enum]
    variants: tuple[DataVariantSpec, ...]


def load_data_enum(cls: Callable[..., M], spec: DataEnumSpec, value: Any, path: str) -> M:
    if isinstance(value, str):
        return cls(unit=load_enum(spec.unit, value, path))
    data = expect_object(value, path)
    if len(data) != 1:
        raise ModelError(path, f"a {spec.type_name} data variant is an object with exactly one member")
    ((key, element),) = data.items()
    for variant in spec.variants:
        if variant.key == key:
            return cls(**{variant.attr: variant.load(element, child(path, key))})
    allowed = ", ".join(repr(v.key) for v in spec.variants)
    raise ModelError(child(path, key), f"unknown {spec.type_name} variant {key!r}; expected one of {allowed}")


def check_data_enum(obj: Any, spec: DataEnumSpec) -> None:
    chosen = [name for name in ("unit", *(v.attr for v in spec.variants)) if getattr(obj, name) is not None]
    if len(chosen) != 1:
        raise ValueError(f"{spec.type_name} needs exactly one of unit or a data variant, got {chosen or 'none'}")


def dump_data_enum(obj: Any, spec: DataEnumSpec) -> Any:
    unit = obj.unit
    if unit is not None:
        return unit.value
    for variant in spec.variants:
        value = getattr(obj, variant.attr)
        if value is not None:
            return {variant.key: variant.dump(value)}
    raise ValueError(f"empty {spec.type_name}")
