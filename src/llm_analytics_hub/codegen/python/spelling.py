"""How the Python outputs spell IR type expressions: one exhaustive dispatch per spelling.

`annotation` is the dataclass side (real Python types), `wire_annotation` the TypedDict side (the
JSON exactly), `kind` the runtime's wire description. Adding a node kind to the IR makes mypy name
every function here that must learn it (`assert_never`).
"""

from __future__ import annotations

from typing import assert_never

from ..ir import (
    Area,
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

PRIMITIVE_ANNOTATIONS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "Any",
                         "uuid": "UUID", "datetime": "datetime"}
PRIMITIVE_WIRE = {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "Any", "uuid": "str",
                  "datetime": "str"}
PRIMITIVE_KINDS = {"str": "_rt.STR", "float": "_rt.NUMBER", "bool": "_rt.BOOL", "any": "_rt.ANY",
                   "uuid": "_rt.UUID", "datetime": "_rt.DATETIME"}


def literal_type(values: tuple[str, ...] | list[str]) -> str:
    return "Literal[" + ", ".join(repr(v) for v in values) + "]"


class Spelling:
    """Python spelling of type expressions from inside one area module."""

    def __init__(self, version: Version, area: Area) -> None:
        self.version = version
        self.area = area

    def target(self, ref: Ref) -> TypeDef:
        return self.version.lookup(ref)

    def name(self, ref: Ref) -> str:
        py = self.target(ref).py
        return py if ref.area == self.area.name else f"_{ref.area}.{py}"

    def annotation(self, expr: TypeExpr) -> str:
        match expr:
            case Prim(kind=kind):
                return PRIMITIVE_ANNOTATIONS[kind]
            case Ref():
                return self.name(expr)
            case ListOf(item=item):
                return f"list[{self.annotation(item)}]"
            case MapOf(value=value):
                return f"dict[str, {self.annotation(value)}]"
            case Nullable(inner=inner):
                return f"{self.annotation(inner)} | None"
            case _:
                assert_never(expr)

    def wire_annotation(self, expr: TypeExpr) -> str:
        match expr:
            case Prim(kind="str", enum=enum) if enum:
                return literal_type(enum)
            case Prim(kind=kind):
                return PRIMITIVE_WIRE[kind]
            case Ref():
                return self.name(expr)
            case ListOf(item=item):
                return f"list[{self.wire_annotation(item)}]"
            case MapOf(value=value):
                return f"dict[str, {self.wire_annotation(value)}]"
            case Nullable(inner=inner):
                return f"{self.wire_annotation(inner)} | None"
            case _:
                assert_never(expr)

    def kind(self, expr: TypeExpr) -> str:
        """The runtime description (`llm_analytics_hub.runtime.kinds`) of a value of `expr`."""
        match expr:
            case Prim(kind="int", minimum=minimum, maximum=maximum):
                return f"_rt.Integer({minimum!r}, {maximum!r})"
            case Prim(kind=kind):
                return PRIMITIVE_KINDS[kind]
            case Ref():
                return self.ref_kind(expr)
            case ListOf(item=item):
                return f"_rt.ListOf({self.kind(item)})"
            case MapOf(value=value):
                return f"_rt.MapOf({self.kind(value)})"
            case Nullable(inner=inner):
                return f"_rt.Nullable({self.kind(inner)})"
            case _:
                assert_never(expr)

    def ref_kind(self, ref: Ref) -> str:
        typedef = self.target(ref)
        match typedef:
            case ObjectType() | DataEnumType():
                return f"_rt.ModelOf({self.name(ref)})"
            case EnumType():
                return f"_rt.EnumOf({self.name(ref)})"
            case TaggedUnion() | UntaggedUnion():
                return f"_rt.UnionOf({self.name(ref)})"
            case NewType(inner=inner):
                return self.kind(inner)
            case _:
                assert_never(typedef)
