"""The compat rules of single keywords: type, enum/const, numeric and length bounds, pattern,
format and uniqueItems. Each function reports the changes between two views through `add`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..schema_view.views import LOWER_BOUNDS, View

Adder = Callable[..., None]  # add(rule, message, old_where=None, new_where=None)

BOUND_SLUG = {
    "minimum": "minimum", "exclusiveMinimum": "exclusive-minimum", "minLength": "min-length",
    "minItems": "min-items", "minProperties": "min-properties", "maximum": "maximum",
    "exclusiveMaximum": "exclusive-maximum", "maxLength": "max-length", "maxItems": "max-items",
    "maxProperties": "max-properties",
}


def show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def covered(json_type: str, types: frozenset[str]) -> bool:
    return json_type in types or (json_type == "integer" and "number" in types)


def types_changes(old: View, new: View, add: Adder) -> None:
    if old.types == new.types:
        return
    if old.types is None:
        add("type-narrowed", f"type restricted to {sorted(new.types or [])}", None, new.where("type"))
        return
    if new.types is None:
        add("type-widened", f"type {sorted(old.types)} no longer restricted", old.where("type"), None)
        return
    lost = sorted(t for t in old.types if not covered(t, new.types))
    gained = sorted(t for t in new.types if not covered(t, old.types))
    if lost:
        add("type-narrowed", f"type {sorted(old.types)} -> {sorted(new.types)}: {', '.join(lost)} "
            "no longer accepted", old.where("type"), new.where("type"))
    if gained:
        add("type-widened", f"type {sorted(old.types)} -> {sorted(new.types)}: {', '.join(gained)} "
            "now accepted", old.where("type"), new.where("type"))


def enum_const_changes(old: View, new: View, add: Adder) -> None:
    if old.enum is not None and new.enum is not None:
        removed = [v for v in old.enum if v not in new.enum]
        added = [v for v in new.enum if v not in old.enum]
        for value in removed:
            add("enum-value-removed", f"enum value {show(value)} removed", old.where("enum"), new.where("enum"))
        for value in added:
            add("enum-value-added", f"enum value {show(value)} added", old.where("enum"), new.where("enum"))
    elif old.enum is not None:
        add("enum-removed", "the closed enum became a free value", old.where("enum"), None)
    elif new.enum is not None:
        add("enum-added", f"now restricted to {show(new.enum)}", None, new.where("enum"))
    if old.has_const and new.has_const:
        if old.const != new.const:
            add("const-changed", f"const {show(old.const)} -> {show(new.const)}",
                old.where("const"), new.where("const"))
    elif old.has_const:
        add("const-removed", f"const {show(old.const)} removed", old.where("const"), None)
    elif new.has_const:
        add("const-added", f"now const {show(new.const)}", None, new.where("const"))


def bounds_changes(old: View, new: View, add: Adder) -> None:
    for keyword, slug in BOUND_SLUG.items():
        before, after = old.bounds.get(keyword), new.bounds.get(keyword)
        if before is None and after is None:
            continue
        old_where = f"{before[1].display}/{keyword}" if before else None
        new_where = f"{after[1].display}/{keyword}" if after else None
        if before is None and after is not None:
            add(f"{slug}-added", f"{keyword} {after[0]} added", old_where, new_where)
        elif after is None and before is not None:
            add(f"{slug}-removed", f"{keyword} {before[0]} removed", old_where, new_where)
        elif before is not None and after is not None and before[0] != after[0]:
            tighter = after[0] > before[0] if keyword in LOWER_BOUNDS else after[0] < before[0]
            add(f"{slug}-{'tightened' if tighter else 'loosened'}",
                f"{keyword} {before[0]} -> {after[0]}", old_where, new_where)


def string_changes(old: View, new: View, add: Adder) -> None:
    for keyword, slug in (("pattern", "pattern"), ("format", "format")):
        before, after = old.strings.get(keyword), new.strings.get(keyword)
        old_where = f"{before[1].display}/{keyword}" if before else None
        new_where = f"{after[1].display}/{keyword}" if after else None
        if before and after and before[0] != after[0]:
            add(f"{slug}-changed", f"{keyword} {show(before[0])} -> {show(after[0])}", old_where, new_where)
        elif after and not before:
            add(f"{slug}-added", f"{keyword} {show(after[0])} added", old_where, new_where)
        elif before and not after:
            add(f"{slug}-removed", f"{keyword} {show(before[0])} removed", old_where, new_where)
    _multiple_of_changes(old, new, add)
    unique_before = bool(old.strings.get("uniqueItems", (False,))[0])
    unique_after = bool(new.strings.get("uniqueItems", (False,))[0])
    if unique_after and not unique_before:
        add("unique-items-added", "array items must now be unique")
    elif unique_before and not unique_after:
        add("unique-items-removed", "array items may now repeat")


def _multiple_of_changes(old: View, new: View, add: Adder) -> None:
    before, after = old.strings.get("multipleOf"), new.strings.get("multipleOf")
    old_where = f"{before[1].display}/multipleOf" if before else None
    new_where = f"{after[1].display}/multipleOf" if after else None
    if before and after and before[0] != after[0]:
        # every old multiple stays one exactly when the new divisor divides the old one
        loosened = float(before[0]) % float(after[0]) == 0
        add(f"multiple-of-{'loosened' if loosened else 'tightened'}",
            f"multipleOf {show(before[0])} -> {show(after[0])}", old_where, new_where)
    elif after and not before:
        add("multiple-of-added", f"multipleOf {show(after[0])} added", old_where, new_where)
    elif before and not after:
        add("multiple-of-removed", f"multipleOf {show(before[0])} removed", old_where, new_where)
