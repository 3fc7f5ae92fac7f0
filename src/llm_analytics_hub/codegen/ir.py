"""The typed, read-only intermediate model between the canonical schemas and every emitter.

`build_version(schema_set)` reads the structure conventions of the canonical schemas (closed and
open objects, `$defs/fields` leaves, if/then tagged unions, data-carrying enums, untagged unions,
nullable forms, serde defaults) into frozen dataclasses. Emitters never look at raw JSON Schema
again, so a change of how the schemas spell a union only touches this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin

from ..errors import HubError
from ..schema_store import AREAS, SchemaSet, TypeEntry
from . import names

JSON = Any
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


class GeneratorError(HubError):
    """A schema construct the generator cannot map (named with file and pointer)."""


# --- type expressions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Prim:
    kind: Literal["str", "int", "float", "bool", "any", "uuid", "datetime"]
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ref:
    area: str
    name: str  # the catalogue title


@dataclass(frozen=True)
class ListOf:
    item: TypeExpr


@dataclass(frozen=True)
class MapOf:
    value: TypeExpr


@dataclass(frozen=True)
class Nullable:
    inner: TypeExpr


TypeExpr = Prim | Ref | ListOf | MapOf | Nullable
ANY = Prim("any")


# --- members and type definitions -------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    wire: str
    py: str
    type: TypeExpr  # without the nullability, see `nullable`
    required: bool
    nullable: bool
    default: JSON  # MISSING when serde has no default
    description: str

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(frozen=True)
class EnumMember:
    wire: str
    py: str


@dataclass(frozen=True)
class Source:
    path: str  # relative to the schemas root, posix
    sha256: str


@dataclass(frozen=True)
class TypeBase:
    name: str  # catalogue title (wire/docs name)
    py: str  # Python class name
    area: str
    description: str
    examples: tuple[JSON, ...]
    source: Source
    synthetic: bool  # True for helper types (inline union variants) that are not catalogue types


@dataclass(frozen=True)
class ObjectType(TypeBase):
    fields: tuple[Field, ...]
    closed: bool
    extra: TypeExpr | None  # value type of undeclared members of an open object
    extra_py: str
    flattened: tuple[Ref, ...]  # types whose members are merged into this one


@dataclass(frozen=True)
class EnumType(TypeBase):
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class DataVariant:
    key: str  # the single member name on the wire
    py: str
    type: TypeExpr
    description: str


@dataclass(frozen=True)
class DataEnumType(TypeBase):
    unit_py: str  # class name of the unit-variant Enum
    units: tuple[EnumMember, ...]
    variants: tuple[DataVariant, ...]


@dataclass(frozen=True)
class UnionVariant:
    tag: str
    type: TypeExpr  # Ref to the leaf type, or MapOf(ANY) for a variant whose content is a map
    description: str


@dataclass(frozen=True)
class TaggedUnion(TypeBase):
    style: Literal["internal", "adjacent"]
    tag: str
    content: str | None  # adjacent only
    variants: tuple[UnionVariant, ...]


@dataclass(frozen=True)
class UntaggedUnion(TypeBase):
    variants: tuple[TypeExpr, ...]
    variant_descriptions: tuple[str, ...]


@dataclass(frozen=True)
class NewType(TypeBase):
    inner: TypeExpr


TypeDef = ObjectType | EnumType | DataEnumType | TaggedUnion | UntaggedUnion | NewType


@dataclass(frozen=True)
class Area:
    name: str
    types: tuple[TypeDef, ...]  # catalogue types sorted by name, then synthetic helpers
    imports: tuple[str, ...]  # other areas whose types this area uses

    def get(self, name: str) -> TypeDef:
        for typedef in self.types:
            if typedef.name == name:
                return typedef
        raise KeyError(name)


@dataclass(frozen=True)
class Version:
    version: str
    module: str  # v1_0_0
    areas: tuple[Area, ...]
    sources: tuple[Source, ...]

    def area(self, name: str) -> Area:
        for area in self.areas:
            if area.name == name:
                return area
        raise KeyError(name)

    def lookup(self, ref: Ref) -> TypeDef:
        return self.area(ref.area).get(ref.name)


def module_name(version: str) -> str:
    return "v" + version.replace(".", "_").replace("-", "_")


# --- building ---------------------------------------------------------------------------------

ANNOTATIONS = frozenset({"description", "title", "examples", "default", "deprecated", "$comment",
                         "readOnly", "writeOnly"})


@dataclass(frozen=True)
class _Node:
    schema: Mapping[str, Any]
    base: str  # URI of the document holding the node
    pointer: str  # for error messages


class _Builder:
    def __init__(self, schema_set: SchemaSet) -> None:
        self.set = schema_set
        self.docs: dict[str, tuple[Path, Mapping[str, Any]]] = {}
        for path, document in schema_set.documents.items():
            self.docs[path.resolve().as_uri()] = (path, document)
            if isinstance(document.get("$id"), str):
                self.docs[document["$id"]] = (path, document)
        self.by_uri: dict[str, TypeEntry] = {entry.uri: entry for entry in schema_set.types}
        self.file_uri: dict[Path, str] = {}
        for uri, (path, _) in self.docs.items():
            self.file_uri.setdefault(path, uri)
            if not uri.startswith("file:"):
                self.file_uri[path] = uri
        self.synthetic: dict[str, list[TypeDef]] = {area: [] for area in AREAS}
        self.taken: dict[str, set[str]] = {area: set() for area in AREAS}
        self.py_names: dict[tuple[str, str], str] = {}
        for entry in schema_set.types:
            taken = self.taken[entry.area]
            py = names.class_name(entry.name, taken)
            taken.add(py)
            self.py_names[(entry.area, entry.name)] = py

    # -- references

    def source(self, path: Path) -> Source:
        relative = path.relative_to(self.set.folder.parent).as_posix()
        return Source(relative, hashlib.sha256(path.read_bytes()).hexdigest())

    def where(self, node: _Node) -> str:
        path = self.docs.get(node.base, (Path(node.base), {}))[0]
        return f"{path.name}#{node.pointer}"

    def resolve(self, node: _Node) -> _Node:
        ref = node.schema["$ref"]
        target = urljoin(node.base, ref)
        doc_uri, fragment = urldefrag(target)
        if doc_uri not in self.docs:
            raise GeneratorError(f"{self.where(node)}: $ref {ref!r} does not resolve to a local file")
        _, document = self.docs[doc_uri]
        current: Any = document
        if fragment:
            if not fragment.startswith("/"):
                raise GeneratorError(f"{self.where(node)}: only JSON-pointer fragments are supported ({ref!r})")
            for token in fragment[1:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if not isinstance(current, dict) or token not in current:
                    raise GeneratorError(f"{self.where(node)}: $ref {ref!r} points nowhere")
                current = current[token]
        if not isinstance(current, dict):
            raise GeneratorError(f"{self.where(node)}: $ref {ref!r} is not a schema object")
        return _Node(current, doc_uri, fragment)

    def catalogue_ref(self, node: _Node) -> Ref | None:
        """The catalogue type a `$ref` names: the type itself, or the `$defs/fields` of a leaf."""
        target = urljoin(node.base, node.schema["$ref"])
        doc_uri, fragment = urldefrag(target)
        canonical_doc = self.file_uri.get(self.docs[doc_uri][0], doc_uri) if doc_uri in self.docs else doc_uri
        candidates = [f"{canonical_doc}#{fragment}" if fragment else canonical_doc]
        if fragment == "/$defs/fields":
            candidates.append(canonical_doc)
        for uri in candidates:
            entry = self.by_uri.get(uri)
            if entry is not None:
                return Ref(entry.area, entry.name)
        return None

    # -- type expressions

    def expr(self, node: _Node) -> TypeExpr:
        schema = node.schema
        if "$ref" in schema:
            ref = self.catalogue_ref(node)
            if ref is not None:
                return ref
            return self.expr(self.resolve(node))
        if "anyOf" in schema:
            options = [o for o in schema["anyOf"] if o != {"type": "null"}]
            if len(options) == 1 and len(options) < len(schema["anyOf"]):
                return Nullable(self.expr(_Node(options[0], node.base, node.pointer + "/anyOf/0")))
            raise GeneratorError(f"{self.where(node)}: an inline union must be a catalogue type of its own")
        kind = schema.get("type")
        if isinstance(kind, list):
            others = [k for k in kind if k != "null"]
            inner = dict(schema)
            inner["type"] = others[0] if len(others) == 1 else others
            if "null" in kind and len(others) == 1:
                return Nullable(self.expr(_Node(inner, node.base, node.pointer)))
            raise GeneratorError(f"{self.where(node)}: unsupported type list {kind!r}")
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "uuid":
                return Prim("uuid")
            if fmt == "date-time":
                return Prim("datetime")
            return Prim("str", enum=tuple(str(v) for v in schema.get("enum", ())))
        if kind == "integer":
            return Prim("int", schema.get("minimum"), schema.get("maximum"))
        if kind == "number":
            return Prim("float")
        if kind == "boolean":
            return Prim("bool")
        if kind == "array":
            items = schema.get("items", {})
            return ListOf(self.expr(_Node(items, node.base, node.pointer + "/items")) if items else ANY)
        if kind == "object":
            if schema.get("properties"):
                raise GeneratorError(f"{self.where(node)}: an inline object must be a catalogue type of its own")
            extra = schema.get("additionalProperties", {})
            if isinstance(extra, dict) and extra:
                return MapOf(self.expr(_Node(extra, node.base, node.pointer + "/additionalProperties")))
            return MapOf(ANY)
        if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
            return Prim("str", enum=tuple(schema["enum"]))
        if kind is None and not set(schema) - ANNOTATIONS:
            return ANY
        raise GeneratorError(f"{self.where(node)}: unsupported schema {sorted(schema)}")

    # -- catalogue types

    def build(self, entry: TypeEntry) -> TypeDef:
        schema = entry.schema
        base = self.file_uri.get(entry.path, entry.path.resolve().as_uri())
        node = _Node(schema, base, entry.pointer)
        common: dict[str, Any] = {
            "name": entry.name,
            "py": self.py_names[(entry.area, entry.name)],
            "area": entry.area,
            "description": str(schema.get("description", "")),
            "examples": tuple(schema.get("examples", ())),
            "source": self.source(entry.path),
            "synthetic": False,
        }
        if "enum" in schema and "properties" not in schema:
            return EnumType(**common, members=self.enum_members(schema["enum"]))
        if "anyOf" in schema and "properties" not in schema:
            return self.any_of(entry, node, common)
        if "allOf" in schema:
            return self.tagged(node, common)
        if "$ref" in schema and "properties" not in schema:
            target = self.resolve(node)
            if not self.is_object(target.schema):
                return NewType(**common, inner=self.expr(node))
        if self.is_object(schema) or "$ref" in schema:
            return self.object_type(node, common)
        raise GeneratorError(f"{self.where(node)}: cannot classify type {entry.name!r}")

    @staticmethod
    def is_object(schema: Mapping[str, Any]) -> bool:
        return schema.get("type") == "object" or "properties" in schema

    def enum_members(self, values: list[Any]) -> tuple[EnumMember, ...]:
        taken: set[str] = set()
        members = []
        for value in values:
            if not isinstance(value, str):
                raise GeneratorError(f"enum value {value!r} is not a string")
            py = names.enum_member_name(value, taken)
            taken.add(py)
            members.append(EnumMember(value, py))
        return tuple(members)

    def collect(self, node: _Node, owner: Ref | None) -> tuple[list[tuple[str, _Node]], set[str], list[Ref]]:
        """Members (in order), required names and flattened types of an object schema node."""
        members: list[tuple[str, _Node]] = []
        required: set[str] = set()
        flattened: list[Ref] = []
        schema = node.schema
        if "$ref" in schema:
            target = self.resolve(node)
            ref = self.catalogue_ref(node)
            if ref is not None and ref != owner:
                flattened.append(ref)
            sub_members, sub_required, sub_flat = self.collect(target, owner if ref is None else ref)
            members += sub_members
            required |= sub_required
            flattened += sub_flat
        for wire, prop in (schema.get("properties") or {}).items():
            members = [m for m in members if m[0] != wire]
            members.append((wire, _Node(prop, node.base, f"{node.pointer}/properties/{wire}")))
        required |= set(schema.get("required", ()))
        return members, required, flattened

    def object_type(self, node: _Node, common: dict[str, Any], owner: Ref | None = None) -> ObjectType:
        schema = node.schema
        me = owner or Ref(common["area"], common["name"])
        members, required, flattened = self.collect(node, me)
        fields = self.fields(members, required)
        additional = schema.get("additionalProperties", MISSING)
        closed = additional is False or schema.get("unevaluatedProperties") is False
        extra: TypeExpr | None = None
        if not closed:
            if isinstance(additional, dict) and additional:
                extra = self.expr(_Node(additional, node.base, node.pointer + "/additionalProperties"))
            else:
                extra = ANY
        extra_py = names.member_name("extra", {f.py for f in fields})
        return ObjectType(**common, fields=fields, closed=closed, extra=extra, extra_py=extra_py,
                          flattened=tuple(flattened))

    def fields(self, members: list[tuple[str, _Node]], required: set[str]) -> tuple[Field, ...]:
        taken: set[str] = set()
        out = []
        for wire, prop in members:
            expr = self.expr(prop)
            nullable = isinstance(expr, Nullable)
            if isinstance(expr, Nullable):
                expr = expr.inner
            py = names.member_name(wire, taken)
            taken.add(py)
            out.append(Field(wire=wire, py=py, type=expr, required=wire in required, nullable=nullable,
                             default=prop.schema.get("default", MISSING),
                             description=str(prop.schema.get("description", ""))))
        return tuple(out)

    def any_of(self, entry: TypeEntry, node: _Node, common: dict[str, Any]) -> TypeDef:
        options = node.schema["anyOf"]
        first = options[0] if options else {}
        rest = options[1:]

        def single_member(option: Any) -> bool:
            return (isinstance(option, dict) and option.get("type") == "object"
                    and len(option.get("properties", {})) == 1 and option.get("required") == list(option["properties"])
                    and option.get("additionalProperties") is False)

        if first.get("type") == "string" and "enum" in first and rest and all(map(single_member, rest)):
            taken = self.taken[entry.area]
            unit_py = names.class_name(common["py"] + "Unit", taken)
            taken.add(unit_py)
            variants = []
            attr_taken = {"unit"}
            for index, option in enumerate(rest, start=1):
                ((key, prop),) = option["properties"].items()
                py = names.member_name(key, attr_taken)
                attr_taken.add(py)
                expr = self.expr(_Node(prop, node.base, f"{node.pointer}/anyOf/{index}/properties/{key}"))
                variants.append(DataVariant(key, py, expr, str(option.get("description", ""))))
            return DataEnumType(**common, unit_py=unit_py, units=self.enum_members(first["enum"]),
                                variants=tuple(variants))
        exprs: list[TypeExpr] = []
        for index, option in enumerate(options):
            sub = _Node(option, node.base, f"{node.pointer}/anyOf/{index}")
            if isinstance(option, dict) and option.get("properties"):
                exprs.append(self.inline_variant(entry, sub, common, index, option))
            else:
                exprs.append(self.expr(sub))
        return UntaggedUnion(**common, variants=tuple(exprs),
                             variant_descriptions=tuple(str(o.get("description", "")) for o in options))

    def inline_variant(self, entry: TypeEntry, node: _Node, common: dict[str, Any], index: int,
                       option: Mapping[str, Any]) -> Ref:
        title = option.get("title") or f"{entry.name}Variant{index + 1}"
        taken = self.taken[entry.area]
        py = names.class_name(str(title), taken)
        taken.add(py)
        synthetic_common = dict(common, name=py, py=py, description=str(option.get("description", "")),
                                examples=(), synthetic=True)
        ref = Ref(entry.area, py)
        self.synthetic[entry.area].append(self.object_type(node, synthetic_common, owner=ref))
        return ref

    def tagged(self, node: _Node, common: dict[str, Any]) -> TaggedUnion:
        schema = node.schema
        tag_props = [k for k, v in (schema.get("properties") or {}).items() if isinstance(v, dict) and "enum" in v]
        if len(tag_props) != 1:
            raise GeneratorError(f"{self.where(node)}: a tagged union needs exactly one enum-valued tag property")
        tag = tag_props[0]
        others = [k for k in schema.get("properties", {}) if k != tag]
        content = others[0] if len(others) == 1 else None
        variants = []
        for index, branch in enumerate(schema["allOf"]):
            where = f"{node.pointer}/allOf/{index}"
            try:
                value = branch["if"]["properties"][tag]["const"]
                then = branch["then"]
            except (KeyError, TypeError):
                raise GeneratorError(f"{self.where(node)}{where}: expected if/then on {tag!r}") from None
            if content is not None:
                sub = then["properties"][content]
                expr = self.expr(_Node(sub, node.base, f"{where}/then/properties/{content}"))
                description = str(sub.get("description", ""))
            elif "$ref" in then:
                ref = self.catalogue_ref(_Node(then, node.base, f"{where}/then"))
                if ref is None:
                    raise GeneratorError(f"{self.where(node)}{where}/then: variant must be a catalogue type")
                expr, description = ref, ""
            else:
                extra = then.get("additionalProperties", {})
                expr = MapOf(self.expr(_Node(extra, node.base, f"{where}/then/additionalProperties"))
                             if isinstance(extra, dict) and extra else ANY)
                description = str(then.get("description", ""))
            variants.append(UnionVariant(str(value), expr, description))
        kinds = [v.type for v in variants]
        if len(set(kinds)) != len(kinds):
            raise GeneratorError(f"{self.where(node)}: two variants of one union share a type")
        return TaggedUnion(**common, style="internal" if content is None else "adjacent", tag=tag,
                           content=content, variants=tuple(variants))


def refs_in(expr: TypeExpr) -> list[Ref]:
    if isinstance(expr, Ref):
        return [expr]
    if isinstance(expr, ListOf):
        return refs_in(expr.item)
    if isinstance(expr, MapOf):
        return refs_in(expr.value)
    if isinstance(expr, Nullable):
        return refs_in(expr.inner)
    return []


def type_refs(typedef: TypeDef) -> list[Ref]:
    """Every type a definition mentions (for imports and docs links)."""
    if isinstance(typedef, ObjectType):
        found = [r for f in typedef.fields for r in refs_in(f.type)]
        return found + (refs_in(typedef.extra) if typedef.extra else [])
    if isinstance(typedef, DataEnumType):
        return [r for v in typedef.variants for r in refs_in(v.type)]
    if isinstance(typedef, TaggedUnion):
        return [r for v in typedef.variants for r in refs_in(v.type)]
    if isinstance(typedef, UntaggedUnion):
        return [r for v in typedef.variants for r in refs_in(v)]
    if isinstance(typedef, NewType):
        return refs_in(typedef.inner)
    return []


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
    return Version(schema_set.version, module_name(schema_set.version), tuple(areas), tuple(sources))


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
