"""Go spelling of IR type expressions: one exhaustive dispatch, primitives from tables.

Integers get the smallest Go type holding the schema's whole range (uint64 for u64), an integer
without bounds keeps its exact text (json.Number). Date-times and UUIDs keep their wire text
(validation.DateTime / validation.UUID): a document is written back exactly as read, and the
schema check, not a parser's leniency, decides what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import assert_never

from ..ir import GeneratorError, ListOf, MapOf, Nullable, Prim, Ref, TypeExpr, Version

PRIMITIVES = {
    "str": "string",
    "float": "float64",
    "bool": "bool",
    "any": "any",
    "uuid": "validation.UUID",
    "datetime": "validation.DateTime",
}
# (Go type, smallest value, largest value), narrowest first.
INTEGERS = (
    ("uint8", 0, 2**8 - 1),
    ("int8", -(2**7), 2**7 - 1),
    ("uint16", 0, 2**16 - 1),
    ("int16", -(2**15), 2**15 - 1),
    ("uint32", 0, 2**32 - 1),
    ("int32", -(2**31), 2**31 - 1),
    ("uint64", 0, 2**64 - 1),
    ("int64", -(2**63), 2**63 - 1),
)
UNBOUNDED_INTEGER = "json.Number"


def integer_type(prim: Prim) -> str:
    return prim.narrowest(INTEGERS) or UNBOUNDED_INTEGER


@dataclass
class Spelling:
    """Spells expressions from inside one area package; records the imports they need."""

    version: Version
    area: str
    names: dict[tuple[str, str], str]  # (area, catalogue name) -> Go type name
    imports: set[str] = field(default_factory=set)

    def ref(self, ref: Ref) -> str:
        self.version.lookup(ref)  # raises for a dangling reference
        name = self.names[(ref.area, ref.name)]
        if ref.area == self.area:
            return name
        self.imports.add(ref.area)
        return f"{ref.area}.{name}"

    def expr(self, expr: TypeExpr) -> str:
        match expr:
            case Prim():
                return self.prim(expr)
            case Ref():
                return self.ref(expr)
            case ListOf():
                return "[]" + self.expr(expr.item)
            case MapOf():
                return "map[string]" + self.expr(expr.value)
            case Nullable():
                return "*" + self.expr(expr.inner)
            case _:
                assert_never(expr)

    def prim(self, prim: Prim) -> str:
        if prim.kind == "int":
            go = integer_type(prim)
        elif prim.kind in PRIMITIVES:
            go = PRIMITIVES[prim.kind]
        else:
            raise GeneratorError(f"no Go spelling for primitive {prim.kind!r}")
        if go.startswith("validation."):
            self.imports.add("validation")
        if go.startswith("json."):
            self.imports.add("json")
        return go
