"""Java spelling of IR type expressions and definitions: one exhaustive dispatch per kind.

Decisions (see the package README for users):
- integers take the narrowest exact type of their schema range: int (within i32), long (within i64),
  BigInteger beyond (u64); an integer without bounds is a BigInteger;
- number -> double; uuid -> java.util.UUID; date-time -> Timestamp, which keeps the text as written
  (RFC 3339 offsets and fraction digits survive a round trip; toInstant()/toOffsetDateTime() convert);
- any JSON -> JsonNode; list -> List; map -> Map<String, V>;
- a required, non-nullable member of a primitive type is a Java primitive; otherwise boxed.
  Absent and null differ only for a member that is both optional and nullable: Optional<T>, where
  a Java null is "absent" and Optional.empty() is JSON null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from ..ir import (
    I64,
    DataEnumType,
    EnumType,
    ListOf,
    MapOf,
    NewType,
    Nullable,
    ObjectType,
    Prim,
    Ref,
    TaggedUnion,
    TypeDef,
    TypeExpr,
    UntaggedUnion,
    Version,
)
from .text import unique

BASE_PACKAGE = "io.llmanalyticshub.schemas"
# (boxed spelling, primitive spelling) of the integer types, narrowest first, with their ranges
INTEGERS: tuple[tuple[tuple[str, str | None], int, int], ...] = (
    (("Integer", "int"), -(2**31), 2**31 - 1),
    (("Long", "long"), *I64),
)

# Prim kind -> (boxed spelling, primitive spelling or None)
PRIMS: dict[str, tuple[str, str | None]] = {
    "str": ("String", None),
    "float": ("Double", "double"),
    "bool": ("Boolean", "boolean"),
    "any": ("JsonNode", None),
    "uuid": ("UUID", None),
    "datetime": ("Timestamp", None),
}


def package(version: Version, area: str) -> str:
    return f"{BASE_PACKAGE}.{version.module}.{area}"


@dataclass(frozen=True)
class Names:
    """Java class names of one version's types, unique per area and never shadowing a used name."""

    version: Version
    classes: dict[tuple[str, str], str]

    @classmethod
    def of(cls, version: Version) -> Names:
        return cls(version, version.type_names(lambda typedef, taken: unique(typedef.py, taken)))

    def cls(self, typedef: TypeDef) -> str:
        return self.classes[(typedef.area, typedef.name)]

    def ref(self, ref: Ref, here: str) -> str:
        name = self.classes[(ref.area, ref.name)]
        return name if ref.area == here else f"{package(self.version, ref.area)}.{name}"


def integer(prim: Prim) -> tuple[str, str | None]:
    return prim.narrowest(INTEGERS) or ("BigInteger", None)


def java_type(expr: TypeExpr, names: Names, here: str, *, primitive: bool = False) -> str:
    """The Java type of `expr`; `primitive` allows a primitive where one exists."""
    match expr:
        case Prim():
            boxed, prim = integer(expr) if expr.kind == "int" else PRIMS[expr.kind]
            return prim if primitive and prim is not None else boxed
        case Ref():
            return names.ref(expr, here)
        case ListOf():
            return f"List<{java_type(expr.item, names, here)}>"
        case MapOf():
            return f"Map<String, {java_type(expr.value, names, here)}>"
        case Nullable():
            return java_type(expr.inner, names, here)
        case _:
            assert_never(expr)


def type_literal(java: str) -> str:
    """A TypeReference expression for a (possibly generic) Java type."""
    return f"new TypeReference<{java}>() {{ }}"


def kind(typedef: TypeDef) -> str:
    """The template of a definition."""
    match typedef:
        case ObjectType():
            return "record"
        case EnumType():
            return "enum"
        case DataEnumType():
            return "data_enum"
        case TaggedUnion():
            return "tagged"
        case UntaggedUnion():
            return "untagged"
        case NewType():
            return "newtype"
        case _:
            assert_never(typedef)

