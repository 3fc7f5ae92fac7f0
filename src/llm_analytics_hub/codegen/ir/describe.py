"""What a value must satisfy beyond its JSON type, in words: the constraint column of the Markdown docs
and of the schema browser, both read from the IR's facets (one wording for both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

from ...schema_view.vocabulary import FORMAT_PATTERNS
from .model import Facets, ListOf, MapOf, Nullable, Prim, Ref, TypeExpr

Quote = Callable[[object], str]  # how a literal value (enum member, pattern) is shown


def constraints(expr: TypeExpr, quote: Quote) -> list[str]:
    match expr:
        case Prim():
            return _prim(expr, quote)
        case ListOf():
            return _counts(expr.facets, "items") + [f"items: {c}" for c in constraints(expr.item, quote)]
        case MapOf():
            return _counts(expr.facets, "members") + [f"values: {c}" for c in constraints(expr.value, quote)]
        case Nullable():
            return constraints(expr.inner, quote)
        case Ref():
            return []
        case _:
            assert_never(expr)


def _prim(prim: Prim, quote: Quote) -> list[str]:
    facets = prim.facets
    found = []
    if prim.kind == "int":  # the inclusive bounds its integer type is chosen by
        found += [f"\u2265 {prim.minimum}"] if prim.minimum is not None else []
        found += [f"\u2264 {prim.maximum}"] if prim.maximum is not None else []
    else:
        for bound, sign in ((facets.minimum, "\u2265"), (facets.maximum, "\u2264"), (facets.exclusive_minimum, ">"),
                            (facets.exclusive_maximum, "<")):
            found += [f"{sign} {bound}"] if bound is not None else []
    if facets.multiple_of is not None:
        found.append(f"multiple of {facets.multiple_of}")
    found += _lengths(facets)
    if prim.kind == "uuid" or facets.format == "uuid":
        found.append("format uuid (8-4-4-4-12 hex)")
    if prim.kind == "datetime" or facets.format == "date-time":
        found.append("format date-time (RFC 3339, with offset)")
    if facets.pattern is not None and facets.pattern not in FORMAT_PATTERNS.values():
        found.append(f"pattern {quote(facets.pattern)}")
    if facets.has_const:
        found.append(f"always {quote(facets.const)}")
    elif facets.enum is not None:
        found.append("one of " + ", ".join(quote(v) for v in facets.enum))
    if prim.kind == "any":
        found += _counts(facets, "items") + _counts(facets, "members")
    return found


def _lengths(facets: Facets) -> list[str]:
    low, high = facets.min_length, facets.max_length
    if low is not None and high is not None:
        return [f"{low}\u2013{high} characters" if low != high else f"exactly {low} characters"]
    if low is not None:
        return [f"at least {low} character{'s' if low != 1 else ''}"]
    return [f"at most {high} characters"] if high is not None else []


def _counts(facets: Facets, what: str) -> list[str]:
    low, high = (facets.min_items, facets.max_items) if what == "items" else \
        (facets.min_properties, facets.max_properties)
    found = []
    if low is not None and high is not None:
        found.append(f"{low}\u2013{high} {what}")
    elif low is not None:
        found.append(f"at least {low} {what}")
    elif high is not None:
        found.append(f"at most {high} {what}")
    if what == "items" and facets.unique_items:
        found.append("unique items")
    return found
