"""Per-type views for the Go templates: every Go spelling is computed here, the templates only place it.

Go shape of the IR (see also spelling.py):
- object -> struct; a required member is T, a member that may be absent or null is *T (a slice, map
  or `any` is its own nil): absent and null are one state, nil, as in the producers' serde structs
  (schemas/producer-output/<version>.json has no member whose absence and null differ, so no
  three-state wrapper exists). Writing gives what the producers write: a nil optional member is left
  out or written as null as the producer-output facts say (Field.when_none), a nil defaulted member
  as its schema default, a nil required list or map as []/{}. An open object keeps its undeclared
  members in a map field. MarshalJSON/UnmarshalJSON are generated and use the exact wire names
  (encoding/json would match names case-insensitively and drop undeclared members).
- enum -> named string type with one constant per value;
- data-carrying enum -> struct {Unit <Name>Unit; <Variant> *T ...} (exactly one set);
- tagged union -> struct {Value <Name>Variant} where <Name>Variant is a sealed interface that
  the variant types (*LatencyMetrics, ...) implement; the union's MarshalJSON/UnmarshalJSON
  dispatch on the tag;
- untagged union -> struct with one pointer per variant; reading takes the first variant that holds
  the value without loss;
- new type -> named type of its inner spelling.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import assert_never

from ..ir import (
    Area,
    DataEnumType,
    EnumMember,
    EnumType,
    Field,
    GeneratorError,
    NewType,
    ObjectType,
    Ref,
    TaggedUnion,
    TypeDef,
    UntaggedUnion,
    Version,
)
from ..naming import unique
from .naming import camel, doc_lines, field_names, go_string, json_tag, type_name
from .spelling import Spelling


@dataclass(frozen=True)
class ConstView:
    name: str
    value: str  # Go string literal
    doc: list[str]


@dataclass(frozen=True)
class FieldView:
    name: str
    go_type: str
    tag: str  # "" when the wire name cannot be a tag
    wire: str  # Go string literal
    put: str  # the statement that writes the member into the ObjectWriter w
    doc: list[str]


@dataclass(frozen=True)
class VariantView:
    name: str  # field name (data enum, untagged union) or the variant's Go type (tagged union)
    go_type: str
    key: str  # Go string literal: tag value or member name; "" for untagged variants
    doc: list[str]
    local: str = ""  # tagged union: underlying spelling of a variant type declared for it


@dataclass
class TypeView:
    kind: str  # struct | enum | data_enum | tagged | untagged | newtype
    name: str
    doc: list[str]
    version: str  # Go string literal
    qualified: str  # Go string literal; "" for helper types that are not catalogue types
    catalogue: str = ""  # the qualified name as text ("events.AnalyticsEvent"); "" for helper types
    fields: list[FieldView] = field(default_factory=list)
    extra_name: str = ""
    extra_type: str = ""
    underlying: str = ""
    constants: list[ConstView] = field(default_factory=list)
    unit_type: str = ""
    variants: list[VariantView] = field(default_factory=list)
    iface: str = ""
    marker: str = ""
    tag: str = ""
    content: str = ""
    markers: list[str] = field(default_factory=list)  # marker methods this type implements


def go_names(version: Version) -> dict[tuple[str, str], str]:
    """Go type name of every type of a version, unique in its area package."""
    return version.type_names(lambda typedef, taken: unique(type_name(typedef.py), taken))


class AreaViews:
    """Builds the views of one area package."""

    def __init__(self, version: Version, area: Area, names: dict[tuple[str, str], str]) -> None:
        self.version = version
        self.area = area
        self.names = names
        self.spell = Spelling(version, area.name, names)
        self.taken = {names[(area.name, t.name)] for t in area.types}
        self.views: dict[str, TypeView] = {}
        self.extra: list[TypeView] = []  # unit enums and local variant types

    def build(self) -> list[TypeView]:
        for typedef in self.area.types:
            self.views[typedef.name] = self.view(typedef)
        for typedef in self.area.types:
            if isinstance(typedef, TaggedUnion):
                self.mark_variants(typedef)
        ordered: list[TypeView] = []
        for typedef in self.area.types:
            ordered.append(self.views[typedef.name])
        return ordered + self.extra

    def common(self, typedef: TypeDef, kind: str) -> TypeView:
        name = self.names[(self.area.name, typedef.name)]
        doc = doc_lines(typedef.description) or [f"{name} has no description in the schema."]
        qualified = "" if typedef.synthetic else go_string(f"{typedef.area}.{typedef.name}")
        return TypeView(kind=kind, name=name, doc=doc, version=go_string(self.version.version), qualified=qualified,
                        catalogue="" if typedef.synthetic else f"{typedef.area}.{typedef.name}")

    def view(self, typedef: TypeDef) -> TypeView:
        match typedef:
            case ObjectType():
                return self.struct(typedef)
            case EnumType():
                view = self.common(typedef, "enum")
                view.constants = self.constants(view.name, typedef.members)
                return view
            case DataEnumType():
                return self.data_enum(typedef)
            case TaggedUnion():
                return self.tagged(typedef)
            case UntaggedUnion():
                return self.untagged(typedef)
            case NewType():
                view = self.common(typedef, "newtype")
                view.underlying = self.spell.expr(typedef.inner)
                return view
            case _:
                assert_never(typedef)

    def constants(self, type_go: str, members: tuple[EnumMember, ...]) -> list[ConstView]:
        return [ConstView(unique(type_go + camel(m.wire, "V"), self.taken), go_string(m.wire),
                          doc_lines(f"{type_go} value {go_string(m.wire)}.")) for m in members]

    def field_view(self, member: Field, name: str) -> FieldView:
        base = self.spell.expr(member.type)
        nil_able = base.startswith(("[]", "map[")) or base == "any"  # nil is its own "no value"
        wire = go_string(member.wire)
        value = f"v.{name}"
        doc = doc_lines(member.description)
        if member.required and not member.nullable:
            go_type, option = base, ""
            put = (f"wire.PutDefault(&w, {wire}, {value}, {value} == nil, {go_string(_json(_EMPTY[base[0]]))})"
                   if base.startswith(("[]", "map[")) else f"wire.Put(&w, {wire}, {value})")
        else:
            go_type, option = (base if nil_able else "*" + base), ("" if member.required else "omitempty")
            if member.required or member.when_none == "null":
                put = f"wire.Put(&w, {wire}, {value})"
                doc += doc_lines("nil: null" + ("" if member.required else " or absent; written as null."))
            elif member.has_default:
                default = _json(member.default)
                put = f"wire.PutDefault(&w, {wire}, {value}, {value} == nil, {go_string(default)})"
                doc += doc_lines(f"nil: absent, which means the schema default {default}; written as {default}.")
            else:
                put = f"wire.PutOmit(&w, {wire}, {value}, {value} == nil)"
                doc += doc_lines("nil: absent or null; left out when written.")
        return FieldView(name, go_type, json_tag(member.wire, option), wire, put, doc)

    def struct(self, typedef: ObjectType) -> TypeView:
        view = self.common(typedef, "struct")
        wires = [f.wire for f in typedef.fields]
        names = field_names(wires + ([typedef.extra_py] if typedef.extra is not None else []))
        view.fields = [self.field_view(f, n) for f, n in zip(typedef.fields, names, strict=False)]
        if typedef.extra is not None:
            view.extra_name = names[-1]
            view.extra_type = self.spell.expr(typedef.extra)
        return view

    def data_enum(self, typedef: DataEnumType) -> TypeView:
        view = self.common(typedef, "data_enum")
        unit = TypeView(kind="enum", name=unique(type_name(typedef.unit_py), self.taken),
                        doc=[f"The unit (string) values of {view.name}."], version=view.version, qualified="")
        unit.constants = self.constants(unit.name, typedef.units)
        self.extra.append(unit)
        view.unit_type = unit.name
        names = field_names([v.key for v in typedef.variants], reserved={"Unit"})
        view.variants = [VariantView(n, self.spell.expr(v.type), go_string(v.key), doc_lines(v.description))
                         for v, n in zip(typedef.variants, names, strict=True)]
        return view

    def tagged(self, typedef: TaggedUnion) -> TypeView:
        view = self.common(typedef, "tagged")
        view.iface = unique(view.name + "Variant", self.taken)
        view.marker = "is" + view.iface
        view.tag = go_string(typedef.tag)
        view.content = go_string(typedef.content) if typedef.content is not None else ""
        for variant in typedef.variants:
            doc = doc_lines(variant.description)
            target = variant.type
            if isinstance(target, Ref) and target.area == self.area.name:
                view.variants.append(VariantView(self.spell.ref(target), "", go_string(variant.tag), doc))
            elif isinstance(target, Ref):
                raise GeneratorError(f"{typedef.area}.{typedef.name}: variant {variant.tag!r} is a type of area "
                                     f"{target.area!r}; Go attaches the union's marker only to its own package's types")
            else:
                local = unique(view.name + camel(variant.tag, "Variant"), self.taken)
                view.variants.append(VariantView(local, "", go_string(variant.tag), doc,
                                                 local=self.spell.expr(target)))
        return view

    def mark_variants(self, typedef: TaggedUnion) -> None:
        view = self.views[typedef.name]
        by_go = {v.name: v for v in self.views.values()}
        for variant in view.variants:
            if variant.local:
                local = TypeView(kind="local", name=variant.name, doc=[f"{variant.name} is the {variant.key} variant "
                                 f"of {view.name}."], version=view.version, qualified="", underlying=variant.local)
                local.markers.append(view.marker)
                self.extra.append(local)
            else:
                by_go[variant.name].markers.append(view.marker)

    def untagged(self, typedef: UntaggedUnion) -> TypeView:
        view = self.common(typedef, "untagged")
        spellings = [self.spell.expr(v) for v in typedef.variants]
        names = field_names([s.rsplit(".", 1)[-1] for s in spellings])
        view.variants = [VariantView(n, s, "", doc_lines(d))
                         for n, s, d in zip(names, spellings, typedef.variant_descriptions, strict=False)]
        return view


_EMPTY: dict[str, object] = {"[": [], "m": {}}  # what a nil required list or map is written as


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
