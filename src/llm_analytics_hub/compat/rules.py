"""The named compatibility rules: stable ids, their kind, and what each one means.

Compatibility is BACKWARD: a change is compatible when every payload valid under the old
schema stays valid under the new one. The ids are stable: tools and changelogs key on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["breaking", "compatible", "cosmetic"]
KIND_ORDER: dict[str, int] = {"cosmetic": 0, "compatible": 1, "breaking": 2}
@dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind | Literal["inherited"]  # "inherited": the kind of the worst change of a $ref target
    summary: str


def _bound_rules() -> list[Rule]:
    rules = []
    lower = {"minimum": "minimum", "exclusive-minimum": "exclusiveMinimum", "min-length": "minLength",
             "min-items": "minItems", "min-properties": "minProperties"}
    upper = {"maximum": "maximum", "exclusive-maximum": "exclusiveMaximum", "max-length": "maxLength",
             "max-items": "maxItems", "max-properties": "maxProperties"}
    for slug, keyword in {**lower, **upper}.items():
        rules += [
            Rule(f"{slug}-added", "breaking", f"`{keyword}` added: values outside the new bound become invalid."),
            Rule(f"{slug}-removed", "compatible", f"`{keyword}` removed: the bound no longer applies."),
            Rule(f"{slug}-tightened", "breaking", f"`{keyword}` moved inwards: values between the old and "
                                                  "new bound become invalid."),
            Rule(f"{slug}-loosened", "compatible", f"`{keyword}` moved outwards: more values are accepted."),
        ]
    return rules


RULES: tuple[Rule, ...] = (
    Rule("type-removed", "breaking", "A catalogue type was removed: its payloads have no schema any more."),
    Rule("type-added", "compatible", "A new catalogue type: no old payload is affected."),
    Rule("property-removed", "breaking", "A member was removed from a closed object (or one whose extra "
                                         "members are typed): payloads that carry it become invalid."),
    Rule("property-removed-open", "compatible", "A member was removed from an object that accepts any "
                                                "undeclared member: payloads that carry it stay valid."),
    Rule("property-added-required", "breaking", "A new member that is required: old payloads lack it."),
    Rule("property-made-required", "breaking", "An optional member became required."),
    Rule("property-added-optional", "compatible", "A new optional member of a closed object: no old "
                                                  "payload could carry it."),
    Rule("property-added-open", "breaking", "A new member of an object that accepted undeclared members: "
                                            "old payloads may carry that name with another value."),
    Rule("property-made-optional", "compatible", "A required member became optional."),
    Rule("type-narrowed", "breaking", "The JSON type lost alternatives (e.g. number -> integer, "
                                      "[string, number] -> string)."),
    Rule("type-widened", "compatible", "The JSON type gained alternatives (e.g. integer -> number)."),
    Rule("enum-value-removed", "breaking", "An enum lost a value."),
    Rule("enum-value-added", "compatible", "An enum gained a value."),
    Rule("enum-added", "breaking", "A value that was free became a closed enum."),
    Rule("enum-removed", "compatible", "A closed enum became a free value."),
    Rule("const-changed", "breaking", "A const value changed."),
    Rule("const-added", "breaking", "A value that was free became a const."),
    Rule("const-removed", "compatible", "A const was removed."),
    *_bound_rules(),
    Rule("pattern-added", "breaking", "A `pattern` now restricts a string."),
    Rule("pattern-removed", "compatible", "A `pattern` no longer restricts a string."),
    Rule("pattern-changed", "breaking", "A `pattern` changed; regular expressions are not compared for "
                                        "inclusion, so any change is treated as breaking."),
    Rule("format-added", "breaking", "A `format` (asserted in this project) now restricts a string."),
    Rule("format-removed", "compatible", "A `format` no longer restricts a string."),
    Rule("format-changed", "breaking", "A `format` changed."),
    Rule("multiple-of-added", "breaking", "A `multipleOf` now restricts a number."),
    Rule("multiple-of-removed", "compatible", "A `multipleOf` no longer restricts a number."),
    Rule("multiple-of-tightened", "breaking", "`multipleOf` changed to a divisor that some old multiples are "
                                              "not multiples of (10 -> 4)."),
    Rule("multiple-of-loosened", "compatible", "`multipleOf` changed to a divisor of the old one (10 -> 5): "
                                               "every old multiple is still one."),
    Rule("unique-items-added", "breaking", "Array items must now be unique."),
    Rule("unique-items-removed", "compatible", "Array items may now repeat."),
    Rule("items-added", "breaking", "An array's items are now constrained by a schema."),
    Rule("items-removed", "compatible", "An array's items are no longer constrained."),
    Rule("object-closed", "breaking", "An object that accepted undeclared members now rejects them."),
    Rule("object-opened", "compatible", "A closed object now accepts undeclared members."),
    Rule("map-value-tightened", "breaking", "The schema of a map's values (additionalProperties / "
                                            "unevaluatedProperties) accepts fewer values."),
    Rule("map-value-loosened", "compatible", "The schema of a map's values accepts more values."),
    Rule("union-variant-removed", "breaking", "A union (tagged, anyOf or oneOf) lost a variant."),
    Rule("union-variant-added", "compatible", "A union gained a variant. (For a oneOf, a variant that "
                                              "overlaps another can still break payloads: the empirical "
                                              "check covers that.)"),
    Rule("discriminator-changed", "breaking", "A tagged union changed its tag member (or stopped being one)."),
    Rule("nullable-removed", "breaking", "A member that accepted null no longer does."),
    Rule("nullable-added", "compatible", "A member now also accepts null."),
    Rule("ref-target-changed", "inherited", "A `$ref` whose target schema changed; its kind is the worst "
                                            "change of the target, which is reported on its own."),
    Rule("ref-retargeted", "cosmetic", "A `$ref` now points at another schema; the two targets are "
                                       "compared structurally and their differences reported by rule."),
    Rule("keyword-changed", "breaking", "A keyword the static rules do not model (e.g. `not`, "
                                        "`dependentRequired`) changed; treated as breaking."),
    Rule("description-changed", "cosmetic", "A description changed."),
    Rule("title-changed", "cosmetic", "A title changed (catalogue titles are type names: renaming a type "
                                      "shows as type-removed + type-added)."),
    Rule("examples-changed", "cosmetic", "The examples changed."),
    Rule("default-changed", "cosmetic", "A `default` annotation changed (never asserted)."),
    Rule("comment-changed", "cosmetic", "A `$comment` changed."),
    Rule("deprecated-changed", "cosmetic", "A `deprecated` annotation changed."),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

# What an empirical counterexample shows, by the JSON Schema keyword that rejected it under NEW.
EMPIRICAL_RULE_OF_KEYWORD: dict[str, str] = {
    "required": "property-made-required",
    "additionalProperties": "property-removed",
    "unevaluatedProperties": "property-removed",
    "false schema": "property-removed",
    "type": "type-narrowed",
    "enum": "enum-value-removed",
    "const": "const-changed",
    "minimum": "minimum-tightened",
    "maximum": "maximum-tightened",
    "exclusiveMinimum": "exclusive-minimum-tightened",
    "exclusiveMaximum": "exclusive-maximum-tightened",
    "minLength": "min-length-tightened",
    "maxLength": "max-length-tightened",
    "minItems": "min-items-tightened",
    "maxItems": "max-items-tightened",
    "minProperties": "min-properties-tightened",
    "maxProperties": "max-properties-tightened",
    "pattern": "pattern-changed",
    "format": "format-changed",
    "uniqueItems": "unique-items-added",
    "multipleOf": "multiple-of-tightened",
    "anyOf": "union-variant-removed",
    "oneOf": "union-variants-overlap",
}

EMPIRICAL_ONLY_RULES: tuple[Rule, ...] = (
    Rule("union-variants-overlap", "breaking", "Empirical only: a payload now matches several variants of "
                                               "a oneOf (e.g. anyOf -> oneOf over overlapping variants, or "
                                               "a new oneOf variant that overlaps an old one)."),
    Rule("empirical-counterexample", "breaking", "Empirical only: a payload valid under OLD is invalid "
                                                 "under NEW for a reason no other rule names."),
)


def rule_for_keyword(keyword: str) -> str:
    return EMPIRICAL_RULE_OF_KEYWORD.get(keyword, "empirical-counterexample")


def worst(kinds: list[str]) -> str:
    return max(kinds, key=lambda k: KIND_ORDER[k]) if kinds else "cosmetic"
