"""The typed, read-only intermediate model between the schema view and every emitter.

Frozen dataclasses: type expressions (`Prim`, `Ref`, `ListOf`, `MapOf`, `Nullable`) and type
definitions (objects, enums, data-carrying enums, tagged and untagged unions, newtypes) per area
and version. `build.build_version` fills them from the schema view; emitters never see JSON Schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, assert_never

from ...errors import HubError

JSON = Any
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


class GeneratorError(HubError):
    """A schema construct the generator cannot map (named with file and pointer)."""


# --- type expressions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Prim:
    kind: Literal["str", "int", "float", "bool", "any", "uuid", "datetime"]
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ref:
    area: str
    name: str  # the catalogue title


@dataclass(frozen=True)
class ListOf:
    item: TypeExpr


@dataclass(frozen=True)
class MapOf:
    value: TypeExpr


@dataclass(frozen=True)
class Nullable:
    inner: TypeExpr


TypeExpr = Prim | Ref | ListOf | MapOf | Nullable
ANY = Prim("any")


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
