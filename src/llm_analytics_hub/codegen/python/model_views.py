"""Template views of the generated dataclass modules (`llm_analytics_hub.models.<version>.<area>`).

Every schema-derived string becomes a Python literal, docstring or sanitised identifier here, so
the template only places ready-made, inert pieces. Tagged and untagged unions become type aliases
of their variants' classes (nested tagged unions flatten: `AnalyticsEvent.payload` is a
`LatencyMetrics`, ...); the runtime reads the tags from the `_rt.bind` shapes at the module's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from ..ir import (
    ANY,
    Area,
    DataEnumType,
    EnumType,
    Field,
    GeneratorError,
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
    refs_in,
)
from .spelling import Spelling
from .text import docstring, literal


@dataclass(frozen=True)
class FieldLine:
    declaration: str  # `name: annotation = default`
    doc: str


@dataclass(frozen=True)
class ClassView:
    kind: str  # "enum" | "object" | "data_enum"
    py: str
    doc: str
    base: str
    members: tuple[str, ...]  # enum members `NAME = "wire"`
    fields: tuple[FieldLine, ...]


@dataclass(frozen=True)
class AliasView:
    py: str
    value: str
    doc: str


@dataclass(frozen=True)
class ModuleView:
    classes: tuple[ClassView, ...]
    aliases: tuple[AliasView, ...]
    binds: tuple[str, ...]
    exported: tuple[str, ...]
    uses: frozenset[str]  # standard names the module imports


def _default(field: Field) -> str:
    if field.has_default:
        if field.default == {}:
            return " = field(default_factory=dict)"
        if field.default == []:
            return " = field(default_factory=list)"
        if isinstance(field.default, str | int | float | bool):
            return f" = {literal(field.default)}"
        raise GeneratorError(f"member {field.wire!r}: unsupported default {field.default!r}")
    return "" if field.required else " = None"


def _field_line(field: Field, spell: Spelling) -> FieldLine:
    annotation = spell.annotation(field.type)
    if field.nullable or (not field.required and not field.has_default):
        annotation += " | None"
    return FieldLine(f"{field.py}: {annotation}{_default(field)}", docstring(field.description or field.wire, 4))


def _member_code(field: Field, spell: Spelling) -> str:
    options = [", required=True"] if field.required else []
    options += [", nullable=True"] if field.nullable else []
    options += [f", default={literal(field.default)}"] if field.has_default else []
    options += [', when_none="null"'] if field.when_none == "null" and not field.required else []
    return f"_rt.Member({literal(field.wire)}, {literal(field.py)}, {spell.kind(field.type)}{''.join(options)})"


def _variant_kind(expr: object, spell: Spelling) -> str:
    if isinstance(expr, Ref):
        return spell.ref_kind(expr)
    if expr == MapOf(ANY):
        return "_rt.MapOf(_rt.ANY)"
    raise GeneratorError(f"unsupported union variant {expr!r}")


def _bind(typedef: TypeDef, spell: Spelling) -> str | None:
    match typedef:
        case ObjectType():
            members = "".join(f"            {_member_code(f, spell)},\n" for f in typedef.fields)
            extra = (f", extra=({literal(typedef.extra_py)}, {spell.kind(typedef.extra)})"
                     if typedef.extra is not None else "")
            return (f"_rt.bind(\n    {typedef.py},\n    _rt.ObjectShape(\n        (\n{members}        ),\n"
                    f"        closed={typedef.closed!r}{extra},\n    ),\n)")
        case TaggedUnion():
            variants = "".join(f"            _rt.Variant({literal(v.tag)}, {_variant_kind(v.type, spell)}),\n"
                               for v in typedef.variants)
            return (f"_rt.bind(\n    {typedef.py},\n    _rt.TaggedShape(\n        {literal(typedef.name)},\n"
                    f"        {literal(typedef.tag)},\n        {literal(typedef.content)},\n"
                    f"        (\n{variants}        ),\n    ),\n)")
        case UntaggedUnion():
            kinds = "".join(f"            {spell.kind(v)},\n" for v in typedef.variants)
            return (f"_rt.bind(\n    {typedef.py},\n    _rt.UntaggedShape(\n        {literal(typedef.name)},\n"
                    f"        (\n{kinds}        ),\n    ),\n)")
        case DataEnumType():
            variants = "".join(f"            ({literal(v.key)}, {literal(v.py)}, {spell.kind(v.type)}),\n"
                               for v in typedef.variants)
            return (f"_rt.bind(\n    {typedef.py},\n    _rt.DataEnumShape(\n        {literal(typedef.name)},\n"
                    f"        {typedef.unit_py},\n        (\n{variants}        ),\n    ),\n)")
        case EnumType() | NewType():
            return None
        case _:
            assert_never(typedef)


def _alias_value(typedef: TaggedUnion | UntaggedUnion | NewType, spell: Spelling) -> str:
    if isinstance(typedef, NewType):
        return spell.annotation(typedef.inner)
    exprs = [v.type for v in typedef.variants] if isinstance(typedef, TaggedUnion) else list(typedef.variants)
    options = list(dict.fromkeys(spell.annotation(e) for e in exprs))
    if len(options) < 2:
        raise GeneratorError(f"{typedef.name}: a union needs two distinct Python types to be an alias")
    return " | ".join(options)


def _aliases_in_order(area: Area, spell: Spelling) -> list[AliasView]:
    """Union and newtype aliases, each after the aliases of its own area that it mentions."""
    pending = {t.name: t for t in area.types if isinstance(t, TaggedUnion | UntaggedUnion | NewType)}
    done: list[AliasView] = []
    placed: set[str] = set()

    def place(typedef: TaggedUnion | UntaggedUnion | NewType, trail: tuple[str, ...]) -> None:
        if typedef.name in placed:
            return
        if typedef.name in trail:
            raise GeneratorError(f"aliases refer to each other in a cycle: {' -> '.join((*trail, typedef.name))}")
        exprs = ([typedef.inner] if isinstance(typedef, NewType) else
                 [v.type for v in typedef.variants] if isinstance(typedef, TaggedUnion) else list(typedef.variants))
        for ref in (r for e in exprs for r in refs_in(e)):
            if ref.area == area.name and ref.name in pending:
                place(pending[ref.name], (*trail, typedef.name))
        placed.add(typedef.name)
        doc = docstring(typedef.description or typedef.name, 0)
        done.append(AliasView(typedef.py, _alias_value(typedef, spell), doc))

    for typedef in pending.values():
        place(typedef, ())
    return done


def _class_view(typedef: TypeDef, spell: Spelling) -> list[ClassView]:
    doc = docstring(typedef.description or typedef.name, 4)
    match typedef:
        case EnumType():
            return [ClassView("enum", typedef.py, doc, "str, Enum",
                              tuple(f"{m.py} = {literal(m.wire)}" for m in typedef.members), ())]
        case ObjectType():
            fields = [_field_line(f, spell) for f in typedef.fields]
            if typedef.extra is not None:
                fields.append(FieldLine(
                    f"{typedef.extra_py}: dict[str, {spell.annotation(typedef.extra)}] = field(default_factory=dict)",
                    docstring("Members not declared by the schema (the object is open), by name.", 4)))
            return [ClassView("object", typedef.py, doc, "_rt.Model", (), tuple(fields))]
        case DataEnumType():
            unit = ClassView("enum", typedef.unit_py, docstring(f"The unit (string) variants of {typedef.name}.", 4),
                             "str, Enum", tuple(f"{m.py} = {literal(m.wire)}" for m in typedef.units), ())
            fields = [FieldLine(f"unit: {typedef.unit_py} | None = None",
                                docstring("Set for a unit variant, written as its string.", 4))]
            fields += [FieldLine(f"{v.py}: {spell.annotation(v.type)} | None = None",
                                 docstring(v.description or f"The `{v.key}` variant, written as {{{v.key!r}: value}}.",
                                           4))
                       for v in typedef.variants]
            return [unit, ClassView("data_enum", typedef.py, doc, "_rt.DataEnum", (), tuple(fields))]
        case TaggedUnion() | UntaggedUnion() | NewType():
            return []
        case _:
            assert_never(typedef)


def _prim_kinds(expr: TypeExpr) -> set[str]:
    match expr:
        case Prim(kind=kind):
            return {kind}
        case Ref():
            return set()
        case ListOf(item=inner) | MapOf(value=inner) | Nullable(inner=inner):
            return _prim_kinds(inner)
        case _:
            assert_never(expr)


def _uses(area: Area) -> frozenset[str]:
    """The standard names an area module imports (so the generated code has no unused import)."""
    found: set[str] = set()
    for typedef in area.types:
        exprs: list[TypeExpr] = []
        match typedef:
            case ObjectType():
                exprs = [f.type for f in typedef.fields] + ([typedef.extra] if typedef.extra else [])
                if typedef.extra is not None or any(f.has_default and f.default in ({}, []) for f in typedef.fields):
                    found.add("field")
            case DataEnumType():
                exprs = [v.type for v in typedef.variants]
                found.add("Enum")
            case EnumType():
                found.add("Enum")
            case TaggedUnion():
                exprs = [v.type for v in typedef.variants]
                found.add("TypeAlias")
            case UntaggedUnion():
                exprs = list(typedef.variants)
                found.add("TypeAlias")
            case NewType():
                exprs = [typedef.inner]
                found.add("TypeAlias")
            case _:
                assert_never(typedef)
        kinds = set().union(*(_prim_kinds(e) for e in exprs))
        found |= {name for kind, name in (("uuid", "UUID"), ("datetime", "datetime"), ("any", "Any")) if kind in kinds}
    return frozenset(found)


def module_view(version: Version, area: Area) -> ModuleView:
    spell = Spelling(version, area)
    classes = [view for typedef in area.types for view in _class_view(typedef, spell)]
    binds = [code for typedef in area.types if (code := _bind(typedef, spell)) is not None]
    aliases = _aliases_in_order(area, spell)
    exported = sorted([c.py for c in classes] + [a.py for a in aliases])
    return ModuleView(tuple(classes), tuple(aliases), tuple(binds), tuple(literal(n) for n in exported), _uses(area))


__all__ = ["ModuleView", "Prim", "module_view"]
