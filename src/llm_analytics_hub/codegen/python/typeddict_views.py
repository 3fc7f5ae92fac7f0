"""Template views of the generated TypedDict modules (`llm_analytics_hub.typeddicts.<version>.<area>`):
every schema-derived string becomes a Python literal, docstring or sanitised identifier here, so
the template only places ready-made, inert pieces. Every member carries its description as a
docstring (class syntax; the functional syntax, for keys that are no identifiers, has no place for
one), and the TypedDict of a union variant is named like the union and its tag in CamelCase
(`TelemetryPayloadLatency`, `ThreatTypeOther`), as the codegen profile names them."""

from __future__ import annotations

import ast
import re
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
from ..ir.identifiers import class_name, identifier
from .spelling import Spelling, literal_type
from .text import docstring, literal


@dataclass(frozen=True)
class FieldView:
    py: str
    wire_literal: str
    wire_annotation: str  # TypedDict value annotation, NotRequired[...] applied
    doc: str = ""  # the member's docstring

    @property
    def wire_annotation_literal(self) -> str:
        return literal(self.wire_annotation)


def td_field(wire: str, annotation: str, taken: set[str], doc: str) -> FieldView:
    """A TypedDict item that is not an object member of the IR (a tag, a content, a data variant)."""
    py = identifier(wire, fallback="member", taken=taken)
    taken.add(py)
    return FieldView(py, literal(wire), annotation, docstring(doc, 4))


def field_view(field: Field, spell: Spelling) -> FieldView:
    wire = spell.wire_annotation(field.type)
    if field.nullable:
        wire += " | None"
    if not field.required:
        wire = f"NotRequired[{wire}]"
    return FieldView(field.py, literal(field.wire), wire, docstring(field.description or field.wire, 4))


def _camel(wire: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^0-9A-Za-z]+", wire))


def variant_names(area: Area) -> dict[tuple[str, str], str]:
    """(union, tag or data key) -> the name of its variant's TypedDict: the union's name and the tag in
    CamelCase, made unique among the area's type names in the order of the area's types."""
    taken = {t.py for t in area.types}
    names: dict[tuple[str, str], str] = {}
    for typedef in area.types:
        match typedef:
            case TaggedUnion():
                keys = [(v.tag, v.tag) for v in typedef.variants]
            case DataEnumType():
                keys = [(v.key, v.py) for v in typedef.variants]
            case _:
                continue
        for key, spelled in keys:
            name = class_name(typedef.py + (_camel(spelled) or "Variant"), taken)
            taken.add(name)
            names[(typedef.name, key)] = name
    return names


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
            names = variant_names(spell.area)
            variants = [{"td_name": names[(typedef.name, v.key)], "identifier_key": v.py == v.key,
                         "doc": docstring(v.description or f"The {v.key!r} variant of {typedef.name}.", 4),
                         "td_field": td_field(v.key, spell.wire_annotation(v.type), set(),
                                              f'The value of the "{v.key}" variant.')}
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
    fields = [td_field(union.tag, f"Literal[{literal(variant.tag)}]", taken,
                       f'Always "{variant.tag}": selects this variant of {union.name}.')]
    closed = True
    what = f'The "{variant.tag}" variant of {union.name}'
    if union.content is not None:
        fields.append(td_field(union.content, spell.wire_annotation(variant.type), taken,
                               variant.description or f'The content of the "{variant.tag}" variant.'))
        doc = f"{what}: `{union.tag}` and `{union.content}`."
    elif isinstance(variant.type, Ref) and isinstance(leaf := spell.target(variant.type), ObjectType):
        fields += [td_field(f.wire, field_view(f, spell).wire_annotation, taken, f.description or f.wire)
                   for f in leaf.fields]
        closed = leaf.closed
        doc = f"{what}: the members of {leaf.name} with `{union.tag}` beside them."
    else:
        closed = False  # a variant whose content is a map: the other members are the map
        doc = f"{what}: `{union.tag}` beside the members of a map."
    if variant.description:
        doc += " " + variant.description
    return {"td_name": variant_names(spell.area)[(union.name, variant.tag)], "td_fields": fields,
            "closed": closed, "doc": docstring(doc, 4),
            "identifier_keys": all(f.py == ast.literal_eval(f.wire_literal) for f in fields)}


def exported(area: Area) -> list[str]:
    return [literal(name) for name in sorted([*(t.py for t in area.types), *variant_names(area).values()])]
