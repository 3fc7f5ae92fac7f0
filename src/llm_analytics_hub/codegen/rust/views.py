"""IR type definitions -> ready-made Rust pieces (declaration lines and check-body lines) for the
area template. Every kind goes through one exhaustive `match` (`type_view`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import assert_never

from ..ir import (
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
)
from ..naming import unique
from . import names, traits
from .spelling import Spelling, object_facets

# Always strict: the lenient reading drops the undeclared members before the typed decoding
# (runtime.rs `decode`), so serde never sees them.
STRICT = "#[serde(deny_unknown_fields)]"
DYN = "rt::Branch"
# Union variants hold the producers' structs unboxed (as their serde types do): some variants are large.
UNBOXED = "#[allow(clippy::large_enum_variant)]"


@dataclass
class TypeView:
    name: str
    doc: list[str]
    derives: str
    attributes: list[str]
    declaration: str  # `pub struct Name {`, `pub enum Name {` or a whole tuple-struct line
    body: list[str]  # member/variant lines (indented), closing brace included where needed
    check: list[str]  # body lines of `fn check`
    helpers: list[str] = field(default_factory=list)  # module-level items (default functions)
    methods: list[str] = field(default_factory=list)  # the check function(s), filled by `finish`
    traits: list[str] = field(default_factory=list)  # module-level trait impls (Display, FromStr, From)
    inherent: list[str] = field(default_factory=list)  # methods before the check functions (as_str)


def finish(view: TypeView, object_kind: bool) -> TypeView:
    """The `check` function (and for objects `check_members`) around the check body."""
    body = [f"    {line}" for line in view.check]
    if object_kind:
        view.methods = [*view.inherent,
            "/// Check a parsed JSON value against this type's schema; findings go to `w`.",
            "pub(crate) fn check(value: &Json, w: &mut Walk) {", "    Self::check_members(value, w, &[]);", "}", "",
            "/// `check`, where `tags` are members a tagged union declares on this object (its tag).",
            "pub(crate) fn check_members(value: &Json, w: &mut Walk, tags: &[&str]) {", *body, "}"]
    else:
        view.methods = [*view.inherent, "/// Check a parsed JSON value against this type's schema; findings go to `w`.",
                        "pub(crate) fn check(value: &Json, w: &mut Walk) {", *body, "}"]
    return view


def _doc(text: str, indent: str = "") -> list[str]:
    return [f"{indent}/// {line}".rstrip() for line in names.doc_lines(text)]


def _variant_doc(description: str, fallback: str) -> list[str]:
    return _doc(description, "    ") or _doc(fallback, "    ")


def _rename(rust: str, wire: str) -> list[str]:
    return [] if rust == wire else [f"#[serde(rename = {names.string(wire)})]"]


def _variant_attrs(pairs: list[tuple[str, str]]) -> tuple[list[str], bool]:
    """(`rename_all` attribute or nothing, whether each variant needs its own rename)."""
    rule = names.rename_rule(pairs)
    if rule is None:
        return [], True
    return ([] if rule == "PascalCase" else [f"#[serde(rename_all = {names.string(rule)})]"]), False


class Views:
    def __init__(self, spell: Spelling) -> None:
        self.spell = spell

    def type_view(self, typedef: TypeDef, name: str) -> TypeView:
        doc = _doc(typedef.description) or [f"/// {name}"]
        return finish(self.kind_view(typedef, name, doc), isinstance(typedef, ObjectType))

    def kind_view(self, typedef: TypeDef, name: str, doc: list[str]) -> TypeView:
        match typedef:
            case ObjectType():
                return self.object_view(typedef, name, doc)
            case EnumType():
                return self.enum_view(typedef, name, doc)
            case DataEnumType():
                return self.data_enum_view(typedef, name, doc)
            case TaggedUnion():
                return self.tagged_view(typedef, name, doc)
            case UntaggedUnion():
                return self.untagged_view(typedef, name, doc)
            case NewType():
                inner = self.spell.annotation(typedef.inner)
                return TypeView(name, doc, "Debug, Clone, PartialEq, Serialize, Deserialize", ["#[serde(transparent)]"],
                                f"pub struct {name}(pub {inner});", [],
                                [self.spell.call(typedef.inner, "value")],
                                traits=traits.from_inner(name, inner))
            case _:
                assert_never(typedef)

    # -- objects

    def field_lines(self, typedef: ObjectType, member: Field, rust: str, helpers: list[str]) -> list[str]:
        expr: TypeExpr = Nullable(member.type) if member.nullable else member.type
        annotation = self.spell.annotation(expr)
        attributes = _rename(rust, member.wire)
        if member.has_default:
            if member.default in ({}, []) and not member.nullable:
                attributes.append("#[serde(default)]")
            else:
                function = f"default_{names.snake(typedef.name, 'type')}_{rust.rstrip('_')}"
                helpers += ["", f"fn {function}() -> {annotation} {{",
                            f"    serde_json::from_str({names.string(json.dumps(member.default))})"
                            f".expect(\"the schema default fits the type\")", "}"]
                attributes.append(f"#[serde(default = {names.string(function)})]")
        elif not member.required:
            if not isinstance(expr, Nullable):
                annotation = f"Option<{annotation}>"
            # The producers' form: a None is left out, or written as null where their field has no skip.
            attributes.append('#[serde(default)]' if member.when_none == "null"
                              else '#[serde(default, skip_serializing_if = "Option::is_none")]')
        lines = _variant_doc(member.description, f"`{member.wire}` on the wire.")
        lines += [f"    {a}" for a in attributes]
        lines.append(f"    pub {rust}: {annotation},")
        return lines

    def object_view(self, typedef: ObjectType, name: str, doc: list[str]) -> TypeView:
        taken: set[str] = set()
        body: list[str] = []
        helpers: list[str] = []
        arms = []
        # Required members are ticked off in the member dispatch (a bit each) and undeclared ones
        # flagged there, so a valid object is not searched again; rt::require / rt::closed run only
        # to word the findings. A bit, not a count: a hand-built Json::Obj may repeat a member.
        ticks = [f for f in typedef.fields if f.required] if len(typedef.fields) <= 64 else []
        for member in typedef.fields:
            rust = unique(names.snake(member.wire, "member"), taken)
            body += self.field_lines(typedef, member, rust, helpers)
            expr: TypeExpr = Nullable(member.type) if member.nullable else member.type
            walk = f"w.at(key, |w| {self.spell.call(expr, 'member')})"
            if member in ticks:
                walk = f"{{ seen |= 1 << {ticks.index(member)}; {walk} }}"
            arms.append(f"        {names.string(member.wire)} => {walk},")
        attributes = [STRICT] if typedef.closed else []
        if not typedef.closed:
            extra = typedef.extra if typedef.extra is not None else Prim("any")
            rust = unique(names.snake(typedef.extra_py, "extra"), taken)
            body += ["    /// Members the schema does not declare (this object is open).", "    #[serde(flatten)]",
                     f"    pub {rust}: BTreeMap<String, {self.spell.annotation(extra)}>,"]
            arms.append(f"        _ => w.at(key, |w| {self.spell.call(extra, 'member')}),")
        elif arms:
            arms.append("        _ => unknown |= !tags.contains(&key.as_ref()),")
        body.append("}")
        wires = ", ".join(names.string(f.wire) for f in typedef.fields)
        required = ", ".join(names.string(f.wire) for f in typedef.fields if f.required)
        check = ["let Some(members) = rt::object(value, w) else { return };"]
        if typedef.facets.object:
            check.append(f"{object_facets(typedef.facets, 'value')};")
        if ticks:
            check.append("let mut seen: u64 = 0;")
        if typedef.closed and arms:
            check.append("let mut unknown = false;")
        if arms:
            check += ["for (key, member) in members {", "    match key.as_ref() {", *arms, "    }", "}"]
        if ticks:
            full = (1 << len(ticks)) - 1
            check.append(f"if seen != {full:#x} {{ rt::require(members, w, &[{required}]); }}")
        elif required:
            check.append(f"rt::require(members, w, &[{required}]);")
        if typedef.closed and arms:
            check.append(f"if unknown {{ rt::closed(members, w, &[{wires}], tags); }}")
        elif typedef.closed:
            check.append(f"rt::closed(members, w, &[{wires}], tags);")
        else:
            check.append("let _ = tags;")
        return TypeView(name, doc, "Debug, Clone, PartialEq, Serialize, Deserialize", attributes,
                        f"pub struct {name} {{", body, check, helpers)

    # -- enums and unions

    def enum_view(self, typedef: EnumType, name: str, doc: list[str]) -> TypeView:
        taken: set[str] = set()
        variants = [(unique(names.pascal(m.wire, "Empty"), taken), m.wire) for m in typedef.members]
        attributes, each = _variant_attrs(variants)
        body = [line for variant, wire in variants
                for line in _variant_doc("", f"`{wire}` on the wire.")
                + ([f"    {a}" for a in _rename(variant, wire)] if each else []) + [f"    {variant},"]]
        values = ", ".join(names.string(m.wire) for m in typedef.members)
        return TypeView(name, doc, "Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize", attributes,
                        f"pub enum {name} {{", [*body, "}"], [f"rt::check_enum(value, w, &[{values}]);"],
                        traits=traits.enum_traits(name, variants), inherent=traits.enum_methods(name, variants))

    def data_enum_view(self, typedef: DataEnumType, name: str, doc: list[str]) -> TypeView:
        taken: set[str] = set()
        units = [(unique(names.pascal(u.wire, "Empty"), taken), u.wire) for u in typedef.units]
        data = [(unique(names.pascal(v.key, "Data"), taken), v.key, v) for v in typedef.variants]
        attributes, each = _variant_attrs(units + [(rust, key) for rust, key, _ in data])
        body = []
        for variant, wire in units:
            body += _variant_doc("", f"`{wire}` on the wire.")
            body += ([f"    {a}" for a in _rename(variant, wire)] if each else []) + [f"    {variant},"]
        for variant, key, item in data:
            body += _variant_doc(item.description, f"`{{\"{key}\": ...}}` on the wire.")
            body += ([f"    {a}" for a in _rename(variant, key)] if each else [])
            body.append(f"    {variant}({self.spell.annotation(item.type)}),")
        unit_values = ", ".join(names.string(u.wire) for u in typedef.units)
        entries = ", ".join(f"({names.string(key)}, &({self.spell.checker(item.type)}))" for _, key, item in data)
        check = [f"let variants: [(&str, {DYN}); {len(data)}] = [{entries}];",
                 f"rt::data_enum(value, w, &[{unit_values}], &variants);"]
        # From only for struct variants: `From<u8>` making a `Percentile` would read as a conversion.
        structs = [(rust, self.spell.annotation(item.type)) for rust, _, item in data if isinstance(item.type, Ref)]
        return TypeView(name, doc, "Debug, Clone, PartialEq, Serialize, Deserialize", [UNBOXED, *attributes],
                        f"pub enum {name} {{", [*body, "}"], check, traits=traits.from_variants(name, structs))

    def tagged_view(self, typedef: TaggedUnion, name: str, doc: list[str]) -> TypeView:
        taken: set[str] = set()
        variants = [(unique(names.pascal(v.tag, "Variant"), taken), v) for v in typedef.variants]
        tagging = f"#[serde(tag = {names.string(typedef.tag)}"
        if typedef.style == "adjacent":
            assert typedef.content is not None
            tagging += f", content = {names.string(typedef.content)}"
        attributes = [tagging + ")]"]
        if typedef.style == "adjacent":
            attributes.append(STRICT)
        rule_attrs, each = _variant_attrs([(rust, v.tag) for rust, v in variants])
        attributes += rule_attrs
        body = []
        for rust, variant in variants:
            body += _variant_doc(variant.description, f"{typedef.tag} `{variant.tag}`.")
            body += [f"    {a}" for a in _rename(rust, variant.tag)] if each else []
            body.append(f"    {rust}({self.spell.annotation(variant.type)}),")
        tag = names.string(typedef.tag)
        tags = ", ".join(names.string(v.tag) for v in typedef.variants)
        check = ["let Some(members) = rt::object(value, w) else { return };"]
        arms = []
        if typedef.style == "adjacent":
            content = names.string(typedef.content or "")
            check += [f"rt::require(members, w, &[{tag}, {content}]);",
                      f"rt::closed(members, w, &[{tag}, {content}], &[]);",
                      f"let content = value.get({content});"]
            for variant in typedef.variants:
                arms.append(f"    Some(Json::Str(tag)) if tag == {names.string(variant.tag)} => "
                            f"if let Some(c) = content {{ w.at({content}, |w| "
                            f"{self.spell.call(variant.type, 'c')}) }},")
        else:
            check.append(f"rt::require(members, w, &[{tag}]);")
            for variant in typedef.variants:
                arms.append(f"    Some(Json::Str(tag)) if tag == {names.string(variant.tag)} => "
                            f"{self.internal_leaf(variant.type, tag)},")
        check += [f"match value.get({tag}) {{", "    None => {}", *arms,
                  f"    Some(other) => w.at({tag}, |w| rt::check_enum(other, w, &[{tags}])),", "}"]
        conversions = traits.from_variants(name, [(rust, self.spell.annotation(v.type)) for rust, v in variants])
        return TypeView(name, doc, "Debug, Clone, PartialEq, Serialize, Deserialize", [UNBOXED, *attributes],
                        f"pub enum {name} {{", [*body, "}"], check, traits=conversions)

    def internal_leaf(self, expr: TypeExpr, tag: str) -> str:
        """The check of an internally tagged variant's members (the tag member counts as declared)."""
        match expr:
            case Ref():
                return f"{self.spell.ref(expr)}::check_members(value, w, &[{tag}])"
            case MapOf():
                return f"rt::check_map_except(value, w, {tag}, {self.spell.checker(expr.value)})"
            case Prim() | ListOf() | Nullable():
                return self.spell.call(expr, "value")
            case _:
                assert_never(expr)

    def untagged_view(self, typedef: UntaggedUnion, name: str, doc: list[str]) -> TypeView:
        # Integers before floats: serde's untagged decoding takes the first variant that fits, and an
        # f64 would round a large u64 (the JSON Schema anyOf has no order, so verdicts are unchanged).
        order = sorted(range(len(typedef.variants)),
                       key=lambda i: 0 if _is_integer(typedef.variants[i]) else 1)
        taken: set[str] = set()
        body = []
        pairs = []
        for index in order:
            expr = typedef.variants[index]
            body += _variant_doc(typedef.variant_descriptions[index], f"A {self.variant_label(expr)} value.")
            variant = unique(names.pascal(self.variant_label(expr), "Variant"), taken)
            body.append(f"    {variant}({self.spell.annotation(expr)}),")
            pairs.append((variant, self.spell.annotation(expr)))
        branches = ", ".join(f"&({self.spell.checker(v)})" for v in typedef.variants)
        check = [f"let branches: [{DYN}; {len(typedef.variants)}] = [{branches}];",
                 "rt::any_of(value, w, &branches);"]
        return TypeView(name, doc, "Debug, Clone, PartialEq, Serialize, Deserialize", [UNBOXED, "#[serde(untagged)]"],
                        f"pub enum {name} {{", [*body, "}"], check, traits=traits.from_variants(name, pairs))

    def variant_label(self, expr: TypeExpr) -> str:
        match expr:
            case Prim():
                return self.spell.annotation(expr)
            case Ref():
                return expr.name
            case ListOf():
                return "List"
            case MapOf():
                return "Map"
            case Nullable():
                return "Nullable"
            case _:
                assert_never(expr)


def _is_integer(expr: TypeExpr) -> bool:
    return isinstance(expr, Prim) and expr.kind == "int"
