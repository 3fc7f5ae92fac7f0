"""The Markdown docs target (generated/docs/): per version an index and a page per area, made from
views of the IR (escaped table cells, type links and examples, ready for the templates), and the
changelog and compat-rules pages of `changelog`."""

from __future__ import annotations

import html
import json
import re
from typing import Any, assert_never

from .changelog import render_changelogs, render_rules_page
from .ir import (
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
from .ir.describe import constraints
from .render import render_template
from .target import Context, Files, Target

ROOT = "docs"
NONE = "\u2013"  # an en dash for empty table cells

KIND_LABELS = {
    "closed": "object (closed: undeclared members are rejected)",
    "open": "object (open: undeclared members are allowed, typed as stated below)",
}


def cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    text = html.escape(text, quote=False)
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def prose(text: str) -> str:
    return html.escape(text, quote=False)


def anchor(typedef: TypeDef) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", typedef.py.lower())


def code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced_json(value: Any) -> str:
    body = json.dumps(value, indent=2, ensure_ascii=False)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}json\n{body}\n{fence}"


class DocNamer:
    def __init__(self, version: Version, area: Area) -> None:
        self.version = version
        self.area = area

    def link(self, ref: Ref) -> str:
        target = self.version.lookup(ref)
        page = "" if ref.area == self.area.name else f"{ref.area}.md"
        label = target.name if ref.area == self.area.name else f"{ref.area}.{target.name}"
        return f"[{cell(label)}]({page}#{anchor(target)})"

    def type_text(self, expr: TypeExpr) -> str:
        match expr:
            case Prim(kind=kind):
                return PRIMITIVES[kind]
            case Ref():
                return self.link(expr)
            case ListOf(item=item):
                return f"array of {self.type_text(item)}"
            case MapOf(value=value):
                return f"object of string → {self.type_text(value)}"
            case Nullable(inner=inner):
                return f"{self.type_text(inner)} or null"
            case _:
                assert_never(expr)


PRIMITIVES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "any": "any JSON",
              "uuid": "string (uuid)", "datetime": "string (date-time)"}


def field_row(field: Field, namer: DocNamer) -> dict[str, str]:
    notes = [cell(c) for c in constraints(field.type, lambda v: code(json.dumps(v, ensure_ascii=False)))]
    if field.has_default:
        notes.append("default " + code(json.dumps(field.default, ensure_ascii=False)))
    return {
        "name": code(field.wire),
        "type": namer.type_text(field.type),
        "required": "yes" if field.required else "no",
        "nullable": "yes" if field.nullable else "no",
        "constraints": "; ".join(notes) or NONE,
        "description": cell(field.description) or NONE,
    }


def type_doc(typedef: TypeDef, namer: DocNamer) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": prose(typedef.name),
        "anchor": anchor(typedef),
        "description": prose(typedef.description),
        "source": code(typedef.source.path),
        "examples": [fenced_json(e) for e in typedef.examples],
        "fields": [], "extra": "", "flattened": "", "enum_values": [], "variants": [], "variant_header": "",
        "synthetic": typedef.synthetic,
    }
    match typedef:
        case ObjectType():
            doc["kind"] = KIND_LABELS["closed" if typedef.closed else "open"]
            doc["fields"] = [field_row(f, namer) for f in typedef.fields]
            if typedef.extra is not None:
                doc["extra"] = namer.type_text(typedef.extra)
            if typedef.flattened:
                doc["flattened"] = ", ".join(namer.link(r) for r in typedef.flattened)
        case EnumType():
            doc["kind"] = "string enum"
            doc["enum_values"] = [code(json.dumps(m.wire, ensure_ascii=False)) for m in typedef.members]
        case DataEnumType():
            doc["kind"] = "string enum with data-carrying variants (an object with exactly one member)"
            doc["enum_values"] = [code(json.dumps(m.wire, ensure_ascii=False)) for m in typedef.units]
            doc["variant_header"] = "| written as | value type | description |"
            doc["variants"] = [
                {"key": code(json.dumps({v.key: "…"}, ensure_ascii=False)), "type": namer.type_text(v.type),
                 "description": cell(v.description) or NONE} for v in typedef.variants]
        case TaggedUnion():
            if typedef.style == "internal":
                doc["kind"] = (f"tagged union (internally tagged: {code(typedef.tag)} sits beside the members "
                               "of the chosen variant)")
                doc["variant_header"] = f"| {code(typedef.tag)} | members beside the tag | description |"
            else:
                doc["kind"] = (f"tagged union (adjacently tagged: {code(typedef.tag)} names the variant, "
                               f"{code(typedef.content or '')} holds it)")
                doc["variant_header"] = f"| {code(typedef.tag)} | {code(typedef.content or '')} holds | description |"
            doc["variants"] = [
                {"key": code(json.dumps(v.tag, ensure_ascii=False)), "type": namer.type_text(v.type),
                 "description": cell(v.description) or NONE} for v in typedef.variants]
        case UntaggedUnion():
            doc["kind"] = "untagged union (no discriminator: the first variant, in this order, that fits wins)"
            doc["variant_header"] = "| order | shape | description |"
            doc["variants"] = [
                {"key": str(i), "type": namer.type_text(v), "description": cell(d) or NONE}
                for i, (v, d) in enumerate(zip(typedef.variants, typedef.variant_descriptions, strict=True), start=1)]
        case NewType():
            doc["kind"] = f"newtype: on the wire just {namer.type_text(typedef.inner)}"

        case _:
            assert_never(typedef)
    return doc


def area_doc(version: Version, area: Area) -> dict[str, Any]:
    namer = DocNamer(version, area)
    return {"name": area.name, "version": version.version,
            "types": [type_doc(t, namer) for t in area.types],
            "toc": [{"name": prose(t.name), "anchor": anchor(t)} for t in area.types if not t.synthetic]}


def summary(text: str) -> str:
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def index_doc(version: Version) -> dict[str, Any]:
    return {"version": version.version,
            "areas": [{"name": a.name,
                       "types": [{"name": cell(t.name), "anchor": anchor(t), "summary": cell(summary(t.description))}
                                 for t in a.types if not t.synthetic]}
                      for a in version.areas]}


def render_version_docs(version: Version) -> Files:
    files: Files = {}
    folder = f"{ROOT}/{version.version}"
    for area in version.areas:
        files[f"{folder}/{area.name}.md"] = render_template(
            "docs/area.md.jinja2", version=version.version, sources=version.area_sources(area.name),
            doc=area_doc(version, area))
    files[f"{folder}/index.md"] = render_template(
        "docs/index.md.jinja2", version=version.version, sources=version.sources, doc=index_doc(version))
    return files


def render_docs(context: Context) -> Files:
    files: Files = {}
    for version in context.versions:
        files.update(render_version_docs(version))
    files.update(render_changelogs(list(context.schema_sets)))
    files.update(render_rules_page())
    return files


TARGET = Target("docs", ROOT, render_docs)
