"""Template views of the generated TypedDict modules (`llm_analytics_hub.typeddicts.<version>.<area>`):
every schema-derived string becomes a Python literal, docstring or sanitised identifier here, so
the template only places ready-made, inert pieces."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, assert_never

from ..ir import (
    Area,
    DataEnumType,
    EnumType,
    Field,
    NewType,
    ObjectType,
    Ref,
    TaggedUnion,
    TypeDef,
    UnionVariant,
    UntaggedUnion,
)
from ..ir.identifiers import identifier
from .spelling import Spelling, literal_type
from .text import docstring, literal


@dataclass(frozen=True)
class FieldView:
    py: str
    wire_literal: str
    wire_annotation: str  # TypedDict value annotation, NotRequired[...] applied

    @property
    def wire_annotation_literal(self) -> str:
        return literal(self.wire_annotation)


def td_field(wire: str, annotation: str, taken: set[str]) -> FieldView:
    """A TypedDict item that is not an object member of the IR (a tag, a content, a data variant)."""
    py = identifier(wire, fallback="member", taken=taken)
    taken.add(py)
    return FieldView(py, literal(wire), annotation)


def field_view(field: Field, spell: Spelling) -> FieldView:
    wire = spell.wire_annotation(field.type)
    if field.nullable:
        wire += " | None"
    if not field.required:
        wire = f"NotRequired[{wire}]"
    return FieldView(field.py, literal(field.wire), wire)


@dataclass(frozen=True)
class TypeView:
    kind: str
    py: str
    doc: str
    data: dict[str, Any]


def type_view(typedef: TypeDef, spell: Spelling) -> TypeView:
    doc = docstring(typedef.description or typedef.name, 4)
    data: dict[str, Any]
    match typedef:
        case ObjectType():
            fields = [field_view(f, spell) for f in typedef.fields]
            data = {"fields": fields, "closed": typedef.closed,
                    "identifier_keys": all(f.py == f.wire for f in typedef.fields)}
            return TypeView("object", typedef.py, doc, data)
        case EnumType():
            return TypeView("enum", typedef.py, doc, {"alias": literal_type([m.wire for m in typedef.members])})
        case DataEnumType():
            variants = [{"td_name": f"{typedef.py}_{v.py}", "identifier_key": v.py == v.key,
                         "doc": docstring(v.description or f"The {v.key!r} variant of {typedef.name}.", 4),
                         "td_field": td_field(v.key, spell.wire_annotation(v.type), set())}
                        for v in typedef.variants]
            alias = " | ".join([literal_type([m.wire for m in typedef.units]), *(str(v["td_name"]) for v in variants)])
            return TypeView("data_enum", typedef.py, doc, {"variants": variants, "alias": literal(alias)})
        case TaggedUnion():
            tagged = [_variant_view(typedef, v, spell) for v in typedef.variants]
            return TypeView("tagged", typedef.py, doc,
                            {"variants": tagged, "alias": literal(" | ".join(v["td_name"] for v in tagged))})
        case UntaggedUnion():
            alias = " | ".join(dict.fromkeys(spell.wire_annotation(v) for v in typedef.variants))
            return TypeView("alias", typedef.py, doc, {"alias": literal(alias)})
        case NewType():
            return TypeView("alias", typedef.py, doc, {"alias": literal(spell.wire_annotation(typedef.inner))})
        case _:
            assert_never(typedef)


def _variant_view(union: TaggedUnion, variant: UnionVariant, spell: Spelling) -> dict[str, Any]:
    """One TypedDict per variant: the tag as a Literal beside the content or the leaf's members."""
    taken: set[str] = set()
    fields = [td_field(union.tag, f"Literal[{literal(variant.tag)}]", taken)]
    closed = True
    if union.content is not None:
        fields.append(td_field(union.content, spell.wire_annotation(variant.type), taken))
    elif isinstance(variant.type, Ref) and isinstance(leaf := spell.target(variant.type), ObjectType):
        fields += [td_field(f.wire, field_view(f, spell).wire_annotation, taken) for f in leaf.fields]
        closed = leaf.closed
    else:
        closed = False  # a variant whose content is a map: the other members are the map
    return {"td_name": f"{union.py}_{identifier(variant.tag, fallback='variant')}", "td_fields": fields,
            "closed": closed, "identifier_keys": all(f.py == ast.literal_eval(f.wire_literal) for f in fields)}


def exported(area: Area) -> list[str]:
    return [literal(name) for name in sorted(t.py for t in area.types)]
