"""Fill the IR from the schema view: every `$ref`, `$defs/fields` merge, tagged union, nullable form
and map is read through `llm_analytics_hub.schema_view`, never from the raw files here."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...schema_store import AREAS, SchemaSet, TypeEntry
from ...schema_view.layout import catalogue_type, node_of
from ...schema_view.output_form import when_none
from ...schema_view.views import At, View, follow, view_of
from . import identifiers
from .facets import ARRAY, NUMBER, OBJECT, STRING, VALUES, facets_of, only, refuse_facets, refuse_unplaced
from .model import (
    ANY,
    MISSING,
    Area,
    DataEnumType,
    DataVariant,
    EnumMember,
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
    Source,
    TaggedUnion,
    TypeDef,
    TypeExpr,
    UnionVariant,
    UntaggedUnion,
    Version,
    module_name,
    type_refs,
)


class _Builder:
    def __init__(self, schema_set: SchemaSet) -> None:
        self.set = schema_set
        self.synthetic: dict[str, list[TypeDef]] = {area: [] for area in AREAS}
        self.taken: dict[str, set[str]] = {area: set() for area in AREAS}
        self.py_names: dict[tuple[str, str], str] = {}
        for entry in schema_set.types:
            taken = self.taken[entry.area]
            py = identifiers.class_name(entry.name, taken)
            taken.add(py)
            self.py_names[(entry.area, entry.name)] = py

    def source(self, path: Path) -> Source:
        relative = path.relative_to(self.set.folder.parent).as_posix()
        return Source(relative, hashlib.sha256(path.read_bytes()).hexdigest())

    @staticmethod
    def ref(at: At) -> Ref | None:
        """The catalogue type a pure reference names (a type, or the `$defs/fields` of a leaf)."""
        entry = catalogue_type(at)
        return Ref(entry.area, entry.name) if entry is not None else None

    # -- type expressions

    def expr(self, at: At) -> TypeExpr:
        view = view_of(at)
        inner = self.plain_expr(view)
        return Nullable(inner) if view.nullable else inner

    def plain_expr(self, view: View) -> TypeExpr:
        if view.ref is not None:
            named = self.ref(view.ref)
            return named if named is not None else self.plain_expr(follow(view))
        where = view.at.display
        if view.union_kind is not None or view.tag is not None:
            raise GeneratorError(f"{where}: an inline union must be a catalogue type of its own")
        refuse_unplaced(view)
        kinds = view.types
        if kinds is not None and len(kinds) != 1:
            raise GeneratorError(f"{where}: unsupported type list {sorted(kinds)}")
        kind = next(iter(kinds)) if kinds else None
        facets = facets_of(view)
        if kind == "string":
            fmt = facets.format
            clean = replace(facets, format=None)
            return Prim("uuid" if fmt == "uuid" else "datetime" if fmt == "date-time" else "str", only(clean, STRING))
        if kind == "integer":
            return Prim("int", only(facets, NUMBER))
        if kind == "number":
            return Prim("float", only(facets, NUMBER))
        if kind == "boolean":
            return Prim("bool", only(facets, VALUES))
        if kind == "array":
            return ListOf(self.expr(view.items) if view.items is not None else ANY, only(facets, ARRAY))
        if kind == "object":
            if view.properties or view.required or view.closure == "closed":
                raise GeneratorError(f"{where}: an inline object must be a catalogue type of its own")
            value = self.expr(view.extra) if view.extra is not None else ANY
            return MapOf(value, only(facets, OBJECT))
        if kind is None and not (view.properties or view.required or view.items or view.closure != "open"):
            if view.enum is not None and view.enum and all(isinstance(v, str) for v in view.enum) \
                    and not view.has_const:
                return Prim("str", only(facets, STRING))  # an enum of strings is a string
            return Prim("any", facets)
        raise GeneratorError(f"{where}: unsupported schema (declare its `type`, or make it a catalogue type)")

    # -- catalogue types

    def build(self, entry: TypeEntry) -> TypeDef:
        at = node_of(self.set, entry)
        view = view_of(at)
        common: dict[str, Any] = {
            "name": entry.name,
            "py": self.py_names[(entry.area, entry.name)],
            "area": entry.area,
            "description": str(entry.schema.get("description", "")),
            "examples": tuple(entry.schema.get("examples", ())),
            "source": self.source(entry.path),
            "synthetic": False,
        }
        target = follow(view)
        if view.ref is not None and not target.is_object:
            return NewType(**common, inner=self.plain_expr(view))
        refuse_unplaced(target)
        if target.tag is not None:
            refuse_facets(target, "a tagged union")
            return self.tagged(target, common)
        if target.union_kind is not None:
            if target.union_kind != "anyOf":
                raise GeneratorError(f"{target.where(target.union_kind)}: {target.union_kind!r} is not supported "
                                     "(write anyOf of branches that exclude each other)")
            refuse_facets(target, "a union")
            return self.any_of(entry, target, common)
        if target.enum is not None and not target.is_object:
            refuse_facets(target, "an enum type", frozenset({"enum"}))
            return EnumType(**common, members=self.enum_members(target.enum))
        if target.is_object or target.types == frozenset({"object"}):
            return self.object_type(target, common, Ref(entry.area, entry.name))
        raise GeneratorError(f"{at.display}: cannot classify type {entry.name!r}")

    def enum_members(self, values: list[Any]) -> tuple[EnumMember, ...]:
        taken: set[str] = set()
        members = []
        for value in values:
            if not isinstance(value, str):
                raise GeneratorError(f"enum value {value!r} is not a string")
            py = identifiers.enum_member_name(value, taken)
            taken.add(py)
            members.append(EnumMember(value, py))
        return tuple(members)

    def object_type(self, view: View, common: dict[str, Any], me: Ref) -> ObjectType:
        flattened = []
        for merged in view.merged:
            named = self.ref(merged)
            if named is not None and named != me and named not in flattened:
                flattened.append(named)
        fields = self.fields(view)
        extra: TypeExpr | None = None
        if view.closure == "map":
            extra = self.expr(view.extra) if view.extra is not None else ANY
        elif view.closure == "open":
            extra = ANY
        extra_py = identifiers.member_name("extra", {f.py for f in fields})
        return ObjectType(**common, fields=fields, closed=view.closure == "closed", extra=extra, extra_py=extra_py,
                          flattened=tuple(flattened), facets=only(facets_of(view), OBJECT))

    def fields(self, view: View) -> tuple[Field, ...]:
        taken: set[str] = set()
        out = []
        for wire, at in view.properties.items():
            expr = self.expr(at)
            nullable = isinstance(expr, Nullable)
            if isinstance(expr, Nullable):
                expr = expr.inner
            py = identifiers.member_name(wire, taken)
            taken.add(py)
            schema = at.schema if isinstance(at.schema, dict) else {}
            required = wire in view.required
            out.append(Field(wire=wire, py=py, type=expr, required=required, nullable=nullable,
                             default=schema.get("default", MISSING), description=str(schema.get("description", "")),
                             when_none="omit" if required else when_none(at)))
        return tuple(out)

    def any_of(self, entry: TypeEntry, view: View, common: dict[str, Any]) -> TypeDef:
        options = [follow(view_of(at)) for at in view.union]
        first, rest = options[0], options[1:]

        def single_member(option: View) -> bool:
            return (len(option.properties) == 1 and set(option.required) == set(option.properties)
                    and option.closure == "closed")

        if first.types == frozenset({"string"}) and first.enum is not None and rest and all(map(single_member, rest)):
            taken = self.taken[entry.area]
            unit_py = identifiers.class_name(common["py"] + "Unit", taken)
            taken.add(unit_py)
            variants = []
            attr_taken = {"unit"}
            for at, option in zip(view.union[1:], rest, strict=True):
                ((key, member),) = option.properties.items()
                py = identifiers.member_name(key, attr_taken)
                attr_taken.add(py)
                variants.append(DataVariant(key, py, self.expr(member), _description(at)))
            return DataEnumType(**common, unit_py=unit_py, units=self.enum_members(first.enum),
                                variants=tuple(variants))
        exprs: list[TypeExpr] = []
        for index, (at, option) in enumerate(zip(view.union, options, strict=True)):
            if option.properties and view_of(at).ref is None:
                exprs.append(self.inline_variant(entry, option, common, index))
            else:
                exprs.append(self.expr(at))
        return UntaggedUnion(**common, variants=tuple(exprs), variant_descriptions=tuple(
            _description(at) for at in view.union))

    def inline_variant(self, entry: TypeEntry, option: View, common: dict[str, Any], index: int) -> Ref:
        title = option.annotations.get("title") or f"{entry.name}Variant{index + 1}"
        taken = self.taken[entry.area]
        py = identifiers.class_name(str(title), taken)
        taken.add(py)
        synthetic_common = dict(common, name=py, py=py, description=str(option.annotations.get("description", "")),
                                examples=(), synthetic=True)
        ref = Ref(entry.area, py)
        refuse_unplaced(option)
        self.synthetic[entry.area].append(self.object_type(option, synthetic_common, ref))
        return ref

    def tagged(self, view: View, common: dict[str, Any]) -> TaggedUnion:
        assert view.tag is not None
        others = [name for name in view.properties if name != view.tag]
        content = others[0] if len(others) == 1 else None
        variants = []
        for value, then in view.variants.items():
            refuse_unplaced(view_of(then))
            branch = then.schema if isinstance(then.schema, dict) else {}
            if content is not None:
                sub = then.child("properties", content)
                expr: TypeExpr = self.expr(sub)
                description = str(sub.schema.get("description", ""))
            elif "$ref" in branch:
                named = self.ref(then.resolve(branch["$ref"]))
                if named is None:
                    raise GeneratorError(f"{then.display}: a variant must be a catalogue type")
                expr, description = named, ""
            else:
                extra = view_of(then).extra
                expr = MapOf(self.expr(extra) if extra is not None else ANY)
                description = str(branch.get("description", ""))
            variants.append(UnionVariant(str(value), expr, description))
        kinds = [v.type for v in variants]
        if len(set(kinds)) != len(kinds):
            raise GeneratorError(f"{view.at.display}: two variants of one union share a type")
        return TaggedUnion(**common, style="internal" if content is None else "adjacent", tag=view.tag,
                           content=content, variants=tuple(variants))


def _description(at: At) -> str:
    """The description written at a node itself (not at the type it references)."""
    return str(at.schema.get("description", "")) if isinstance(at.schema, dict) else ""


def build_version(schema_set: SchemaSet) -> Version:
    if schema_set.problems:
        first = schema_set.problems[0]
        raise GeneratorError(f"{first.path}:{first.line}: {first.message}")
    builder = _Builder(schema_set)
    built: dict[str, list[TypeDef]] = {area: [] for area in AREAS}
    for entry in schema_set.types:
        if entry.area in built:
            built[entry.area].append(builder.build(entry))
    areas = []
    for area in AREAS:
        types = sorted(built[area], key=lambda t: t.name) + builder.synthetic[area]
        if not types:
            continue
        used = sorted({r.area for t in types for r in type_refs(t) if r.area != area}, key=AREAS.index)
        areas.append(Area(area, tuple(types), tuple(used)))
    _check_acyclic(areas)
    sources = sorted({t.source for a in areas for t in a.types}, key=lambda s: s.path)
    common = schema_set.folder / "common.json"
    if common.is_file():
        sources = sorted({*sources, builder.source(common)}, key=lambda s: s.path)
    return Version(schema_set.version, module_name(schema_set.version), tuple(areas), tuple(sources),
                   schema_set.digest)


def _check_acyclic(areas: list[Area]) -> None:
    graph = {a.name: set(a.imports) for a in areas}
    state: dict[str, int] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == 1:
            raise GeneratorError("areas reference each other in a cycle: " + " -> ".join((*trail, name)))
        if state.get(name) == 2:
            return
        state[name] = 1
        for nxt in sorted(graph.get(name, ())):
            visit(nxt, (*trail, name))
        state[name] = 2

    for area in sorted(graph):
        visit(area, ())
