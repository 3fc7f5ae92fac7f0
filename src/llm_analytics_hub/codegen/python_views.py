"""Template views for the Python outputs: every schema-derived string becomes a Python literal
(`repr`) or a sanitised identifier here, so templates only place ready-made, inert pieces."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .ir import (
    ANY,
    Area,
    DataEnumType,
    EnumType,
    Field,
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
from .names import identifier


def literal(value: Any) -> str:
    """A Python literal that evaluates to `value` (JSON data only)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("non-finite number in schema data")
    return repr(value)


def comment(text: str) -> str:
    """Text that is safe inside a single `#` comment line."""
    return text.encode("unicode_escape").decode("ascii")


class Namer:
    """Python spelling of type references from inside one area module."""

    def __init__(self, version: Version, area: Area) -> None:
        self.version = version
        self.area = area

    def name(self, ref: Ref) -> str:
        py = self.version.lookup(ref).py
        return py if ref.area == self.area.name else f"_{ref.area}.{py}"

    # dataclass side

    def annotation(self, expr: TypeExpr) -> str:
        if isinstance(expr, Ref):
            return self.name(expr)
        if isinstance(expr, ListOf):
            return f"list[{self.annotation(expr.item)}]"
        if isinstance(expr, MapOf):
            return f"dict[str, {self.annotation(expr.value)}]"
        if isinstance(expr, Nullable):
            return f"{self.annotation(expr.inner)} | None"
        return {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "Any", "uuid": "UUID",
                "datetime": "datetime"}[expr.kind]

    def loader(self, expr: TypeExpr) -> str:
        if isinstance(expr, Ref):
            return f"{self.name(expr)}.from_dict"
        if isinstance(expr, ListOf):
            return f"_rt.list_of({self.loader(expr.item)})"
        if isinstance(expr, MapOf):
            return f"_rt.map_of({self.loader(expr.value)})"
        if isinstance(expr, Nullable):
            return f"_rt.nullable({self.loader(expr.inner)})"
        if expr.kind == "int" and (expr.minimum is not None or expr.maximum is not None):
            return f"_rt.int_in({expr.minimum!r}, {expr.maximum!r})"
        return f"_rt.load_{expr.kind}"

    def dumper(self, expr: TypeExpr) -> str:
        if isinstance(expr, Ref):
            return "_rt.dump_model"
        if isinstance(expr, ListOf):
            return f"_rt.dump_list({self.dumper(expr.item)})"
        if isinstance(expr, MapOf):
            return f"_rt.dump_map({self.dumper(expr.value)})"
        if isinstance(expr, Nullable):
            return f"_rt.dump_nullable({self.dumper(expr.inner)})"
        if expr.kind in ("uuid", "datetime"):
            return f"_rt.dump_{expr.kind}"
        return "_rt.dump_plain"

    def kind(self, expr: TypeExpr) -> str:
        """Runtime class used to tell tagged-union variants apart."""
        if isinstance(expr, Ref):
            return self.name(expr)
        if isinstance(expr, MapOf):
            return "dict"
        if isinstance(expr, ListOf):
            return "list"
        raise ValueError(f"no runtime class for {expr}")

    # TypedDict side

    def wire_annotation(self, expr: TypeExpr) -> str:
        if isinstance(expr, Ref):
            return self.name(expr)
        if isinstance(expr, ListOf):
            return f"list[{self.wire_annotation(expr.item)}]"
        if isinstance(expr, MapOf):
            return f"dict[str, {self.wire_annotation(expr.value)}]"
        if isinstance(expr, Nullable):
            return f"{self.wire_annotation(expr.inner)} | None"
        if expr.kind == "str" and expr.enum:
            return "Literal[" + ", ".join(repr(v) for v in expr.enum) + "]"
        return {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "Any", "uuid": "str",
                "datetime": "str"}[expr.kind]


@dataclass(frozen=True)
class FieldView:
    py: str
    wire_literal: str
    annotation: str
    default_code: str  # "" when the attribute has no default
    spec_code: str
    wire_annotation: str  # TypedDict value annotation, NotRequired[...] applied
    doc_literal: str

    @property
    def wire_annotation_literal(self) -> str:
        return literal(self.wire_annotation)


def _default_code(field: Field, namer: Namer) -> str:
    if field.has_default:
        value = field.default
        scalar = value is None or isinstance(value, str | int | float | bool)
        if scalar and isinstance(field.type, Prim) and field.type.kind in ("str", "int", "float", "bool", "any"):
            return literal(value)
        if value == {}:
            return "field(default_factory=dict)"
        if value == []:
            return "field(default_factory=list)"
        return f"field(default_factory=lambda: {namer.loader(field.type)}({literal(value)}, \"\"))"
    if not field.required:
        return "None"
    return ""


def td_field(wire: str, annotation: str, taken: set[str]) -> FieldView:
    """A TypedDict item that is not an object member of the IR (a tag, a content, a data variant)."""
    py = identifier(wire, fallback="member", taken=taken)
    taken.add(py)
    return FieldView(py, literal(wire), "", "", "", annotation, "''")


def field_view(field: Field, namer: Namer) -> FieldView:
    annotation = namer.annotation(field.type)
    optional_attr = field.nullable or (not field.required and not field.has_default)
    if optional_attr:
        annotation += " | None"
    wire = namer.wire_annotation(field.type)
    if field.nullable:
        wire += " | None"
    if not field.required:
        wire = f"NotRequired[{wire}]"
    default_arg = "" if not field.has_default else f", default={literal(field.default)}"
    spec = (f"_rt.FieldSpec({literal(field.wire)}, {literal(field.py)}, {namer.loader(field.type)}, "
            f"{namer.dumper(field.type)}, required={field.required!r}{default_arg})")
    return FieldView(field.py, literal(field.wire), annotation, _default_code(field, namer), spec, wire,
                     literal(field.description))


@dataclass(frozen=True)
class TypeView:
    kind: str
    py: str
    name_literal: str
    doc_literal: str
    data: dict[str, Any]


def type_view(typedef: TypeDef, namer: Namer) -> TypeView:
    base = {"kind": "", "py": typedef.py, "name_literal": literal(typedef.name),
            "doc_literal": literal(typedef.description or typedef.name)}
    data: dict[str, Any]
    if isinstance(typedef, ObjectType):
        fields = [field_view(f, namer) for f in typedef.fields]
        # attributes without a default first is not needed: the dataclasses are keyword-only
        data = {
            "fields": fields,
            "closed": typedef.closed,
            "extra_py": typedef.extra_py,
            "extra_annotation": namer.annotation(typedef.extra) if typedef.extra else "",
            "extra_wire": namer.wire_annotation(typedef.extra) if typedef.extra else "",
            "extra_spec": (f"_rt.ExtraSpec({literal(typedef.extra_py)}, {namer.loader(typedef.extra)}, "
                           f"{namer.dumper(typedef.extra)})") if typedef.extra else "None",
            "identifier_keys": all(f.py == f.wire for f in typedef.fields),
        }
        return TypeView("object", **{k: v for k, v in base.items() if k != "kind"}, data=data)
    if isinstance(typedef, EnumType):
        data = {"members": [(m.py, literal(m.wire)) for m in typedef.members],
                "wire_literals_alias": _literal_type(m.wire for m in typedef.members)}
        return TypeView("enum", **{k: v for k, v in base.items() if k != "kind"}, data=data)
    if isinstance(typedef, DataEnumType):
        data_variants: list[dict[str, Any]] = [
                    {"py": v.py, "key_literal": literal(v.key), "annotation": namer.annotation(v.type),
                     "wire_annotation": namer.wire_annotation(v.type), "doc_literal": literal(v.description),
                     "spec": (f"_rt.DataVariantSpec({literal(v.key)}, {literal(v.py)}, {namer.loader(v.type)}, "
                              f"{namer.dumper(v.type)})"),
                     "td_name": f"{typedef.py}_{v.py}", "identifier_key": v.py == v.key,
                     "td_field": td_field(v.key, namer.wire_annotation(v.type), set())}
                    for v in typedef.variants]
        data = {"unit_py": typedef.unit_py, "units": [(m.py, literal(m.wire)) for m in typedef.units],
                "variants": data_variants,
                "td_alias": literal(" | ".join([_literal_type(m.wire for m in typedef.units),
                                                *(v["td_name"] for v in data_variants)]))}
        return TypeView("data_enum", **{k: v for k, v in base.items() if k != "kind"}, data=data)
    if isinstance(typedef, TaggedUnion):
        variants: list[dict[str, Any]] = []
        for v in typedef.variants:
            taken: set[str] = set()
            td_fields = [td_field(typedef.tag, f"Literal[{literal(v.tag)}]", taken)]
            closed = True
            if typedef.content is not None:
                td_fields.append(td_field(typedef.content, namer.wire_annotation(v.type), taken))
            elif isinstance(v.type, Ref) and isinstance(leaf := namer.version.lookup(v.type), ObjectType):
                # the leaf's members beside the tag, spelled from this module
                for leaf_field in leaf.fields:
                    td_fields.append(td_field(leaf_field.wire, field_view(leaf_field, namer).wire_annotation, taken))
                closed = leaf.closed
            else:
                closed = False  # a variant whose content is a map: the other members are the map
            variants.append({
                "td_fields": td_fields,
                "annotation": namer.annotation(v.type),
                "spec": (f"_rt.VariantSpec({literal(v.tag)}, {namer.loader(v.type)}, {namer.dumper(v.type)}, "
                         f"{namer.kind(v.type)})"),
                "td_name": f"{typedef.py}_{identifier(v.tag, fallback='variant')}",
                "closed": closed,
                "identifier_keys": all(f.py == _unliteral(f.wire_literal) for f in td_fields),
            })
        data = {"style": typedef.style, "tag_literal": literal(typedef.tag),
                "content_literal": literal(typedef.content) if typedef.content else "None",
                "variants": variants,
                "value_annotation": " | ".join(v["annotation"] for v in variants),
                "td_alias": literal(" | ".join(v["td_name"] for v in variants))}
        return TypeView("tagged", **{k: v for k, v in base.items() if k != "kind"}, data=data)
    if isinstance(typedef, UntaggedUnion):
        data = {"annotation": " | ".join(dict.fromkeys(namer.annotation(v) for v in typedef.variants)),
                "td_alias": literal(" | ".join(dict.fromkeys(namer.wire_annotation(v) for v in typedef.variants))),
                "loaders": ", ".join(namer.loader(v) for v in typedef.variants)}
        return TypeView("untagged", **{k: v for k, v in base.items() if k != "kind"}, data=data)
    if isinstance(typedef, NewType):
        data = {"annotation": namer.annotation(typedef.inner), "loader": namer.loader(typedef.inner),
                "dumper": namer.dumper(typedef.inner), "td_alias": literal(namer.wire_annotation(typedef.inner))}
        return TypeView("newtype", **{k: v for k, v in base.items() if k != "kind"}, data=data)
    raise TypeError(typedef)


def _unliteral(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def _literal_type(values: Iterable[str]) -> str:
    return "Literal[" + ", ".join(literal(v) for v in values) + "]"


def uses(version: Version, area: Area) -> dict[str, bool]:
    """Which standard names an area module needs to import (so the generated code has no unused imports)."""
    found = {"datetime": False, "UUID": False, "Any": True, "Enum": False, "field": False}

    def walk(expr: TypeExpr) -> None:
        if isinstance(expr, Prim):
            found["datetime"] |= expr.kind == "datetime"
            found["UUID"] |= expr.kind == "uuid"
        elif isinstance(expr, ListOf):
            walk(expr.item)
        elif isinstance(expr, MapOf):
            walk(expr.value)
        elif isinstance(expr, Nullable):
            walk(expr.inner)

    for typedef in area.types:
        if isinstance(typedef, EnumType | DataEnumType):
            found["Enum"] = True
        if isinstance(typedef, ObjectType):
            for f in typedef.fields:
                walk(f.type)
            found["field"] = True  # the private wire-memory attributes use field()
            if typedef.extra:
                walk(typedef.extra)
        elif isinstance(typedef, DataEnumType):
            for data_variant in typedef.variants:
                walk(data_variant.type)
        elif isinstance(typedef, UntaggedUnion):
            for expr in typedef.variants:
                walk(expr)
        elif isinstance(typedef, NewType):
            walk(typedef.inner)
        elif isinstance(typedef, TaggedUnion):
            for v in typedef.variants:
                walk(v.type)
    return found


__all__ = ["ANY", "FieldView", "Namer", "TypeView", "comment", "literal", "type_view", "uses"]
