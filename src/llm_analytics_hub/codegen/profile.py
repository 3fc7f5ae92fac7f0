"""The codegen profile: every type again, in the JSON Schema subset third-party generators read.

datamodel-code-generator, quicktype, typify and go-jsonschema ignore `if`/`then`,
`unevaluatedProperties` and nested `$defs`, so they silently accept wrong payloads when given the
canonical bundles. The profile spells the same types from the IR so that they cannot go wrong:

- a tagged union is a `oneOf` of standalone variant objects (`$defs` "<area>.<Union><Tag>"), each
  holding its tag as a required `const` member, plus a `discriminator` {propertyName, mapping}; the
  variant of an internally tagged union that repeats a catalogue object says which in `x-variant-of`;
- a closed object is `additionalProperties: false` with every member merged in (flattened types too);
- only root-level `$defs`, keyed "<area>.<Title>" (titles repeat across areas), each with a `title`;
- no `if`/`then`, no `unevaluatedProperties`.

Output: one bundle per catalogue type, `jsonschema-codegen/<version>/<area>/<Type>.json` (the type at
the root, what it reaches in `$defs`), one `jsonschema-codegen/<version>/_all.json` with every type
of the version (the input of whole-package generators), and the manifest `jsonschema-codegen/index.json`.
Verdicts equal the canonical bundles' (tests/test_codegen_profile.py proves it on every case).
"""

from __future__ import annotations

import hashlib
from typing import Any, assert_never

from ..schema_view.vocabulary import FORMAT_PATTERNS
from .bundle import DRAFT, bundle_path, dump_json
from .ir import (
    DataEnumType,
    EnumType,
    Facets,
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
    UnionVariant,
    UntaggedUnion,
    Version,
    is_any,
    refs_in,
    type_refs,
)
from .ir.facets import FIELD_OF
from .ir.identifiers import class_name
from .ir.model import NO_FACETS
from .naming import capitalized, words
from .target import Files, Target

Schema = dict[str, Any]

ROOT = "jsonschema-codegen"
VARIANT_OF = "x-variant-of"  # an extension keyword: validators and generators pass over it
ID_BASE = "https://llm-analytics-hub.invalid/codegen/"
PRIMITIVES: dict[str, Schema] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "any": {},
    "uuid": {"type": "string", "format": "uuid"},
    "datetime": {"type": "string", "format": "date-time"},
}

# The RFC 3339 shape the canonical schemas pin beside `format: date-time`, and the same shape with the
# calendar spelled out (days per month, 29 February in leap years only), which the profile writes
# instead: a generator without format checks (pydantic keeps patterns, not formats) then gives the
# verdict of shape + format. tests/test_codegen_profile.py checks the two agree day by day.
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_TIME = "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
DATE_TIME_SHAPE = "^" + _YEAR + "-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])" + _TIME + "$"
_MONTH_DAY = ("(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
              "|02-(?:0[1-9]|1[0-9]|2[0-8]))")
DATE_TIME_CALENDAR = "^(?:" + _YEAR + "-" + _MONTH_DAY + "|" + _LEAP_YEAR + "-02-29)" + _TIME + "$"


def _camel(wire: str) -> str:
    return capitalized(words(wire))


def def_key(area: str, name: str) -> str:
    return f"{area}.{name}"


def facet_keywords(facets: Facets) -> Schema:
    """The JSON Schema keywords of one value's facets (`schema_view.vocabulary`'s spelling)."""
    return {keyword: getattr(facets, name) for keyword, name in FIELD_OF.items()
            if getattr(facets, name) != getattr(NO_FACETS, name) and (keyword != "const" or facets.has_const)}


def _pointer(key: str) -> str:
    return "#/$defs/" + key.replace("~", "~0").replace("/", "~1")


def _described(schema: Schema, description: str) -> Schema:
    return {"description": description, **schema} if description else schema


class _Profile:
    """Profile definitions of one version, keyed by `$defs` key."""

    def __init__(self, version: Version) -> None:
        self.version = version
        self.inline_of: dict[Ref, tuple[str, int]] = {}  # synthetic object -> (its union, anyOf index)
        for area in version.areas:
            for typedef in area.types:
                if isinstance(typedef, UntaggedUnion):
                    for index, option in enumerate(typedef.variants):
                        if isinstance(option, Ref) and version.lookup(option).synthetic:
                            self.inline_of[option] = (typedef.name, index)
        self.taken = {area.name: {t.name for t in area.types} for area in version.areas}  # titles per area
        self.helpers: dict[str, list[str]] = {}  # type key -> keys of its variant / unit definitions
        self.definitions: dict[str, Schema] = {}
        self.reaches: dict[str, list[str]] = {}  # key -> keys its definition refers to directly
        for area in version.areas:
            for typedef in area.types:
                self.define(typedef)

    # -- type expressions

    def expr(self, expr: TypeExpr) -> Schema:
        match expr:
            case Prim():
                schema = {**PRIMITIVES[expr.kind], **facet_keywords(expr.facets)}
                if expr.kind == "datetime" and schema.get("pattern") == DATE_TIME_SHAPE:
                    schema["pattern"] = DATE_TIME_CALENDAR
                if expr.kind == "uuid":  # generators keep patterns, not formats: the uuid shape as one
                    schema.setdefault("pattern", FORMAT_PATTERNS["uuid"])
                return schema
            case Ref():
                return {"$ref": _pointer(def_key(expr.area, expr.name))}
            case ListOf():
                return {"type": "array", "items": self.expr(expr.item), **facet_keywords(expr.facets)}
            case MapOf():
                return {"type": "object", "additionalProperties": self.expr(expr.value),
                        **facet_keywords(expr.facets)}
            case Nullable(inner=Prim() as prim) if prim.kind != "any" and not prim.facets.values:
                # a type list, not an anyOf: a generator then writes `str | None` with the constraints
                # beside it, where an anyOf branch with constraints becomes a model of its own
                inner = self.expr(prim)
                return {**inner, "type": [inner["type"], "null"]}
            case Nullable():
                return {"anyOf": [self.expr(expr.inner), {"type": "null"}]}
            case _:
                assert_never(expr)

    def field(self, item: Field) -> Schema:
        spelled = self.expr(Nullable(item.type) if item.nullable else item.type)
        if item.has_default:
            spelled = {**spelled, "default": item.default}
        return _described(spelled, item.description)

    def object_schema(self, typedef: ObjectType, title: str | None, description: str,
                      tag: tuple[str, str] | None) -> Schema:
        properties: Schema = {}
        required: list[str] = []
        if tag is not None:
            properties[tag[0]] = {"const": tag[1]}
            required.append(tag[0])
        for item in typedef.fields:
            if tag is not None and item.wire == tag[0]:
                continue
            properties[item.wire] = self.field(item)
            if item.required:
                required.append(item.wire)
        schema: Schema = _described({"title": title} if title else {}, description)
        schema["type"] = "object"
        schema["properties"] = properties
        if required:
            schema["required"] = required
        if typedef.closed:
            schema["additionalProperties"] = False
        elif typedef.extra is not None and not is_any(typedef.extra):
            schema["additionalProperties"] = self.expr(typedef.extra)
        else:
            schema["additionalProperties"] = True
        return {**schema, **facet_keywords(typedef.facets)}

    # -- type definitions

    def define(self, typedef: TypeDef) -> None:
        key = def_key(typedef.area, typedef.name)
        described = _described({"title": typedef.name}, typedef.description)
        match typedef:
            case ObjectType():
                schema = self.object_schema(typedef, typedef.name, typedef.description, None)
            case EnumType():
                schema = {**described, "type": "string", "enum": [m.wire for m in typedef.members]}
            case DataEnumType():
                options = [self.helper(typedef, typedef.unit_py, {
                    "type": "string", "enum": [u.wire for u in typedef.units]}, [])]
                for data in typedef.variants:
                    options.append(self.helper(typedef, typedef.name + _camel(data.key), _described({
                        "type": "object", "properties": {data.key: self.expr(data.type)},
                        "required": [data.key], "additionalProperties": False}, data.description),
                        refs_in(data.type)))
                schema = {**described, "anyOf": options}
            case TaggedUnion():
                schema = self.tagged(typedef, described)
            case UntaggedUnion():
                spelled = []
                for index, (option, text) in enumerate(zip(typedef.variants, typedef.variant_descriptions,
                                                           strict=True)):
                    if isinstance(option, Ref):
                        spelled.append(_described(self.expr(option), text))
                        continue
                    spelled.append(self.helper(typedef, f"{typedef.name}Variant{index + 1}",
                                               _described(self.expr(option), text), refs_in(option)))
                schema = {**described, "anyOf": spelled}
            case NewType():
                schema = {**described, **self.expr(typedef.inner)}
            case _:
                assert_never(typedef)
        refs = [def_key(r.area, r.name) for r in type_refs(typedef)] + self.helpers.pop(key, [])
        self.add(key, schema, refs)

    def helper(self, owner: TypeDef, title: str, schema: Schema, refs: list[Ref]) -> Schema:
        """A titled `$defs` entry for a part of `owner` (variant, unit enum), and a `$ref` to it."""
        title = class_name(title, self.taken[owner.area])
        self.taken[owner.area].add(title)
        key = def_key(owner.area, title)
        self.add(key, {"title": title, **schema}, [def_key(r.area, r.name) for r in refs])
        self.helpers.setdefault(def_key(owner.area, owner.name), []).append(key)
        return {"$ref": _pointer(key)}

    def add(self, key: str, schema: Schema, refs: list[str]) -> None:
        self.definitions[key] = schema
        self.reaches[key] = refs

    def tagged(self, union: TaggedUnion, described: Schema) -> Schema:
        mapping: dict[str, str] = {}
        for variant in union.variants:
            schema, refs = self.variant(union, variant)
            title = union.name + (_camel(variant.tag) or "Variant")
            mapping[variant.tag] = self.helper(union, title, schema, refs)["$ref"]
        return {**described, "oneOf": [{"$ref": target} for target in mapping.values()],
                "discriminator": {"propertyName": union.tag, "mapping": mapping}}

    def variant(self, union: TaggedUnion, variant: UnionVariant) -> tuple[Schema, list[Ref]]:
        """A standalone object for one variant: the tag as `const`, then the content or the leaf's members."""
        refs = refs_in(variant.type)
        description = variant.description or f'{union.name} with {union.tag} "{variant.tag}".'
        if union.style == "adjacent":
            assert union.content is not None
            content = _described(self.expr(variant.type), variant.description)
            return {"description": description, "type": "object",
                    "properties": {union.tag: {"const": variant.tag}, union.content: content},
                    "required": [union.tag, union.content], "additionalProperties": False}, refs
        if isinstance(variant.type, Ref):
            leaf = self.version.lookup(variant.type)
            if isinstance(leaf, ObjectType):
                schema = self.object_schema(leaf, None, description, (union.tag, variant.tag))
                # which standalone type this variant repeats with its tag (read by pydantic_unions)
                schema[VARIANT_OF] = def_key(variant.type.area, variant.type.name)
                return schema, type_refs(leaf)
        if isinstance(variant.type, MapOf):
            return {"description": description, "type": "object",
                    "properties": {union.tag: {"const": variant.tag}}, "required": [union.tag],
                    "additionalProperties": self.expr(variant.type.value)}, refs
        raise AssertionError(f"{union.name}: variant {variant.tag!r} is neither an object nor a map")

    # -- documents

    def closure(self, key: str) -> list[str]:
        seen: dict[str, None] = {}
        stack = [key]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen[current] = None
            stack.extend(self.reaches[current])
        return sorted(seen)

    def bundle(self, typedef: TypeDef) -> Schema:
        key = def_key(typedef.area, typedef.name)
        others = [k for k in self.closure(key) if k != key]
        document: Schema = {"$schema": DRAFT,
                            "$id": f"{ID_BASE}{self.version.version}/{typedef.area}/{typedef.name}.json",
                            "$ref": _pointer(key)}
        document["$defs"] = {k: self.definitions[k] for k in sorted([key, *others])}
        return document

    def everything(self) -> Schema:
        return {"$schema": DRAFT, "$id": f"{ID_BASE}{self.version.version}/_all.json",
                "description": f"Every type of schema version {self.version.version} in the codegen profile, "
                               "as $defs keyed <area>.<Title>: the input of whole-package generators.",
                "$defs": {k: self.definitions[k] for k in sorted(self.definitions)}}


def render_codegen_profiles(versions: list[Version]) -> Files:
    """Every profile bundle, the per-version `_all.json` and the manifest, as {relative path: text}."""
    files: Files = {}
    rows: list[dict[str, str]] = []
    for version in versions:
        profile = _Profile(version)
        for area in version.areas:
            for typedef in area.types:
                if typedef.synthetic:
                    continue
                path = bundle_path(version.version, area.name, typedef.name)
                text = dump_json(profile.bundle(typedef))
                files[f"{ROOT}/{path}"] = text
                rows.append({"type": typedef.name, "qualified": f"{area.name}.{typedef.name}", "area": area.name,
                             "version": version.version, "path": path,
                             "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
        files[f"{ROOT}/{version.version}/_all.json"] = dump_json(profile.everything())
    manifest = {
        "comment": "Generated by `llm-hub generate`. DO NOT EDIT. The codegen profile of every bundle "
                   "(oneOf + const tags + discriminator, no if/then, no unevaluatedProperties, root $defs only); "
                   "same verdicts as jsonschema/.",
        "versions": [v.version for v in versions],
        "all": {v.version: f"{v.version}/_all.json" for v in versions},
        "types": sorted(rows, key=lambda r: (r["version"], r["area"], r["type"])),
    }
    files[f"{ROOT}/index.json"] = dump_json(manifest)
    return files


TARGET = Target("codegen-profile", ROOT, lambda context: render_codegen_profiles(list(context.versions)))
