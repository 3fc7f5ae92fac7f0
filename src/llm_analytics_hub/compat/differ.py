"""The static half of `llm-hub compat`: compare two version folders type by type, by named rule.

Every catalogue type of OLD is compared with the type of the same area and title in NEW. A pure
`$ref` that points at the same schema on both sides is not descended into: the target is compared
once, as its own unit, and the reference site gets a `ref-target-changed` finding whose kind is the
worst change of the target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..schema_store import SchemaSet, TypeEntry
from ..schema_view.views import At, View, build_view, follow, locate, merged
from .keyword_rules import bounds_changes, enum_const_changes, show, string_changes, types_changes
from .rules import KIND_ORDER, RULES_BY_ID, worst

ANNOTATION_RULE = {"title": "title-changed", "description": "description-changed",
                   "examples": "examples-changed", "default": "default-changed",
                   "$comment": "comment-changed", "deprecated": "deprecated-changed"}


@dataclass(frozen=True)
class Change:
    """One classified difference between OLD and NEW."""

    rule: str
    type: str  # catalogue type (area.Name) or shared schema (common.json#/$defs/u32) it belongs to
    old: str | None  # location in OLD: relative file + "#" + JSON pointer; None when absent
    new: str | None
    kind: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "type": self.type, "old": self.old, "new": self.new,
                "kind": self.kind, "message": self.message}


@dataclass
class Differ:
    old: SchemaSet
    new: SchemaSet
    unit_labels: dict[str, str] = field(default_factory=dict)
    units: dict[str, list[Change]] = field(default_factory=dict)
    in_progress: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for entry in self.old.types:
            self.unit_labels[_key(entry)] = entry.qualified

    # ---- units -----------------------------------------------------------------------------
    def run(self) -> list[Change]:
        new_types = {t.qualified: t for t in self.new.types}
        old_types = {t.qualified: t for t in self.old.types}
        out: list[Change] = []
        for name, entry in old_types.items():
            if name not in new_types:
                out.append(Change("type-removed", name, _loc(entry), None, "breaking",
                                  f"type {name} was removed"))
                continue
            self.unit(_key(entry), old_at(entry, self.old), old_at(new_types[name], self.new))
        for name, entry in new_types.items():
            if name not in old_types:
                self.unit_labels[_key(entry)] = name
                out.append(Change("type-added", name, None, _loc(entry), "compatible", f"new type {name}"))
        for changes in self.units.values():
            out.extend(changes)
        return sorted(out, key=lambda c: (c.type, c.old or c.new or "", c.rule, c.new or ""))

    def unit(self, key: str, old: At, new: At) -> list[Change]:
        """The changes of one unit (a type, or a shared schema reached by a pure $ref), once."""
        if key in self.units:
            return self.units[key]
        if key in self.in_progress:
            return []  # a recursive reference: judged where the recursion started
        self.in_progress.add(key)
        label = self.unit_labels.get(key, key)
        sink: list[Change] = []
        self.compare(build_view(old), build_view(new), label, sink, set())
        self.in_progress.discard(key)
        self.units[key] = sink
        return sink

    # ---- node comparison -------------------------------------------------------------------
    def compare(self, old: View, new: View, label: str, sink: list[Change], path: set[tuple[str, str]]) -> None:
        pair = (old.at.key, new.at.key)
        if pair in path:
            return
        path = path | {pair}

        def add(rule: str, message: str, old_where: str | None = None, new_where: str | None = None,
                kind: str | None = None) -> None:
            sink.append(Change(rule, label, old_where or old.at.display, new_where or new.at.display,
                               kind or str(RULES_BY_ID[rule].kind), message))

        for keyword, rule in ANNOTATION_RULE.items():
            if old.annotations.get(keyword) != new.annotations.get(keyword):
                add(rule, f"{keyword} changed", f"{old.at.display}/{keyword}", f"{new.at.display}/{keyword}")
        if old.nullable and not new.nullable:
            add("nullable-removed", "null is no longer accepted")
        elif new.nullable and not old.nullable:
            add("nullable-added", "null is now accepted")

        if old.ref is not None and new.ref is not None and old.ref.key == new.ref.key:
            changes = self.unit(old.ref.key, old.ref, new.ref)
            serious = [c.kind for c in changes if c.kind != "cosmetic"]
            if serious:
                target = self.unit_labels.get(old.ref.key, old.ref.key)
                add("ref-target-changed", f"$ref target {target} changed ({len(serious)} change(s), "
                    f"worst: {worst(serious)}; see {target})", kind=worst(serious))
            return
        if old.ref is not None or new.ref is not None:
            if old.ref is not None and new.ref is not None:
                add("ref-retargeted", f"$ref now points at {new.ref.key} instead of {old.ref.key}")
            self.compare_values(follow(old), follow(new), label, sink, path, add)
            return
        self.compare_values(old, new, label, sink, path, add)

    def compare_values(self, old: View, new: View, label: str, sink: list[Change],
                       path: set[tuple[str, str]], add: Any) -> None:
        if old.never or new.never:
            if new.never and not old.never:
                add("keyword-changed", "the schema became `false` (nothing is valid)")
            return
        types_changes(old, new, add)
        enum_const_changes(old, new, add)
        bounds_changes(old, new, add)
        string_changes(old, new, add)
        if old.is_object or new.is_object:
            self._object(old, new, label, sink, path, add)
        if old.items is not None and new.items is not None:
            self.compare(build_view(old.items), build_view(new.items), label, sink, path)
        elif old.items is not None:
            add("items-removed", "array items are no longer constrained", old.items.display, new.at.display)
        elif new.items is not None:
            add("items-added", "array items are now constrained", old.at.display, new.items.display)
        self._tagged(old, new, label, sink, path, add)
        self._union(old, new, label, sink, path, add)
        for keyword in sorted(set(old.other) | set(new.other)):
            before, after = old.other.get(keyword), new.other.get(keyword)
            if (before and before[0]) != (after and after[0]):
                add("keyword-changed", f"`{keyword}` changed from {show(before and before[0])} to "
                    f"{show(after and after[0])} (not modelled by the static rules; treated as breaking)")

    def _object(self, old: View, new: View, label: str, sink: list[Change], path: set[tuple[str, str]],
                add: Any) -> None:
        for name in sorted(set(old.properties) | set(new.properties)):
            before, after = old.properties.get(name), new.properties.get(name)
            if before is not None and after is not None:
                self.compare(build_view(before), build_view(after), label, sink, path)
                continue
            if after is not None:
                where_old = (old.closure_at or old.at).display
                if name in new.required:
                    add("property-added-required", f"new required member {name!r}", where_old, after.display)
                elif old.closure == "closed":
                    add("property-added-optional", f"new optional member {name!r}", where_old, after.display)
                else:
                    add("property-added-open", f"new member {name!r} in an object that accepted undeclared "
                        "members: old payloads may carry it with another value", where_old, after.display)
            elif before is not None:
                where_new = (new.closure_at or new.at).display
                if new.closure == "open":
                    add("property-removed-open", f"member {name!r} removed; undeclared members are accepted",
                        before.display, where_new)
                else:
                    add("property-removed", f"member {name!r} removed", before.display, where_new)
        for name in sorted(set(new.required) - set(old.required)):
            if name in old.properties or name not in new.properties:
                add("property-made-required", f"member {name!r} is now required",
                    old.properties[name].display if name in old.properties else None,
                    f"{new.required[name].display}/required")
        for name in sorted(set(old.required) - set(new.required)):
            if name in new.properties or name not in old.properties:
                add("property-made-optional", f"member {name!r} is now optional",
                    f"{old.required[name].display}/required",
                    new.properties[name].display if name in new.properties else None)
        self._closure(old, new, label, sink, path, add)

    def _closure(self, old: View, new: View, label: str, sink: list[Change], path: set[tuple[str, str]],
                 add: Any) -> None:
        where_old = (old.closure_at or old.at).display
        where_new = (new.closure_at or new.at).display
        transition = (old.closure, new.closure)
        if transition in (("closed", "open"), ("closed", "map")):
            add("object-opened", "the object now accepts undeclared members", where_old, where_new)
        elif transition in (("open", "closed"), ("map", "closed")):
            add("object-closed", "the object now rejects undeclared members", where_old, where_new)
        elif transition == ("open", "map"):
            add("map-value-tightened", "undeclared members must now match a schema", where_old, where_new)
        elif transition == ("map", "open"):
            add("map-value-loosened", "undeclared members are no longer constrained", where_old, where_new)
        elif transition == ("map", "map") and old.extra is not None and new.extra is not None:
            nested: list[Change] = []
            self.compare(build_view(old.extra), build_view(new.extra), label, nested, path)
            sink.extend(nested)
            serious = [c.kind for c in nested if c.kind != "cosmetic"]
            if serious:
                tightened = worst(serious) == "breaking"
                add("map-value-tightened" if tightened else "map-value-loosened",
                    f"the map's value schema {'accepts fewer' if tightened else 'accepts more'} values",
                    old.extra.display, new.extra.display)

    def _tagged(self, old: View, new: View, label: str, sink: list[Change], path: set[tuple[str, str]],
                add: Any) -> None:
        if old.tag is None and new.tag is None:
            return
        if old.tag != new.tag:
            add("discriminator-changed", f"tag member {old.tag!r} -> {new.tag!r}",
                old.where("allOf"), new.where("allOf"))
            return
        for value in old.variants:
            if value not in new.variants:
                add("union-variant-removed", f"variant {old.tag}={show(value)} removed",
                    old.variants[value].display, new.where("allOf"))
        for value in new.variants:
            if value not in old.variants:
                add("union-variant-added", f"variant {new.tag}={show(value)} added",
                    old.where("allOf"), new.variants[value].display)
        for value in old.variants:
            if value in new.variants:
                self.compare_values(merged(_object_part(old), follow(build_view(old.variants[value]))),
                                    merged(_object_part(new), follow(build_view(new.variants[value]))),
                                    label, sink, path, _adder(sink, label, old.variants[value],
                                                              new.variants[value]))

    def _union(self, old: View, new: View, label: str, sink: list[Change], path: set[tuple[str, str]],
               add: Any) -> None:
        if not old.union and not new.union:
            return
        if not old.union or not new.union:
            add("keyword-changed", f"{old.union_kind or new.union_kind} union "
                f"{'added' if new.union else 'removed'} (treated as breaking)")
            return
        # anyOf <-> oneOf is deliberately not judged here: whether oneOf variants overlap is a
        # question about values, which the empirical check answers.
        old_keys = [_variant_key(v) for v in old.union]
        new_keys = [_variant_key(v) for v in new.union]
        pairs: list[tuple[At, At]] = []
        unmatched_old = []
        remaining = dict(enumerate(new_keys))
        for index, key in enumerate(old_keys):
            hit = next((j for j, k in remaining.items() if k == key), None)
            if hit is None:
                unmatched_old.append(index)
            else:
                pairs.append((old.union[index], new.union[hit]))
                del remaining[hit]
        for index in list(unmatched_old):  # second pass: a variant sharing a JSON type, in order
            kinds = set(old_keys[index].split(":", 1)[0].split(","))
            hit = next((j for j, k in remaining.items() if kinds & set(k.split(":", 1)[0].split(","))), None)
            if hit is not None:
                pairs.append((old.union[index], new.union[hit]))
                del remaining[hit]
                unmatched_old.remove(index)
        for index in unmatched_old:
            add("union-variant-removed", f"{old.union_kind} variant {old_keys[index]} removed",
                old.union[index].display, new.where(new.union_kind or "anyOf"))
        for index in sorted(remaining):
            add("union-variant-added", f"{new.union_kind} variant {new_keys[index]} added",
                old.where(old.union_kind or "anyOf"), new.union[index].display)
        for before, after in pairs:
            self.compare(build_view(before), build_view(after), label, sink, path)


def _adder(sink: list[Change], label: str, old: At, new: At) -> Any:
    def add(rule: str, message: str, old_where: str | None = None, new_where: str | None = None,
            kind: str | None = None) -> None:
        sink.append(Change(rule, label, old_where or old.display, new_where or new.display,
                           kind or str(RULES_BY_ID[rule].kind), message))
    return add


def _object_part(view: View) -> View:
    """The members a tagged-union root contributes to every variant (its tag member is excluded)."""
    part = View(view.at)
    part.properties = {k: v for k, v in view.properties.items() if k != view.tag}
    part.required = {k: v for k, v in view.required.items() if k != view.tag}
    part.closure, part.extra, part.closure_at = view.closure, view.extra, view.closure_at
    return part


def _variant_key(at: At) -> str:
    view = build_view(at)
    if view.ref is not None:
        return f"ref:{view.ref.key}"
    view = follow(view)
    if view.has_const:
        return f"const:{json.dumps(view.const, sort_keys=True)}"
    types = ",".join(sorted(view.types)) if view.types is not None else "any"
    if view.enum is not None:
        return f"{types}:enum"
    if view.is_object:
        return f"object:{','.join(sorted(view.properties))}"
    return f"{types}:"


def _key(entry: TypeEntry) -> str:
    relative = entry.path.relative_to(entry.path.parents[1]).as_posix()
    return f"{relative}#{entry.pointer}" if entry.pointer else relative


def _loc(entry: TypeEntry) -> str:
    return f"{_key(entry).split('#')[0]}#{entry.pointer}"


def old_at(entry: TypeEntry, folder: SchemaSet) -> At:
    located = locate(folder, _key(entry))
    if located is None:  # pragma: no cover - the loader found it, so the registry has it
        raise LookupError(entry.uri)
    return located


def diff_folders(old: SchemaSet, new: SchemaSet) -> list[Change]:
    return Differ(old, new).run()


def verdict_of(kinds: list[str]) -> str:
    if not kinds:
        return "patch"
    top = max(kinds, key=lambda k: KIND_ORDER[k])
    return {"breaking": "major", "compatible": "minor", "cosmetic": "patch"}[top]
