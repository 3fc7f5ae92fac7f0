"""Value facets read from a schema view into the IR's `Facets`, and the keyword policy's last word:
an assertion the IR cannot place is a `GeneratorError` naming where it is, never dropped."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from ...schema_view.views import View
from ...schema_view.vocabulary import FORMATS
from .model import NO_FACETS, Facets, GeneratorError

# Which facets each kind of value keeps (the others can never apply to an instance of that type).
VALUES = frozenset({"enum", "has_const", "const"})
NUMBER = VALUES | {"minimum", "maximum", "exclusive_minimum", "exclusive_maximum", "multiple_of"}
STRING = VALUES | {"min_length", "max_length", "pattern"}
ARRAY = frozenset({"min_items", "max_items", "unique_items"})
OBJECT = frozenset({"min_properties", "max_properties"})

COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "multipleOf")
# JSON Schema keyword -> Facets field
FIELD_OF = {"minimum": "minimum", "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
            "exclusiveMaximum": "exclusive_maximum", "multipleOf": "multiple_of", "minLength": "min_length",
            "maxLength": "max_length", "pattern": "pattern", "format": "format", "minItems": "min_items",
            "maxItems": "max_items", "uniqueItems": "unique_items", "minProperties": "min_properties",
            "maxProperties": "max_properties", "enum": "enum", "const": "const"}


def facets_of(view: View) -> Facets:
    values: dict[str, Any] = {}
    for keyword, (value, _) in [*view.bounds.items(), *view.strings.items()]:
        if keyword in COUNTS and isinstance(value, float):
            value = int(value)  # 2.0 is an integer in JSON Schema; the engines count with integers
        values[FIELD_OF[keyword]] = value
    if values.get("format") not in (None, *FORMATS):
        raise GeneratorError(f"{view.where('format')}: format {values['format']!r} is not supported")
    if values.get("unique_items") is False:
        del values["unique_items"]
    if view.enum is not None:
        values["enum"] = tuple(view.enum)
    if view.has_const:
        values["has_const"], values["const"] = True, view.const
    return Facets(**values) if values else NO_FACETS


def only(facets: Facets, kept: frozenset[str]) -> Facets:
    """`facets` without those that never apply to the value's type."""
    if not facets:
        return facets
    dropped: dict[str, Any] = {f.name: getattr(NO_FACETS, f.name) for f in fields(Facets) if f.name not in kept}
    return replace(facets, **dropped)


def refuse_unplaced(view: View) -> None:
    """A keyword the view could not read (outside the vocabulary, or in a form it does not model)."""
    if view.other:
        keyword = sorted(view.other)[0]
        raise GeneratorError(f"{view.where(keyword.split(' ')[0].split('/')[0])}: keyword {keyword!r} "
                             "is not supported here")
    if view.never:
        raise GeneratorError(f"{view.at.display}: the `false` schema is not supported")


def refuse_facets(view: View, kind: str, kept: frozenset[str] = frozenset()) -> None:
    """A type whose IR form has no room for the facets beside it (a union, an enum type)."""
    facets = only(facets_of(view), frozenset(f.name for f in fields(Facets)) - kept)
    if facets:
        names = [keyword for keyword, name in FIELD_OF.items()
                 if getattr(facets, name) != getattr(NO_FACETS, name) and keyword != "format"]
        if names:
            raise GeneratorError(f"{view.where(names[0])}: {names[0]!r} beside {kind} is not supported")
