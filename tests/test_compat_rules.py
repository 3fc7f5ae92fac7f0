"""Every static rule of `llm-hub compat` on a small planted edit, breaking and compatible ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from compat_helpers import Docs, fields, planted_pair, props

from llm_analytics_hub.compat.differ import diff_folders, verdict_of
from llm_analytics_hub.compat.report import load_version_dir
from llm_analytics_hub.compat.rules import RULES, RULES_BY_ID


def setp(name: str, schema: Any) -> Callable[[Docs], None]:
    return lambda d: props(d).__setitem__(name, schema)


def upd(name: str, **changes: Any) -> Callable[[Docs], None]:
    return lambda d: props(d)[name].update(changes)


def drop(name: str, key: str) -> Callable[[Docs], None]:
    return lambda d: props(d)[name].pop(key)


def common(name: str, **changes: Any) -> Callable[[Docs], None]:
    return lambda d: d["common.json"]["$defs"][name].update(changes)


def union_drop_variant(d: Docs) -> None:
    d["events/Union.json"]["allOf"].pop(1)


def union_add_variant(d: Docs) -> None:
    d["events/Union.json"]["allOf"].append(
        {"if": {"properties": {"kind": {"const": "third"}}, "required": ["kind"]},
         "then": {"properties": {"kind": {"const": "third"}}, "unevaluatedProperties": False}})


def union_retag(d: Docs) -> None:
    for branch in d["events/Union.json"]["allOf"]:
        value = branch["if"]["properties"].pop("kind")
        branch["if"]["properties"]["type"] = value


CASES: list[tuple[str, Callable[[Docs], None]]] = [
    ("type-removed", lambda d: d.pop("events/Open.json")),
    ("type-added", lambda d: d.__setitem__("events/New.json", {"title": "New", "description": "n", "type": "string",
                                                               "examples": ["a"]})),
    ("property-removed", lambda d: props(d).pop("ratio")),
    ("property-removed-open", lambda d: d["events/Open.json"]["properties"].pop("x")),
    ("property-added-required", lambda d: (setp("extra", {"description": "e", "type": "string"})(d),
                                           fields(d)["required"].append("extra"))),
    ("property-made-required", lambda d: fields(d)["required"].append("ratio")),
    ("property-added-optional", setp("extra", {"description": "e", "type": "string"})),
    ("property-added-open", lambda d: d["events/Open.json"]["properties"].__setitem__(
        "y", {"description": "y", "type": "string"})),
    ("property-made-optional", lambda d: fields(d)["required"].remove("name")),
    ("type-narrowed", upd("ratio", type="integer")),
    ("type-widened", lambda d: d["events/Value.json"]["anyOf"][2].update(type=["string", "boolean"])),
    ("enum-value-removed", upd("level", enum=["low"])),
    ("enum-value-added", upd("level", enum=["low", "high", "max"])),
    ("enum-added", upd("name", enum=["a", "b"])),
    ("enum-removed", lambda d: setp("level", {"description": "l", "type": "string"})(d)),
    ("const-changed", upd("kind", const="other")),
    ("const-added", upd("ratio", const=1)),
    ("const-removed", lambda d: setp("kind", {"description": "k", "type": "string"})(d)),
    ("minimum-added", upd("ratio", minimum=0)),
    ("minimum-removed", lambda d: d["common.json"]["$defs"]["u32"].pop("minimum")),
    ("minimum-tightened", common("u32", minimum=1)),
    ("minimum-loosened", common("u32", minimum=-1)),
    ("maximum-added", upd("ratio", maximum=5)),
    ("maximum-removed", lambda d: d["common.json"]["$defs"]["u32"].pop("maximum")),
    ("maximum-tightened", common("u32", maximum=65535)),
    ("maximum-loosened", common("u32", maximum=18446744073709551615)),
    ("exclusive-minimum-added", upd("ratio", exclusiveMinimum=0)),
    ("exclusive-maximum-added", upd("ratio", exclusiveMaximum=1)),
    ("min-length-tightened", upd("name", minLength=2)),
    ("min-length-loosened", upd("name", minLength=0)),
    ("min-length-removed", drop("name", "minLength")),
    ("max-length-added", upd("name", maxLength=64)),
    ("min-items-added", upd("items", minItems=1)),
    ("max-items-added", upd("items", maxItems=3)),
    ("min-properties-added", upd("labels", minProperties=1)),
    ("max-properties-added", upd("labels", maxProperties=9)),
    ("pattern-added", upd("name", pattern="^[a-z]+$")),
    ("pattern-removed", lambda d: d["common.json"]["$defs"]["uuid"].pop("pattern")),
    ("pattern-changed", common("uuid", pattern="^[0-9a-f-]{36}$")),
    ("format-added", upd("name", format="email")),
    ("format-removed", lambda d: d["common.json"]["$defs"]["uuid"].pop("format")),
    ("format-changed", common("uuid", format="uri")),
    ("unique-items-added", upd("items", uniqueItems=True)),
    ("items-removed", drop("items", "items")),
    ("items-added", upd("bag", items={"type": "string"})),
    ("unique-items-removed", drop("set", "uniqueItems")),
    ("object-closed", lambda d: d["events/Open.json"].update(additionalProperties=False)),
    ("object-opened", lambda d: d["events/Holder.json"].pop("additionalProperties")),
    ("map-value-tightened", upd("labels", additionalProperties={"type": "string", "maxLength": 8})),
    ("map-value-loosened", upd("labels", additionalProperties={"type": ["string", "number"]})),
    ("union-variant-removed", lambda d: d["events/Value.json"]["anyOf"].pop(2)),
    ("union-variant-added", lambda d: d["events/Value.json"]["anyOf"].append({"type": "boolean"})),
    ("union-variant-removed", union_drop_variant),
    ("union-variant-added", union_add_variant),
    ("discriminator-changed", union_retag),
    ("nullable-removed", setp("maybe", {"description": "m", "type": "string"})),
    ("nullable-added", upd("ratio", type=["number", "null"])),
    ("ref-target-changed", lambda d: props(d)["count"].update({"$ref": "../common.json#/$defs/u32"})
     or d["common.json"]["$defs"]["u32"].update(maximum=255)),
    ("ref-retargeted", lambda d: (d["common.json"]["$defs"].__setitem__(
        "u32b", {"description": "copy", "type": "integer", "minimum": 0, "maximum": 4294967295}),
        props(d)["count"].update({"$ref": "../common.json#/$defs/u32b"}))),
    ("multiple-of-added", upd("ratio", multipleOf=5)),
    ("multiple-of-removed", drop("step", "multipleOf")),
    ("multiple-of-tightened", upd("step", multipleOf=4)),
    ("multiple-of-loosened", upd("step", multipleOf=5)),
    ("keyword-changed", upd("ratio", **{"not": {"const": 1}})),
    ("description-changed", upd("ratio", description="another text")),
    ("title-changed", upd("ratio", title="Ratio")),
    ("examples-changed", lambda d: d["events/Leaf.json"].update(examples=[{"count": 2, "name": "b"}])),
    ("default-changed", upd("ratio", default=1.0)),
    ("comment-changed", upd("ratio", **{"$comment": "why"})),
    ("deprecated-changed", upd("ratio", deprecated=True)),
]


@pytest.mark.parametrize(("rule", "edit"), CASES, ids=[f"{i:02d}-{c[0]}" for i, c in enumerate(CASES)])
def test_rule(tmp_path: Path, rule: str, edit: Callable[[Docs], None]) -> None:
    old_dir, new_dir = planted_pair(tmp_path, edit)
    changes = diff_folders(load_version_dir(old_dir), load_version_dir(new_dir))
    hits = [c for c in changes if c.rule == rule]
    assert hits, f"{rule} not reported; got {[(c.rule, c.type, c.message) for c in changes]}"
    expected_kind = RULES_BY_ID[rule].kind
    for hit in hits:
        assert hit.kind == expected_kind or expected_kind == "inherited"
        assert hit.old or hit.new
        assert hit.type
    kinds = [c.kind for c in changes]
    if expected_kind == "breaking":
        assert verdict_of(kinds) == "major"
    elif expected_kind == "compatible":
        assert verdict_of(kinds) in ("minor", "major")


def test_ref_target_changed_inherits_the_worst_kind(tmp_path: Path) -> None:
    old_dir, new_dir = planted_pair(tmp_path, common("u32", maximum=255))
    changes = diff_folders(load_version_dir(old_dir), load_version_dir(new_dir))
    sites = [c for c in changes if c.rule == "ref-target-changed"]
    assert {c.type for c in sites} >= {"events.Leaf", "events.Value", "events.Holder", "events.Union"}
    assert all(c.kind == "breaking" for c in sites)
    own = [c for c in changes if c.type == "common.json#/$defs/u32"]
    assert [c.rule for c in own] == ["maximum-tightened"]
    assert own[0].old == "common.json#/$defs/u32/maximum" and own[0].new == "common.json#/$defs/u32/maximum"


def test_identical_folders_have_no_changes(tmp_path: Path) -> None:
    old_dir, new_dir = planted_pair(tmp_path, lambda d: None)
    assert diff_folders(load_version_dir(old_dir), load_version_dir(new_dir)) == []


def test_pointers_name_the_member(tmp_path: Path) -> None:
    old_dir, new_dir = planted_pair(tmp_path, setp("extra", {"description": "e", "type": "string"}))
    changes = diff_folders(load_version_dir(old_dir), load_version_dir(new_dir))
    leaf = next(c for c in changes if c.type == "events.Leaf" and c.rule == "property-added-optional")
    assert leaf.new == "events/Leaf.json#/$defs/fields/properties/extra"
    assert leaf.old == "events/Leaf.json#"


def test_every_rule_is_exercised() -> None:
    tested = {rule for rule, _ in CASES}
    bound_variants = {r.id for r in RULES if r.id.split("-")[-1] in ("added", "removed", "tightened", "loosened")
                      and r.id.rsplit("-", 1)[0] in ("minimum", "maximum", "exclusive-minimum", "exclusive-maximum",
                                                     "min-length", "max-length", "min-items", "max-items",
                                                     "min-properties", "max-properties")}
    missing = {r.id for r in RULES} - tested - bound_variants
    assert not missing, f"rules without a planted edit: {sorted(missing)}"
