"""The one type-spelling dispatch of the Rust emitter: every IR type expression becomes a Rust type
(`annotation`) and a validation closure (`checker`) through an exhaustive `match`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from ..ir import GeneratorError, ListOf, MapOf, Nullable, Prim, Ref, TypeExpr, Version
from . import names
from .facets import BOUNDS, Facets

# Integer ranges of the producers' fixed-width types, narrowest first.
INTEGERS = (("u8", 0, 2**8 - 1), ("u16", 0, 2**16 - 1), ("u32", 0, 2**32 - 1), ("i64", -(2**63), 2**63 - 1),
            ("u64", 0, 2**64 - 1))
PRIMITIVES = {"str": "String", "float": "f64", "bool": "bool", "any": "Value", "uuid": "Uuid",
              "datetime": "Timestamp"}
CLOSURE = "|v: &Json, w: &mut Walk|"


def integer_type(prim: Prim) -> str:
    low = prim.minimum if prim.minimum is not None else -(2**63)
    high = prim.maximum if prim.maximum is not None else 2**63 - 1
    for name, minimum, maximum in INTEGERS:
        if minimum <= low and high <= maximum:
            return name
    raise GeneratorError(f"no Rust integer type holds {low}..={high}")


def _bound(value: int | None) -> str:
    if value is not None and not -(2**127) <= value < 2**127:
        raise GeneratorError(f"integer bound {value} is beyond i128")
    return "None" if value is None else f"Some({value})"


@dataclass
class Spelling:
    """Rust spelling of type expressions from inside one area module (`names` maps each Ref)."""

    version: Version
    area: str
    type_names: dict[tuple[str, str, str], str]  # (version, area, title) -> Rust type name

    def ref(self, ref: Ref) -> str:
        name = self.type_names[(self.version.version, ref.area, ref.name)]
        return name if ref.area == self.area else f"super::{ref.area}::{name}"

    def annotation(self, expr: TypeExpr) -> str:
        match expr:
            case Prim():
                return integer_type(expr) if expr.kind == "int" else PRIMITIVES[expr.kind]
            case Ref():
                return self.ref(expr)
            case ListOf():
                return f"Vec<{self.annotation(expr.item)}>"
            case MapOf():
                return f"BTreeMap<String, {self.annotation(expr.value)}>"
            case Nullable():
                return f"Option<{self.annotation(expr.inner)}>"
            case _:
                assert_never(expr)

    def checker(self, expr: TypeExpr, facets: Facets | None = None) -> str:
        """A Rust expression usable as `Fn(&Json, &mut Walk)` that validates one value of `expr`."""
        match expr:
            case Prim():
                return self.prim_checker(expr, facets)
            case Ref():
                return f"{self.ref(expr)}::check"
            case ListOf():
                item = self.checker(expr.item, facets.items if facets else None)
                return f"{CLOSURE} rt::check_list(v, w, {item})"
            case MapOf():
                return f"{CLOSURE} rt::check_map(v, w, {self.checker(expr.value)})"
            case Nullable():
                return f"{CLOSURE} rt::check_nullable(v, w, {self.checker(expr.inner, facets)})"
            case _:
                assert_never(expr)

    @staticmethod
    def prim_checker(prim: Prim, facets: Facets | None) -> str:
        if prim.enum:
            values = ", ".join(names.string(v) for v in prim.enum)
            return f"{CLOSURE} rt::check_enum(v, w, &[{values}])"
        if prim.kind == "str" and facets and facets.constrained:
            pattern = "None"
            if facets.pattern is not None:
                pattern = (f"Some(PATTERNS[{facets.pattern_index}].get_or_init(|| "
                           f"regex::Regex::new({names.string(facets.pattern)}).expect(\"schema pattern\")))")
            return (f"{CLOSURE} rt::check_text(v, w, {_opt(facets.min_length)}, {_opt(facets.max_length)}, "
                    f"{pattern})")
        match prim.kind:
            case "str":
                return f"{CLOSURE} {{ rt::check_str(v, w); }}"
            case "int":
                return f"{CLOSURE} rt::check_int(v, w, {_bound(prim.minimum)}, {_bound(prim.maximum)})"
            case "float" if facets and facets.bounds:
                limits = ", ".join(f"Some({facets.bounds[k]!r}_f64)" if k in facets.bounds else "None"
                                   for k in BOUNDS)
                return f"{CLOSURE} rt::check_number_range(v, w, [{limits}])"
            case "float":
                return "rt::check_number"
            case "bool":
                return "rt::check_bool"
            case "any":
                return f"{CLOSURE} {{ let _ = (v, w); }}"
            case "uuid":
                return "rt::check_uuid"
            case "datetime":
                return "rt::check_date_time"
            case _:
                raise GeneratorError(f"no Rust check for primitive {prim.kind!r}")


def _opt(value: int | None) -> str:
    return "None" if value is None else f"Some({value})"
