"""The Go validator enforces every keyword of the keyword policy with python-jsonschema's meaning.

Cases: each group of the vendored JSON Schema Test Suite (tests/data/json-schema-test-suite, draft
2020-12) whose schema stays inside the policy (`vocabulary.SUPPORTED | ANNOTATIONS`, facet values
`vocabulary.facet_problems` accepts, so formats from `vocabulary.FORMATS`), plus HAND_WRITTEN cases
for the project's semantics the suite lacks. Each schema is compiled as a bundle by
`validation.CheckBundle` in a small harness built once per session; each document must get the
verdict of python-jsonschema (Draft202012Validator with the project's format checker) and, when
invalid, the same (instance path, keyword) pairs as its errors' `absolute_path` and `validator`.
python-jsonschema is the reference: where it differs from the suite's `valid`, the case is listed in
SUITE_DISAGREEMENTS with the reason; where Go keeps a better error location than python-jsonschema
(same verdict), in PYTHON_PATH_QUIRKS. Both lists must stay exact.

Documents reach Go as `json.dumps` of the value python-jsonschema sees (suite cases) or as the
case's own text (HAND_WRITTEN), so both validators read the same numbers.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from go_support import BUILD, ROOT, consumer_module, run_go
from jsonschema import Draft202012Validator

from llm_analytics_hub.formats import format_checker
from llm_analytics_hub.pointer import join as pointer
from llm_analytics_hub.schema_view import vocabulary

SUITE = ROOT / "tests" / "data" / "json-schema-test-suite"
POLICY = vocabulary.SUPPORTED | vocabulary.ANNOTATIONS
# Keywords whose value is one schema, a list of schemas, or a map of names to schemas.
ONE_SCHEMA = ("items", "additionalProperties", "unevaluatedProperties", "if", "then")
SCHEMA_LISTS = ("allOf", "anyOf")
SCHEMA_MAPS = ("properties", "$defs")

# (suite file, group description, test description) -> why python-jsonschema's verdict differs from
# the suite's; python-jsonschema's verdict is the expected one (Go's formats.go follows it).
SUITE_DISAGREEMENTS: dict[tuple[str, str, str], str] = {
}

# Cases whose verdict Go shares with python-jsonschema but whose error location it does not copy.
_FALSE_MEMBER = ("python-jsonschema's `descend` reports a `false` subschema without the path it descends by, "
                 "so a forbidden member is located at its object; Go (like jsonschema-rs, the project's "
                 "precise engine) locates it at the member")
PYTHON_PATH_QUIRKS: dict[str, str] = {
    "properties.json | properties with boolean schema | only 'false' property present is invalid": _FALSE_MEMBER,
    "properties.json | properties with boolean schema | both properties present is invalid": _FALSE_MEMBER,
}


@dataclass(frozen=True)
class Case:
    origin: str  # file | group | test
    schema: Any
    text: str  # the document as JSON text
    suite_valid: bool | None  # None for HAND_WRITTEN (their `valid` must be python-jsonschema's)


# (description, schema, document text, python-jsonschema's verdict): what the suite does not pin down.
# Python's float arithmetic in multipleOf, JSON equality across number spellings and booleans, code
# points, exact integers beyond 64 bits, the formats' Python readings, and the structure keywords
# the vendored files lack.
_UUID_TEXT = "2eb8aa08-aa98-11ea-b4aa-73b441d16380"
HAND_WRITTEN: tuple[tuple[str, dict[str, Any], str, bool], ...] = (
    ("0.07 is not a multiple of 0.01 in doubles (7.000000000000001)", {"multipleOf": 0.01}, "0.07", False),
    ("0.5 is a multiple of 0.01 (50.0)", {"multipleOf": 0.01}, "0.5", True),
    ("0.3 is not a multiple of 0.1 in doubles (2.9999999999999996)", {"multipleOf": 0.1}, "0.3", False),
    ("7 is a multiple of 0.01 (the int is divided as a double: 700.0)", {"multipleOf": 0.01}, "7", True),
    ("0.123456789 by 1e308: the quotient underflows, not integral", {"multipleOf": 1e308}, "0.123456789",
     False),
    ("0 is a multiple of 1e308", {"multipleOf": 1e308}, "0", True),
    ("1e308 by 0.123456789: the quotient overflows, the exact check says no", {"multipleOf": 0.123456789},
     "1e308", False),
    ("1e308 by 0.5: the quotient overflows, the exact check says yes", {"multipleOf": 0.5}, "1e308", True),
    ("10**308 (an int) by 0.5: the quotient overflows, exact check", {"multipleOf": 0.5}, "1" + "0" * 308,
     True),
    ("a float by an int divisor: Python's float % (4.5 % 3)", {"multipleOf": 3}, "4.5", False),
    ("6.0 by an int divisor", {"multipleOf": 3}, "6.0", True),
    ("1.0000000000000001 is the double 1.0: a multiple of 1", {"multipleOf": 1}, "1.0000000000000001", True),
    ("3**50 by 3: exact remainder beyond 64 bits", {"multipleOf": 3}, str(3**50), True),
    ("3**50 + 1 by 3: exact remainder beyond 64 bits", {"multipleOf": 3}, str(3**50 + 1), False),
    ("2**64 + 2 is twice 2**63 + 1", {"multipleOf": 2**63 + 1}, str(2**64 + 2), True),
    ("2**64 + 3 by 2**63 + 1 is not a multiple", {"multipleOf": 2**63 + 1}, str(2**64 + 3), False),
    ("1 and 1.0 are equal items", {"uniqueItems": True}, "[1, 1.0]", False),
    ("1 and true are different items", {"uniqueItems": True}, "[1, true]", True),
    ("0 and false are different items", {"uniqueItems": True}, "[0, false, null]", True),
    ("1.0 and true are different items", {"uniqueItems": True}, "[1.0, true]", True),
    ("true twice", {"uniqueItems": True}, "[1, true, true]", False),
    ("[1] and [1.0] are equal items", {"uniqueItems": True}, "[[1], [1.0]]", False),
    ("[1] and [true] are different items", {"uniqueItems": True}, "[[1], [true]]", True),
    ("objects equal by members in any order", {"uniqueItems": True}, '[{"a": 1, "b": [2]}, {"b": [2.0], "a": 1}]',
     False),
    ("{a: 1} and {a: true} are different items", {"uniqueItems": True}, '[{"a": 1}, {"a": true}]', True),
    ("1 and \"1\" are different items", {"uniqueItems": True}, '[1, "1"]', True),
    ("duplicates are fine without uniqueItems", {"uniqueItems": False}, "[1, 1.0]", True),
    ("a non-BMP character is one code point", {"maxLength": 1}, '"\U0001f600"', True),
    ("an escaped surrogate pair is one code point", {"maxLength": 1}, '"\\ud83d\\ude00"', True),
    ("two non-BMP characters are two code points", {"minLength": 3}, '"\U0001f600\U0001f601"', False),
    ("e and a combining accent are two code points", {"maxLength": 1}, '"e\u0301"', False),
    # No lone surrogate here: its escape is a parse error of the text (issue 27, tests/test_go_texts.py),
    # so no length is ever counted for one.
    ("2**64 - 1 is not below an exclusive maximum of itself", {"exclusiveMaximum": 2**64 - 1}, str(2**64 - 1),
     False),
    ("2**64 - 2 is below an exclusive maximum of 2**64 - 1", {"exclusiveMaximum": 2**64 - 1}, str(2**64 - 2),
     True),
    ("2**53 + 1 is above a maximum of 2**53", {"maximum": 2**53}, str(2**53 + 1), False),
    ("-0.0 is not above an exclusive minimum of 0", {"exclusiveMinimum": 0}, "-0.0", False),
    ("a $ref'd bound, reported at the member",
     {"$defs": {"n": {"minimum": 1}}, "properties": {"a": {"$ref": "#/$defs/n"}}}, '{"a": 0}', False),
    ("allOf of two lengths", {"allOf": [{"minLength": 2}, {"maxLength": 3}]}, '"abcd"', False),
    ("anyOf: no branch fits", {"anyOf": [{"type": "string", "maxLength": 2}, {"multipleOf": 2}]}, "3", False),
    ("anyOf: one branch fits", {"anyOf": [{"type": "string", "maxLength": 2}, {"multipleOf": 2}]}, '"ab"', True),
    ("if/then applies then",
     {"if": {"properties": {"k": {"const": "a"}}, "required": ["k"]}, "then": {"required": ["x"], "maxProperties": 1}},
     '{"k": "a"}', False),
    ("if/then: if fails, then is skipped",
     {"if": {"properties": {"k": {"const": "a"}}, "required": ["k"]}, "then": {"required": ["x"]}}, '{"k": "b"}', True),
    ("unevaluatedProperties false", {"properties": {"a": True}, "unevaluatedProperties": False},
     '{"a": 1, "b": 2}', False),
    ("unevaluatedProperties: only valid allOf branches evaluate",
     {"allOf": [{"properties": {"b": {"minProperties": 1}}}], "unevaluatedProperties": False}, '{"b": {}}', False),
    ("unevaluatedProperties with a schema: one error at the object", {"unevaluatedProperties": {"maxLength": 1}},
     '{"a": "x", "b": "yy", "c": "zzz"}', False),
    ("unevaluatedProperties counts members valid under additionalProperties",
     {"allOf": [{"additionalProperties": {"maxLength": 1}}], "unevaluatedProperties": False}, '{"a": "xy"}', False),
    ("a uuid", {"format": "uuid"}, f'"{_UUID_TEXT.upper()}"', True),
    ("a uuid in braces puts its hyphens elsewhere", {"format": "uuid"}, f'"{{{_UUID_TEXT}}}"', False),
    ("a urn:uuid: prefix puts its hyphens elsewhere", {"format": "uuid"}, f'"urn:uuid:{_UUID_TEXT}"', False),
    ("no 0x prefix", {"format": "uuid"}, f'"0x{_UUID_TEXT[2:]}"', False),
    ("no white space or sign", {"format": "uuid"}, f'" +{_UUID_TEXT[2:]}"', False),
    ("no full-width digit", {"format": "uuid"}, f'"\uff12{_UUID_TEXT[1:]}"', False),
    ("Python's int() refuses two underscores", {"format": "uuid"}, f'"{_UUID_TEXT[:-3]}__0"', False),
    ("Python's int() refuses a trailing underscore", {"format": "uuid"}, f'"{_UUID_TEXT[:-1]}_"', False),
    ("Python's int() refuses white space inside", {"format": "uuid"}, f'"{_UUID_TEXT[:-2]} 0"', False),
    ("a uuid with 31 hex digits", {"format": "uuid"}, f'"{_UUID_TEXT[:-1]}"', False),
    ("year 0000 is not a date", {"format": "date-time"}, '"0000-01-01T00:00:00Z"', False),
    ("a lower-case t and z", {"format": "date-time"}, '"2024-02-29t23:59:59.5z"', True),
    ("no 29 February in 2023", {"format": "date-time"}, '"2023-02-29T00:00:00Z"', False),
    ("an offset of +23:59", {"format": "date-time"}, '"2024-01-01T00:00:00+23:59"', True),
    ("a trailing newline (the project's checker refuses it)", {"format": "date-time"}, '"2024-01-01T00:00:00Z\\n"',
     False),
)


def schemas_in(schema: Any) -> Iterator[Any]:
    """The schema and every subschema (through the structure keywords the policy knows)."""
    yield schema
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in ONE_SCHEMA:
            yield from schemas_in(value)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            for branch in value:
                yield from schemas_in(branch)
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            for member in value.values():
                yield from schemas_in(member)


def outside_policy(schema: Any) -> str | None:
    """Why `llm-hub check` would refuse this schema (so no engine sees it), or None."""
    for node in schemas_in(schema):
        if isinstance(node, bool):
            continue
        if not isinstance(node, dict):
            return "a schema that is neither an object nor a boolean"
        if unknown := sorted(set(node) - POLICY):
            return f"keywords outside the policy: {unknown}"
        if problems := list(vocabulary.facet_problems(node)):
            return f"facet values the policy refuses: {problems}"
        if "$ref" in node and not str(node["$ref"]).startswith("#/"):
            return "a $ref that is not a JSON pointer into the bundle"
    return None


def keywords_of(schema: Any) -> set[str]:
    return {key for node in schemas_in(schema) if isinstance(node, dict) for key in node} & vocabulary.SUPPORTED


@cache
def suite_cases() -> tuple[tuple[Case, ...], tuple[str, ...]]:
    """The suite's cases inside the policy, and the groups left out with the reason."""
    run: list[Case] = []
    left_out: list[str] = []
    for path in sorted(SUITE.glob("*.json")) + sorted(SUITE.glob("optional/format/*.json")):
        name = path.relative_to(SUITE).as_posix()
        for group in json.loads(path.read_text(encoding="utf-8")):
            why = outside_policy(group["schema"])
            if why is not None:
                left_out.append(f"{name} | {group['description']}: {why}")
                continue
            run += [Case(f"{name} | {group['description']} | {test['description']}", group["schema"],
                         json.dumps(test["data"]), test["valid"]) for test in group["tests"]]
    return tuple(run), tuple(left_out)


def every_case() -> list[Case]:
    return list(suite_cases()[0]) + [Case(f"hand-written | {d}", s, t, None) for d, s, t, _ in HAND_WRITTEN]


def python_errors(case: Case) -> set[tuple[str, str]]:
    """python-jsonschema's (instance path, keyword) pairs; a `false` schema reports keyword "false"."""
    checker = Draft202012Validator(case.schema, format_checker=format_checker())
    return {(pointer(e.absolute_path), str(e.validator or "false")) for e in checker.iter_errors(json.loads(case.text))}


HARNESS = """package main

import (
\t"bufio"
\t"encoding/json"
\t"os"

\t"github.com/llm-analytics-hub/llm-analytics-hub/generated/go/validation"
)

// Reads {"bundle", "document"} lines; writes {"error", "findings"} per line, in order. Unions report
// at the union, as python-jsonschema does.
func main() {
\tinput := bufio.NewScanner(os.Stdin)
\tinput.Buffer(make([]byte, 1<<20), 1<<28)
\toutput := json.NewEncoder(os.Stdout)
\tfor input.Scan() {
\t\tvar request struct{ Bundle, Document string }
\t\tif err := json.Unmarshal(input.Bytes(), &request); err != nil {
\t\t\tpanic(err)
\t\t}
\t\tfound, err := validation.CheckBundle([]byte(request.Bundle), []byte(request.Document),
\t\t\tvalidation.Options{UnionErrorsAtUnion: true})
\t\tanswer := map[string]any{"findings": found, "error": nil}
\t\tif err != nil {
\t\t\tanswer["error"] = err.Error()
\t\t}
\t\tif err := output.Encode(answer); err != nil {
\t\t\tpanic(err)
\t\t}
\t}
\tif err := input.Err(); err != nil {
\t\tpanic(err)
\t}
}
"""


@pytest.fixture(scope="session")
def harness() -> str:
    """A consumer of the generated module that runs `validation.CheckBundle`, built once per session."""
    folder = consumer_module(BUILD / "vocabulary-harness", HARNESS)
    binary = folder / "harness"
    done = run_go(["go", "build", "-o", str(binary), "."], cwd=folder, timeout=900)
    assert done.returncode == 0, f"go build failed:\n{done.stderr}"
    return str(binary)


def run_go_bundles(binary: str, requests: list[tuple[Any, str]]) -> list[dict[str, Any]]:
    lines = "".join(json.dumps({"bundle": json.dumps(schema), "document": text}) + "\n" for schema, text in requests)
    done = subprocess.run([binary], input=lines.encode(), capture_output=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(answers) == len(requests)
    return answers


def per_keyword(cases: list[Case]) -> str:
    counts = Counter(keyword for case in cases for keyword in keywords_of(case.schema))
    return ", ".join(f"{keyword} {counts[keyword]}" for keyword in sorted(vocabulary.SUPPORTED))


def test_go_agrees_with_python_jsonschema_on_every_policy_case(harness: str) -> None:
    cases = every_case()
    answers = run_go_bundles(harness, [(case.schema, case.text) for case in cases])
    problems = []
    disagreements: set[tuple[str, str, str]] = set()
    quirks_seen: set[str] = set()
    for case, answer in zip(cases, answers, strict=True):
        expected = python_errors(case)
        if case.suite_valid is not None and case.suite_valid != (not expected):
            file, group, test = case.origin.split(" | ", 2)
            disagreements.add((file, group, test))
        if answer["error"] is not None:
            problems.append(f"{case.origin}: does not compile: {answer['error']}")
            continue
        found = {(f["instance_path"], f["keyword"]) for f in answer["findings"] or []}
        if (not found) == (not expected) and case.origin in PYTHON_PATH_QUIRKS:
            quirks_seen.add(case.origin)
        elif found != expected:
            problems.append(f"{case.origin}: {case.text[:80]}\n    Go     {sorted(found)}\n"
                            f"    Python {sorted(expected)}")
    hand = {f"hand-written | {d}": valid for d, _, _, valid in HAND_WRITTEN}
    problems += [f"{case.origin}: python-jsonschema's verdict is not the one HAND_WRITTEN states" for case in cases
                 if case.origin in hand and hand[case.origin] != (not python_errors(case))]
    counts = per_keyword(cases)
    print(f"{len(cases)} cases per keyword: {counts}")
    failures = [f"{len(problems)} of {len(cases)} cases disagree with python-jsonschema:\n" + "\n".join(problems[:20])
                ] if problems else []
    if quirks_seen != PYTHON_PATH_QUIRKS.keys():
        failures.append(f"PYTHON_PATH_QUIRKS lists cases that no longer run or agree: "
                        f"{sorted(PYTHON_PATH_QUIRKS.keys() - quirks_seen)}")
    if disagreements != SUITE_DISAGREEMENTS.keys():
        failures.append(f"the suite and python-jsonschema now disagree on {sorted(disagreements)} "
                        f"(SUITE_DISAGREEMENTS lists {sorted(SUITE_DISAGREEMENTS)})")
    assert not failures, f"cases per keyword: {counts}\n" + "\n".join(failures)


def test_every_supported_keyword_has_cases() -> None:
    """Widening vocabulary.SUPPORTED needs cases here (the suite's file or HAND_WRITTEN) for the new keyword."""
    cases = every_case()
    missing = sorted(k for k in vocabulary.SUPPORTED if not any(k in keywords_of(c.schema) for c in cases))
    assert not missing, f"no case runs {missing}; cases per keyword: {per_keyword(cases)}"
    assert len(suite_cases()[0]) > 250, "the suite filter left too few cases:\n" + "\n".join(suite_cases()[1])


REFUSED = (
    ({"oneOf": [{"type": "string"}]}, "outside the project's keyword policy"),
    ({"if": {"type": "string"}, "else": {"minimum": 1}}, "outside the project's keyword policy"),
    ({"not": {"type": "string"}}, "outside the project's keyword policy"),
    ({"contains": {"type": "string"}}, "outside the project's keyword policy"),
    ({"properties": {"a": {"patternProperties": {"^x": True}}}}, "outside the project's keyword policy"),
    ({"x-extension": 1}, "outside the project's keyword policy"),
    ({"format": "email"}, "not a format this validator checks"),
    ({"$anchor": "n", "properties": {"a": {"$ref": "#n"}}}, "not a JSON pointer"),
    ({"multipleOf": 0}, "not a number greater than 0"),
    ({"maxLength": -1}, "not a non-negative integer"),
    ({"minItems": 1.5}, "not a non-negative integer"),
    ({"uniqueItems": 1}, "not a boolean"),
)


def test_schemas_outside_the_policy_do_not_compile(harness: str) -> None:
    answers = run_go_bundles(harness, [(schema, "null") for schema, _ in REFUSED])
    for (schema, reason), answer in zip(REFUSED, answers, strict=True):
        assert answer["error"] is not None and reason in answer["error"], (schema, answer)
