"""The npm package `@llm-analytics-hub/schemas` under generated/typescript/: one pure render function.

What it holds: a copy of every bundle and of the manifest (`schemas/`), TypeScript declarations of
every catalogue type per version (`types/<version>/<area>.d.ts`), a plain CommonJS entry point
(`index.js` + `index.d.ts`) whose `validate`/`validateJSON`/`isValid`/`writeJSON` are typed by literal
schema and version names (the `Catalogue` of index.d.ts), and the build step of the precompiled
validators (`scripts/build-validators.cjs`, run by `npm run build`).

The validators are Ajv's standalone code of each bundle (`validators/<version>/<area>/<Type>.js`), so
nothing compiles at run time. Ajv runs in Node, this generator in Python: rather than needing Node
for `llm-hub generate`, the package's build step writes them (`make generate` runs it after `llm-hub
generate`); the output is committed and drift-checked (`--check`, in `make gen-check`, `npm pack` and
the tests), and a pure function of the bundles, the script and the exact Ajv version pinned in
`devDependencies`. `llm-hub generate` leaves validators/ alone (writer.BUILT).

TypeScript spelling of the IR (this module turns every schema-derived string into a ready-made,
inert piece; the templates only place them):
- closed object -> interface (object literals get excess-member checks); open object -> interface
  with an index signature whose type covers the extra-member type and every declared member;
- absent-able member -> `name?: T`; nullable member -> `name: T | null` (the two are independent);
- enum -> union of string literals; data-carrying enum -> `"a" | "b" | { other: string }`;
- internally tagged union -> `({ tag: "x" } & VariantX) | ...`; adjacently tagged (EventPayload)
  -> `{ payload_type: "x"; data: X } | ...`; untagged union -> `A | B`;
- any JSON -> `JsonValue` (declared in each area module); uuid and date-time stay `string`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, assert_never

from ..schema_store import SchemaSet
from ..schema_view.vocabulary import FORMAT_PATTERNS
from ..versions import DEFAULT_VERSION
from .bundle import dump_json, rebased
from .ir import (
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
)
from .render import render_template
from .target import Context, Files, Target

ROOT = "typescript"
AJV_RANGE = "^8.17.1"
AJV_FORMATS_RANGE = "^3.0.1"
# The exact versions the standalone validators are built with (their code is a function of them).
AJV_VERSION = "8.17.1"
AJV_FORMATS_VERSION = "3.0.1"
SAFE_INTEGER = 2**53 - 1
LIMIT_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")

IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# TypeScript reserved words and the global/builtin type names the declarations use.
TS_RESERVED = frozenset({
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
    "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
    "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "as",
    "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield", "any",
    "boolean", "constructor", "declare", "get", "module", "require", "number", "set", "string", "symbol", "type",
    "from", "of", "unknown", "never", "object", "bigint", "undefined", "readonly", "keyof", "infer", "is", "asserts",
    "JsonValue",
})


def ts_string(text: str) -> str:
    """A TypeScript/JavaScript string literal for `text` (JSON escaping, which both languages read)."""
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def grouped(annotation: str) -> str:
    """`annotation` in parentheses when it is a union or intersection (before `[]` or inside a union)."""
    return f"({annotation})" if " | " in annotation or " & " in annotation else annotation


def member_key(wire: str) -> str:
    return wire if IDENTIFIER.match(wire) else ts_string(wire)


def doc_lines(text: str) -> list[str]:
    """The lines of a JSDoc block for `text` (never empty; `*/` cannot end the comment early)."""
    lines = [line.rstrip().replace("*/", "*\\/") for line in text.strip().splitlines()]
    return lines or [""]


@dataclass(frozen=True)
class MemberView:
    doc: list[str]
    key: str
    optional: bool
    annotation: str


@dataclass(frozen=True)
class TypeView:
    kind: str  # interface | alias
    name: str
    doc: list[str]
    members: list[MemberView]  # interface only
    index_signature: str  # interface only; "" for a closed object
    alias: str  # alias only


PRIMITIVES = {"str": "string", "int": "number", "float": "number", "bool": "boolean", "any": "JsonValue",
              "uuid": "string", "datetime": "string"}


class _Spelling:
    """TypeScript spelling of type expressions from inside one area module."""

    def __init__(self, version: Version, area: str) -> None:
        self.version = version
        self.area = area
        self.used_areas: set[str] = set()

    def name(self, ref: Ref) -> str:
        name = ts_name(self.version.lookup(ref))
        if ref.area == self.area:
            return name
        self.used_areas.add(ref.area)
        return f"_{ref.area}.{name}"

    def expr(self, expr: TypeExpr) -> str:
        match expr:
            case Prim(enum=enum) if enum:
                return " | ".join(ts_string(v) for v in enum)
            case Prim(kind=kind):
                return PRIMITIVES[kind]
            case Ref():
                return self.name(expr)
            case ListOf(item=item):
                return f"{grouped(self.expr(item))}[]"
            case MapOf(value=value):
                return f"{{ [key: string]: {self.expr(value)} }}"
            case Nullable(inner=inner):
                return f"{self.expr(inner)} | null"
            case _:
                assert_never(expr)

    def field_annotation(self, field: Field) -> str:
        text = self.expr(field.type)
        return f"{text} | null" if field.nullable else text


def ts_name(typedef: TypeDef) -> str:
    """The catalogue title when it is a usable TypeScript name, else the sanitised Python class name."""
    for name in (typedef.name, typedef.py, typedef.py + "_"):
        if IDENTIFIER.match(name) and name not in TS_RESERVED:
            return name
    raise GeneratorError(f"{typedef.source.path}: no usable TypeScript name for type {typedef.name!r}")


def _type_view(typedef: TypeDef, spell: _Spelling) -> TypeView:
    name = ts_name(typedef)
    doc = doc_lines(typedef.description or name)
    match typedef:
        case ObjectType():
            members = [MemberView(doc_lines(f.description) if f.description else [], member_key(f.wire),
                                  not f.required, spell.field_annotation(f)) for f in typedef.fields]
            index = ""
            if not typedef.closed:
                parts = [spell.expr(typedef.extra)] if typedef.extra is not None else ["JsonValue"]
                parts += [m.annotation for m in members]
                if any(m.optional for m in members):
                    parts.append("undefined")
                index = " | ".join(dict.fromkeys(parts))
            return TypeView("interface", name, doc, members, index, "")
        case EnumType():
            alias = " | ".join(ts_string(m.wire) for m in typedef.members)
        case DataEnumType():
            options = [ts_string(u.wire) for u in typedef.units]
            options += [f"{{ {member_key(v.key)}: {spell.expr(v.type)} }}" for v in typedef.variants]
            alias = " | ".join(options)
        case TaggedUnion():
            options = []
            for variant in typedef.variants:
                tag = f"{member_key(typedef.tag)}: {ts_string(variant.tag)}"
                if typedef.style == "adjacent":
                    assert typedef.content is not None
                    options.append(f"{{ {tag}; {member_key(typedef.content)}: {spell.expr(variant.type)} }}")
                else:
                    options.append(f"({{ {tag} }} & {spell.expr(variant.type)})")
            alias = " | ".join(options)
        case UntaggedUnion():
            alias = " | ".join(grouped(spell.expr(v)) for v in typedef.variants)
        case NewType():
            alias = spell.expr(typedef.inner)
        case _:
            assert_never(typedef)
    return TypeView("alias", name, doc, [], "", alias)


def _exact_limits(sets: list[SchemaSet]) -> list[str]:
    """Integer bounds beyond 2^53 anywhere in the schemas, exactly (JavaScript numbers cannot hold them)."""
    found: set[int] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in LIMIT_KEYWORDS and isinstance(value, int) and not isinstance(value, bool) \
                        and abs(value) > SAFE_INTEGER:
                    found.add(value)
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for schema_set in sets:
        for document in schema_set.documents.values():
            visit(document)
    return [str(v) for v in sorted(found)]


def _package_json(project_version: str, versions: list[Version], package: str) -> str:
    exports: dict[str, Any] = {
        ".": {"types": "./index.d.ts", "default": "./index.js"},
        "./package.json": "./package.json",
        "./schemas/*": "./schemas/*",
    }
    for version in versions:
        exports[f"./types/{version.version}"] = {"types": f"./types/{version.version}/index.d.ts"}
        exports[f"./types/{version.version}/*"] = {"types": f"./types/{version.version}/*.d.ts"}
    manifest = {
        "//": "Generated by `llm-hub generate` from the canonical JSON Schemas. DO NOT EDIT.",
        "name": package,
        "version": project_version,
        "description": "JSON Schema bundles, TypeScript types and an Ajv validator for LLM Analytics Hub payloads "
                       "(schema versions " + ", ".join(v.version for v in versions) + ").",
        "license": "Apache-2.0",
        "repository": {"type": "git", "url": "git+https://github.com/llm-analytics-hub/llm-analytics-hub.git",
                       "directory": "generated/typescript"},
        "llmAnalyticsHub": {"schemaVersions": [v.version for v in versions]},
        "main": "index.js",
        "types": "index.d.ts",
        "exports": exports,
        "files": ["index.js", "errors.js", "hints.js", "index.d.ts", "schemas/", "types/", "validators/", "README.md"],
        "sideEffects": False,
        "engines": {"node": ">=18"},
        "scripts": {"build": "node scripts/build-validators.cjs",
                    "prepack": "node scripts/build-validators.cjs --check"},
        # At run time the validators need only Ajv's runtime helpers and ajv-formats' date-time check.
        "dependencies": {"ajv": AJV_RANGE, "ajv-formats": AJV_FORMATS_RANGE},
        "devDependencies": {"ajv": AJV_VERSION, "ajv-formats": AJV_FORMATS_VERSION},
        "keywords": ["json-schema", "llm", "analytics", "ajv", "typescript"],
    }
    return dump_json(manifest)


def _catalogue(version: Version) -> list[tuple[str, str]]:
    """(name as a TypeScript key, type path under the version namespace) of every catalogue type of a
    version: `area.Name`, and the bare name where one area has it."""
    found = [(area.name, typedef) for area in version.areas for typedef in area.types if not typedef.synthetic]
    count: dict[str, int] = {}
    for _, typedef in found:
        count[typedef.name] = count.get(typedef.name, 0) + 1
    rows = []
    for area, typedef in found:
        path = f"{area}.{ts_name(typedef)}"
        rows.append((ts_string(f"{area}.{typedef.name}"), path))
        if count[typedef.name] == 1:
            rows.append((ts_string(typedef.name), path))
    return sorted(rows)


def _modules(manifest: Files) -> list[dict[str, str]]:
    """The literal require paths of each catalogue type's validators and bundle, from the manifest."""
    rows = json.loads(manifest["jsonschema/index.json"])["types"]
    return [{"key": ts_string(f"{row['version']}/{row['qualified']}"),
             "validator": ts_string("./validators/" + row["path"].removesuffix(".json") + ".js"),
             "bundle": ts_string("./schemas/" + row["path"])} for row in rows]


def render_typescript(context: Context) -> Files:
    """The whole npm package, as {path under generated/: text}; bundles and manifest are copied verbatim."""
    versions, sets = list(context.versions), list(context.schema_sets)
    project_version, package = context.project_version, context.settings.get("typescript", "package")
    files = rebased({**context.bundles, **context.manifest}, f"{ROOT}/schemas")
    for version in versions:
        folder = f"{ROOT}/types/{version.version}"
        for area in version.areas:
            spell = _Spelling(version, area.name)
            views = [_type_view(t, spell) for t in area.types]
            names = [v.name for v in views]
            if len(set(names)) != len(names):
                raise GeneratorError(f"{version.version}/{area.name}: two types share a TypeScript name")
            files[f"{folder}/{area.name}.d.ts"] = render_template(
                "typescript/area.d.ts.jinja2", version=version.version, area=area.name,
                sources=version.area_sources(area.name), imports=sorted(spell.used_areas), types=views)
        files[f"{folder}/index.d.ts"] = render_template(
            "typescript/version_index.d.ts.jinja2", version=version.version, sources=version.sources,
            areas=[a.name for a in version.areas])
    version_names = [v.version for v in versions]
    namespaces = [(v.module, v.version) for v in versions]
    files[f"{ROOT}/index.d.ts"] = render_template(
        "typescript/index.d.ts.jinja2", namespaces=namespaces, default_version=ts_string(DEFAULT_VERSION),
        catalogue=[(ts_string(v.version), v.module, _catalogue(v)) for v in versions])
    files[f"{ROOT}/index.js"] = render_template(
        "typescript/index.js.jinja2", default_version=ts_string(DEFAULT_VERSION),
        exact_limits=[ts_string(v) for v in _exact_limits(sets)], modules=_modules(context.manifest))
    files[f"{ROOT}/scripts/build-validators.cjs"] = render_template(
        "typescript/build-validators.cjs.jinja2", ajv_version=ts_string(AJV_VERSION),
        ajv_formats_version=ts_string(AJV_FORMATS_VERSION), uuid_pattern=ts_string(FORMAT_PATTERNS["uuid"]))
    files[f"{ROOT}/errors.js"] = render_template("typescript/errors.js.jinja2")
    files[f"{ROOT}/hints.js"] = render_template("typescript/hints.js.jinja2")
    files[f"{ROOT}/README.md"] = render_template(
        "typescript/README.md.jinja2", package=package, versions=version_names,
        latest=version_names[-1], latest_module=versions[-1].module)
    files[f"{ROOT}/package.json"] = _package_json(project_version, versions, package)
    return files


TARGET = Target("typescript", ROOT, render_typescript)
