"""The one type-spelling dispatch of the Rust emitter: every IR type expression becomes a Rust type
(`annotation`) and a validation closure (`checker`) through an exhaustive `match`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import assert_never

from ...schema_view.vocabulary import FORMAT_PATTERNS
from ..ir import I64, Facets, GeneratorError, ListOf, MapOf, Nullable, Prim, Ref, TypeExpr, Version
from . import names

# Integer ranges of the producers' fixed-width types, narrowest first.
INTEGERS = (("u8", 0, 2**8 - 1), ("u16", 0, 2**16 - 1), ("u32", 0, 2**32 - 1), ("i64", *I64), ("u64", 0, 2**64 - 1))
PRIMITIVES = {"str": "String", "float": "f64", "bool": "bool", "any": "Value", "uuid": "Uuid",
              "datetime": "Timestamp"}
CLOSURE = "|v: &Json, w: &mut Walk|"


def integer_type(prim: Prim) -> str:
    """The narrowest Rust integer of the schema range; a missing bound is i64's."""
    found = prim.narrowest(INTEGERS, unbounded=I64)
    if found is None:
        raise GeneratorError(f"no Rust integer type holds minimum {prim.minimum}, maximum {prim.maximum}")
    return found


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
    patterns: list[str] = field(default_factory=list)  # this area module's PATTERNS, in order

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

    def checker(self, expr: TypeExpr) -> str:
        """A Rust expression usable as `Fn(&Json, &mut Walk)` that validates one value of `expr`."""
        match expr:
            case Prim():
                return self.prim_checker(expr)
            case Ref():
                return f"{self.ref(expr)}::check"
            case ListOf():
                item = self.checker(expr.item)
                facets = expr.facets
                if not facets.array:
                    return f"{CLOSURE} rt::check_list(v, w, {item})"
                return (f"{CLOSURE} {{ rt::check_list(v, w, {item}); rt::list_facets(v, w, {_opt(facets.min_items)}, "
                        f"{_opt(facets.max_items)}, {str(facets.unique_items).lower()}); }}")
            case MapOf():
                check = f"rt::check_map(v, w, {self.checker(expr.value)})"
                if expr.facets.object:
                    check = f"{{ {check}; {object_facets(expr.facets)}; }}"
                return f"{CLOSURE} {check}"
            case Nullable():
                return f"{CLOSURE} rt::check_nullable(v, w, {self.checker(expr.inner)})"
            case _:
                assert_never(expr)

    def call(self, expr: TypeExpr, value: str) -> str:
        """The check of one value of `expr` as an expression: a function called on (value, w), or a
        closure's body with `v` bound (a closure called where it is written would be clippy's
        `redundant_closure_call`)."""
        check = self.checker(expr)
        if check.startswith(CLOSURE):
            return f"{{ let v = {value}; {check.removeprefix(CLOSURE).strip()} }}"
        return f"{check}({value}, w)"

    def pattern(self, pattern: str | None) -> str:
        """A compiled pattern of this area module (`pattern(i)`, built on first use), or None."""
        if pattern is None:
            return "None"
        if pattern not in self.patterns:
            self.patterns.append(pattern)
        return f"Some(pattern({self.patterns.index(pattern)}))"

    def prim_checker(self, prim: Prim) -> str:
        facets = prim.facets
        implied = FORMAT_PATTERNS.get({"uuid": "uuid", "datetime": "date-time"}.get(prim.kind, ""))
        if facets.pattern is not None and facets.pattern == implied:
            facets = replace(facets, pattern=None)  # rt::check_uuid / check_date_time check this very shape
        if prim.kind == "str" and prim.enum and not facets.has_const and not facets.string:
            values = ", ".join(names.string(v) for v in prim.enum)
            return f"{CLOSURE} rt::check_enum(v, w, &[{values}])"
        if prim.kind == "str" and facets.string and not facets.values:  # type and text facets in one pass
            return (f"{CLOSURE} rt::check_text(v, w, {_opt(facets.min_length)}, {_opt(facets.max_length)}, "
                    f"{self.pattern(facets.pattern)})")
        checks = [] if prim.kind == "any" else [self.type_check(prim)]
        if facets.values:
            checks.append(literals(facets))
        # An integer's inclusive bounds are checked with its type (they chose its width).
        bounds = (None, None, None, None) if prim.kind == "int" else \
            (facets.minimum, facets.maximum, facets.exclusive_minimum, facets.exclusive_maximum)
        if facets.multiple_of is not None or any(b is not None for b in bounds):
            divisor = None if facets.multiple_of is None else int(facets.multiple_of)
            checks.append(f"rt::number_facets(v, w, [{', '.join(map(_num, bounds))}], {_bound(divisor)})")
        if facets.string:
            checks.append(f"rt::text_facets(v, w, {_opt(facets.min_length)}, {_opt(facets.max_length)}, "
                          f"{self.pattern(facets.pattern)})")
        if facets.format is not None:
            checks.append(f"rt::any_format(v, w, {names.string(facets.format)})")
        if facets.array:
            checks.append(f"rt::list_facets(v, w, {_opt(facets.min_items)}, {_opt(facets.max_items)}, "
                          f"{str(facets.unique_items).lower()})")
        if facets.object:
            checks.append(object_facets(facets))
        if not checks:
            return f"{CLOSURE} {{ let _ = (v, w); }}"
        if len(checks) == 1 and "(" not in checks[0]:
            return checks[0]  # a function of (v, w) itself
        if len(checks) == 1 and prim.kind == "int":
            return f"{CLOSURE} {checks[0]}"
        return f"{CLOSURE} {{ {'; '.join(map(_call, checks))}; }}"

    @staticmethod
    def type_check(prim: Prim) -> str:
        """The type's own check: a function of (v, w), or a call."""
        match prim.kind:
            case "str":
                return "rt::check_str(v, w)"
            case "int":
                return f"rt::check_int(v, w, {_bound(prim.minimum)}, {_bound(prim.maximum)})"
            case "float":
                return "rt::check_number"
            case "bool":
                return "rt::check_bool"
            case "uuid":
                return "rt::check_uuid"
            case "datetime":
                return "rt::check_date_time"
            case _:
                raise GeneratorError(f"no Rust check for primitive {prim.kind!r}")


def _call(check: str) -> str:
    """A check as a statement: a bare function name is called on (v, w)."""
    return check if "(" in check else f"{check}(v, w)"


def literals(facets: Facets) -> str:
    values = (facets.const,) if facets.has_const else facets.enum or ()
    keyword = "const" if facets.has_const else "enum"
    return f"rt::check_literals(v, w, &[{', '.join(_lit(v) for v in values)}], {names.string(keyword)})"


def _lit(value: object) -> str:
    if isinstance(value, bool):
        return f"rt::Lit::Bool({str(value).lower()})"
    if isinstance(value, int):
        _bound(value)
        return f"rt::Lit::Int({value})"
    return f"rt::Lit::Str({names.string(str(value))})"


def object_facets(facets: Facets, value: str = "v") -> str:
    return f"rt::object_facets({value}, w, {_opt(facets.min_properties)}, {_opt(facets.max_properties)})"


def _num(value: int | float | None) -> str:
    if value is None:
        return "None"
    if isinstance(value, int):
        _bound(value)
        return f"Some(rt::Num::Int({value}))"
    return f"Some(rt::Num::Float({value!r}_f64))"


def _opt(value: int | None) -> str:
    return "None" if value is None else f"Some({value})"
