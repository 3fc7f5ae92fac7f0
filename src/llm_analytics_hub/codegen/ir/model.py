"""The typed, read-only intermediate model between the schema view and every emitter.

Frozen dataclasses: type expressions (`Prim`, `Ref`, `ListOf`, `MapOf`, `Nullable`) and type
definitions (objects, enums, data-carrying enums, tagged and untagged unions, newtypes) per area
and version. `build.build_version` fills them from the schema view; emitters never see JSON Schema.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, assert_never

from ...errors import HubError

JSON = Any
T = TypeVar("T")
I64 = (-(2**63), 2**63 - 1)  # the range of a signed 64-bit integer
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


class GeneratorError(HubError):
    """A schema construct the generator cannot map (named with file and pointer)."""


# --- value facets ------------------------------------------------------------------------------

Number = int | float
Scalar = str | int | bool


@dataclass(frozen=True)
class Facets:
    """Every value assertion of `schema_view.vocabulary.FACETS` that applies to one value, field for
    field (the vocabulary test keeps the two lists equal). A value of `any` type keeps all of them,
    each checked only on instances of its JSON type; a typed value keeps those of its type."""

    minimum: Number | None = None
    maximum: Number | None = None
    exclusive_minimum: Number | None = None
    exclusive_maximum: Number | None = None
    multiple_of: Number | None = None
    min_length: int | None = None  # in code points
    max_length: int | None = None
    pattern: str | None = None  # searched, not anchored (JSON Schema's `pattern`)
    format: str | None = None  # only on `any` values: a string value's format (uuid, date-time)
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    min_properties: int | None = None
    max_properties: int | None = None
    enum: tuple[Scalar, ...] | None = None
    has_const: bool = False
    const: Scalar | None = None

    def __bool__(self) -> bool:
        return self != NO_FACETS

    @property
    def number(self) -> bool:
        return any(v is not None for v in (self.minimum, self.maximum, self.exclusive_minimum,
                                           self.exclusive_maximum, self.multiple_of))

    @property
    def string(self) -> bool:
        return self.min_length is not None or self.max_length is not None or self.pattern is not None

    @property
    def array(self) -> bool:
        return self.min_items is not None or self.max_items is not None or self.unique_items

    @property
    def object(self) -> bool:
        return self.min_properties is not None or self.max_properties is not None

    @property
    def values(self) -> bool:
        return self.enum is not None or self.has_const


NO_FACETS = Facets()


# --- type expressions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Prim:
    kind: Literal["str", "int", "float", "bool", "any", "uuid", "datetime"]
    facets: Facets = NO_FACETS

    @property
    def minimum(self) -> int | None:
        """The inclusive lower bound of an integer (what the narrowest integer type is chosen by)."""
        return _integer_bound(self.facets.minimum, self.facets.exclusive_minimum, +1)

    @property
    def maximum(self) -> int | None:
        return _integer_bound(self.facets.maximum, self.facets.exclusive_maximum, -1)

    def narrowest(self, widths: Sequence[tuple[T, int, int]], *, unbounded: tuple[int, int] | None = None) -> T | None:
        """The first of a language's integer types `widths` ((spelling, smallest, largest), narrowest
        first) that holds this integer's whole range. None when none does, or when a bound is missing
        and `unbounded` (the range a missing bound stands for) is not given."""
        low, high = self.minimum, self.maximum
        if unbounded is not None:
            low = unbounded[0] if low is None else low
            high = unbounded[1] if high is None else high
        if low is None or high is None:
            return None
        return next((spelling for spelling, smallest, largest in widths if smallest <= low and high <= largest), None)

    @property
    def enum(self) -> tuple[str, ...]:
        """The allowed strings of a string-valued enum (or const); () when any string goes."""
        values = (self.facets.const,) if self.facets.has_const else self.facets.enum or ()
        return tuple(v for v in values if isinstance(v, str)) if self.kind == "str" else ()


def _integer_bound(inclusive: Number | None, exclusive: Number | None, step: int) -> int | None:
    candidates = []
    if inclusive is not None:
        candidates.append(math.ceil(inclusive) if step > 0 else math.floor(inclusive))
    if exclusive is not None:
        edge = math.floor(exclusive) + 1 if step > 0 else math.ceil(exclusive) - 1
        candidates.append(edge)
    if not candidates:
        return None
    return max(candidates) if step > 0 else min(candidates)


@dataclass(frozen=True)
class Ref:
    area: str
    name: str  # the catalogue title


@dataclass(frozen=True)
class ListOf:
    item: TypeExpr
    facets: Facets = NO_FACETS  # minItems, maxItems, uniqueItems


@dataclass(frozen=True)
class MapOf:
    value: TypeExpr
    facets: Facets = NO_FACETS  # minProperties, maxProperties


@dataclass(frozen=True)
class Nullable:
    inner: TypeExpr


TypeExpr = Prim | Ref | ListOf | MapOf | Nullable
ANY = Prim("any")


def is_any(expr: TypeExpr) -> bool:
    """An unconstrained `any` value (an `any` with facets still asserts something)."""
    return expr == ANY


# --- members and type definitions -------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    wire: str
    py: str
    type: TypeExpr  # without the nullability, see `nullable`
    required: bool
    nullable: bool
    default: JSON  # MISSING when serde has no default
    description: str
    # An optional member without a value: left out ("omit", serde's skip_serializing_if) or written as
    # null ("null"), as the producers do (schemas/producer-output/<version>.json). Only an optional
    # member that may be null can be "null"; the others are always "omit".
    when_none: Literal["omit", "null"] = "omit"

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(frozen=True)
class EnumMember:
    wire: str
    py: str


@dataclass(frozen=True)
class Source:
    path: str  # relative to the schemas root, posix
    sha256: str


@dataclass(frozen=True)
class TypeBase:
    name: str  # catalogue title (wire/docs name)
    py: str  # Python class name
    area: str
    description: str
    examples: tuple[JSON, ...]
    source: Source
    synthetic: bool  # True for helper types (inline union variants) that are not catalogue types


@dataclass(frozen=True)
class ObjectType(TypeBase):
    fields: tuple[Field, ...]
    closed: bool
    extra: TypeExpr | None  # value type of undeclared members of an open object
    extra_py: str
    flattened: tuple[Ref, ...]  # types whose members are merged into this one
    facets: Facets = NO_FACETS  # minProperties, maxProperties of the whole object


@dataclass(frozen=True)
class EnumType(TypeBase):
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class DataVariant:
    key: str  # the single member name on the wire
    py: str
    type: TypeExpr
    description: str


@dataclass(frozen=True)
class DataEnumType(TypeBase):
    unit_py: str  # class name of the unit-variant Enum
    units: tuple[EnumMember, ...]
    variants: tuple[DataVariant, ...]


@dataclass(frozen=True)
class UnionVariant:
    tag: str
    type: TypeExpr  # Ref to the leaf type, or MapOf(ANY) for a variant whose content is a map
    description: str


@dataclass(frozen=True)
class TaggedUnion(TypeBase):
    style: Literal["internal", "adjacent"]
    tag: str
    content: str | None  # adjacent only
    variants: tuple[UnionVariant, ...]


@dataclass(frozen=True)
class UntaggedUnion(TypeBase):
    variants: tuple[TypeExpr, ...]
    variant_descriptions: tuple[str, ...]


@dataclass(frozen=True)
class NewType(TypeBase):
    inner: TypeExpr


TypeDef = ObjectType | EnumType | DataEnumType | TaggedUnion | UntaggedUnion | NewType


@dataclass(frozen=True)
class Area:
    name: str
    types: tuple[TypeDef, ...]  # catalogue types sorted by name, then synthetic helpers
    imports: tuple[str, ...]  # other areas whose types this area uses

    def get(self, name: str) -> TypeDef:
        for typedef in self.types:
            if typedef.name == name:
                return typedef
        raise KeyError(name)


@dataclass(frozen=True)
class Version:
    version: str
    module: str  # v1_0_0
    areas: tuple[Area, ...]
    sources: tuple[Source, ...]
    digest: str = ""  # SchemaSet.digest of the folder it was built from (the native validator checks it)

    def area(self, name: str) -> Area:
        for area in self.areas:
            if area.name == name:
                return area
        raise KeyError(name)

    def lookup(self, ref: Ref) -> TypeDef:
        return self.area(ref.area).get(ref.name)

    def type_names(self, name: Callable[[TypeDef, set[str]], str]) -> dict[tuple[str, str], str]:
        """{(area, title): name} for every type; `name` spells one type given the names its area (one
        module, package or namespace per area in every language) has taken so far, and records its own."""
        found: dict[tuple[str, str], str] = {}
        for area in self.areas:
            taken: set[str] = set()
            for typedef in area.types:
                found[(area.name, typedef.name)] = name(typedef, taken)
        return found

    def area_sources(self, name: str) -> list[Source]:
        """The schema files one area's output is made from (its types' files and common.json), by path:
        what the header digest of a per-area generated file covers."""
        mine = {t.source for t in self.area(name).types}
        mine |= {s for s in self.sources if s.path.endswith("/common.json")}
        return sorted(mine, key=lambda s: s.path)


def module_name(version: str) -> str:
    return "v" + version.replace(".", "_").replace("-", "_")


def refs_in(expr: TypeExpr) -> list[Ref]:
    match expr:
        case Ref():
            return [expr]
        case ListOf(item=inner) | MapOf(value=inner) | Nullable(inner=inner):
            return refs_in(inner)
        case Prim():
            return []
        case _:
            assert_never(expr)


def type_refs(typedef: TypeDef) -> list[Ref]:
    """Every type a definition mentions (for imports and docs links)."""
    match typedef:
        case ObjectType():
            found = [r for f in typedef.fields for r in refs_in(f.type)]
            return found + (refs_in(typedef.extra) if typedef.extra else [])
        case DataEnumType():
            return [r for v in typedef.variants for r in refs_in(v.type)]
        case TaggedUnion():
            return [r for v in typedef.variants for r in refs_in(v.type)]
        case UntaggedUnion():
            return [r for v in typedef.variants for r in refs_in(v)]
        case NewType():
            return refs_in(typedef.inner)
        case EnumType():
            return []
        case _:
            assert_never(typedef)
