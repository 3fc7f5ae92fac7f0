"""Type expressions and constraints as HTML for the site: one exhaustive dispatch over the IR.

Everything returned is `Markup` built with `Markup.format`, so names and values from the schemas
are escaped on the way in; the site templates autoescape everything else.
"""

from __future__ import annotations

import json
from typing import assert_never

from markupsafe import Markup

from ..ir import ListOf, MapOf, Nullable, Prim, Ref, TypeExpr, Version
from ..ir.describe import constraints as ir_constraints
from . import paths

PRIMITIVE_TEXT = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "any": "any JSON",
    "uuid": "string (uuid)",
    "datetime": "string (date-time)",
}


def prose(text: str) -> Markup:
    """Description text, escaped, with `backtick spans` shown as code (the schemas' only markup)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text exactly as written
        return Markup("{}").format(text)
    out = Markup("")
    for index, part in enumerate(parts):
        out += Markup("<code>{}</code>").format(part) if index % 2 else Markup("{}").format(part)
    return out


def show(value: object) -> str:
    """A JSON value as written on the wire."""
    return json.dumps(value, ensure_ascii=False)


class Linker:
    """Spells type expressions of one version, linking referenced types, from a page at `root`."""

    def __init__(self, version: Version, root: str, collisions: frozenset[str]) -> None:
        self.version = version
        self.root = root
        self.collisions = collisions

    def href(self, ref: Ref) -> str:
        target = self.version.lookup(ref)
        return self.root + paths.type_page(self.version.version, ref.area, target.py)

    def label(self, ref: Ref) -> str:
        return f"{ref.area}.{ref.name}" if ref.name in self.collisions else ref.name

    def link(self, ref: Ref) -> Markup:
        return Markup('<a class="type-link" href="{}">{}</a>').format(self.href(ref), self.label(ref))

    def expr(self, expr: TypeExpr) -> Markup:
        match expr:
            case Prim():
                return Markup("{}").format(PRIMITIVE_TEXT[expr.kind])
            case Ref():
                return self.link(expr)
            case ListOf():
                return Markup("array of {}").format(self.expr(expr.item))
            case MapOf():
                return Markup("map of string \u2192 {}").format(self.expr(expr.value))
            case Nullable():
                return Markup("{} or null").format(self.expr(expr.inner))
            case _:
                assert_never(expr)


def constraints(expr: TypeExpr) -> list[str]:
    """What a value must satisfy beyond its JSON type, as plain text (escaped by the templates)."""
    return ir_constraints(expr, show)
