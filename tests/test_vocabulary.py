"""The keyword policy itself: one list, the IR's facets field for field, and `check`'s refusals."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from llm_analytics_hub.codegen.ir import Facets
from llm_analytics_hub.codegen.ir.facets import FIELD_OF
from llm_analytics_hub.schema_view import vocabulary

DATE_TIME = vocabulary.FORMAT_PATTERNS["date-time"]


def test_the_ir_carries_every_value_facet_of_the_list() -> None:
    assert set(FIELD_OF) == set(vocabulary.FACETS)
    assert {f.name for f in fields(Facets)} == set(FIELD_OF.values()) | {"has_const"}


def test_the_lists_do_not_overlap() -> None:
    assert not vocabulary.SUPPORTED & vocabulary.ANNOTATIONS
    assert "oneOf" not in vocabulary.SUPPORTED and "else" not in vocabulary.SUPPORTED


ACCEPTED: list[dict[str, Any]] = [
    {"type": "string", "minLength": 1, "maxLength": 2.0, "pattern": "^[a-z][0-9a-f]{3}(?:-[A-Z]+)?$"},
    {"type": "integer", "multipleOf": 5, "exclusiveMaximum": 10, "enum": [5, 0]},
    {"type": "string", "format": "date-time", "pattern": DATE_TIME},
    {"type": "string", "format": "uuid"},
    {"type": "array", "items": {"const": True}, "minItems": 0, "uniqueItems": True},
    {"allOf": [{"if": {"properties": {"kind": {"const": "a"}}}, "then": {"properties": {"x": {}}}}]},
]

REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"type": "array", "contains": {"type": "string"}}, "/contains"),
    ({"anyOf": [{}], "oneOf": [{}]}, "/oneOf"),
    ({"type": "object", "patternProperties": {"^x": {}}}, "/patternProperties"),
    ({"if": {"type": "string"}, "then": {"minLength": 1}}, "/if"),
    ({"type": "number", "multipleOf": 0.01}, "/multipleOf"),
    ({"type": "string", "format": "email"}, "/format"),
    ({"type": "string", "format": "date-time"}, "/format"),
    ({"type": "string", "pattern": "^\\d+$"}, "/pattern"),
    ({"type": "string", "pattern": "^(?=a)"}, "/pattern"),
    ({"type": "string", "pattern": "(a)\\1"}, "/pattern"),
    ({"type": "string", "pattern": "^é$"}, "/pattern"),
    ({"type": "string", "pattern": "(?i)abc"}, "/pattern"),
    ({"type": "string", "pattern": "[unclosed"}, "/pattern"),
    ({"enum": [1.5]}, "/enum"),
    ({"enum": ["a", 1]}, "/enum"),
    ({"enum": []}, "/enum"),
    ({"const": None}, "/const"),
    ({"type": "string", "maxLength": -1}, "/maxLength"),
    ({"type": "array", "minItems": 1.5}, "/minItems"),
    ({"type": "array", "uniqueItems": 1}, "/uniqueItems"),
    ({"type": "object", "properties": {"a": {"type": "integer", "minimum": "0"}}}, "/properties/a/minimum"),
]


@pytest.mark.parametrize("schema", ACCEPTED)
def test_what_the_list_allows_passes_the_lint(schema: dict[str, Any]) -> None:
    assert list(vocabulary.lint(schema)) == []


@pytest.mark.parametrize(("schema", "where"), REFUSED)
def test_what_it_does_not_is_named_with_its_pointer(schema: dict[str, Any], where: str) -> None:
    found = list(vocabulary.lint(schema))
    assert [pointer for pointer, _ in found] == [where], found
