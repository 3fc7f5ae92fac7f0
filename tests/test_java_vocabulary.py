"""The Java package's schema engine enforces every keyword of the keyword policy
(llm_analytics_hub.schema_view.vocabulary) with python-jsonschema's meaning.

Each JSON Schema Test Suite case (tests/data/json-schema-test-suite, vendored) whose schema keeps to the
policy (SUPPORTED | ANNOTATIONS, facet values `facet_problems` accepts, formats in FORMATS) runs through
SchemaEngine directly (tests/java/VocabularyHarness.java, built once per run next to the package of
tests/java_build.py), and so do hand-written cases the suite lacks. The expected verdict is the suite's
and python-jsonschema's (Draft202012Validator with the project's format checker); SUITE_VS_PYTHON lists
each case where those two differ and which verdict stands. For an invalid document the Java findings
must be python-jsonschema's errors, the same instance paths and keywords, except in the cases
FALSE_SUBSCHEMA_FINDINGS lists.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from java_build import javac, run, session_build
from jsonschema import Draft202012Validator

from llm_analytics_hub.formats import format_checker
from llm_analytics_hub.pointer import join as pointer
from llm_analytics_hub.schema_view import vocabulary
from llm_analytics_hub.schema_view.walk import iter_subschemas

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "data" / "json-schema-test-suite"
HARNESS = ROOT / "tests" / "java" / "VocabularyHarness.java"
POLICY = vocabulary.SUPPORTED | vocabulary.ANNOTATIONS

# (file, group, test) -> (the verdict that stands, why), for each case where the suite and python-jsonschema
# differ. Exactly these do (test_suite_and_python_differ_only_where_listed).
SUITE_VS_PYTHON: dict[tuple[str, str, str], tuple[bool, str]] = {
}

_FALSE_WHY = ("a false subschema: the engine reports one `false` finding at each value it refuses, as jsonschema-rs "
              "(the Python validator's fast engine) does; python-jsonschema reports `items: false` as one `items` "
              "error at the array, and a false member schema without the member's path or a keyword (its "
              "descend() yields that error before adding either)")
# (file, group, test) -> the engine's findings, where they are not python-jsonschema's (same verdict).
FALSE_SUBSCHEMA_FINDINGS: dict[tuple[str, str, str], list[tuple[str, str]]] = {
    ("items.json", "items with boolean schema (false)", "any non-empty array is invalid"):
        [("/0", "false"), ("/1", "false"), ("/2", "false")],
    ("properties.json", "properties with boolean schema", "only 'false' property present is invalid"):
        [("/bar", "false")],
    ("properties.json", "properties with boolean schema", "both properties present is invalid"):
        [("/bar", "false")],
}

_NESTED_DEFS = {"$defs": {"n": {"type": "integer", "minimum": 1}}, "properties": {"a": {"$ref": "#/$defs/n"}}}
_ANY = {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer", "multipleOf": 2}]}
_IF_THEN = {"if": {"properties": {"kind": {"const": "n"}}, "required": ["kind"]},
            "then": {"properties": {"v": {"type": "integer"}}}}
_UNEVALUATED = {"properties": {"a": {}}, "allOf": [{"properties": {"b": {}}}], "unevaluatedProperties": False}
# (what, schema, document, verdict): python-jsonschema must give the same verdict (else the case is wrong).
HAND_WRITTEN: list[tuple[str, dict[str, Any], Any, bool]] = [
    ("0.07 / 0.01 is 7.000000000000001 in doubles", {"multipleOf": 0.01}, 0.07, False),
    ("0.75 / 0.01 is 75.0 in doubles", {"multipleOf": 0.01}, 0.75, True),
    ("a subnormal quotient", {"multipleOf": 1e308}, 0.123456789, False),
    ("the quotient overflows: settled exactly", {"multipleOf": 0.123456789}, 1e308, False),
    ("the quotient overflows, exactly a multiple", {"multipleOf": 0.5}, 1e308, True),
    ("an integer whose quotient overflows", {"multipleOf": 0.5}, 10**308, True),
    ("an integer divisor, a fraction: Python's float %", {"multipleOf": 3}, 7.5, False),
    ("an integer divisor, an integral fraction", {"multipleOf": 3}, -9.0, True),
    ("an integer divisor, exactly (1e40 + 2 as a double is 1e40)", {"multipleOf": 3}, 10**40 + 2, True),
    ("an integer divisor, exactly (1e40)", {"multipleOf": 3}, 10**40, False),
    ("a big integer beyond the bound by one", {"maximum": 9007199254740992}, 9007199254740993, False),
    ("1 and 1.0 are one value", {"uniqueItems": True}, [1, 1.0], False),
    ("1 and true are two", {"uniqueItems": True}, [1, True], True),
    ("1.0 and true are two", {"uniqueItems": True}, [1.0, True], True),
    ("0 and false are two", {"uniqueItems": True}, [0, False], True),
    ("[1] and [1.0] are one value", {"uniqueItems": True}, [[1], [1.0]], False),
    ("[1] and [true] are two", {"uniqueItems": True}, [[1], [True]], True),
    ("objects by members, in any order", {"uniqueItems": True}, [{"a": 1, "b": [1]}, {"b": [1.0], "a": 1}], False),
    ("uniqueItems false", {"uniqueItems": False}, [1, 1], True),
    ("one non-BMP character is one", {"maxLength": 1}, "\U0001f4a9", True),
    ("two non-BMP characters are two", {"maxLength": 1}, "\U0001f4a9\U0001f4a9", False),
    ("one non-BMP character is not two", {"minLength": 2}, "\U0001f4a9", False),
    # No lone surrogate here: it is a parse error of the text (issue 27, tests/test_java_texts.py), so no
    # length is ever counted for one.
    ("a nested minItems", {"properties": {"xs": {"minItems": 2}}}, {"xs": [1]}, False),
    ("a nested uniqueItems", {"properties": {"xs": {"uniqueItems": True}}}, {"xs": [1, 1]}, False),
    ("maxProperties in items", {"items": {"maxProperties": 1}}, [{}, {"a": 1, "b": 2}], False),
    ("minProperties in allOf", {"allOf": [{"minProperties": 1}, {"maxProperties": 2}]}, {}, False),
    ("allOf holds", {"allOf": [{"minProperties": 1}, {"maxProperties": 2}]}, {"a": 1}, True),
    ("$ref to a broken bound", _NESTED_DEFS, {"a": 0}, False),
    ("$ref holds", _NESTED_DEFS, {"a": 2}, True),
    ("anyOf: no branch", _ANY, "abc", False),
    ("anyOf: no branch either", _ANY, 3, False),
    ("anyOf: one branch", _ANY, 4, True),
    ("if holds, then fails", _IF_THEN, {"kind": "n", "v": "x"}, False),
    ("if fails", _IF_THEN, {"kind": "s", "v": "x"}, True),
    ("evaluated through allOf", _UNEVALUATED, {"a": 1, "b": 2}, True),
    ("unevaluated member", _UNEVALUATED, {"a": 1, "c": 3}, False),
    ("an integer const, a float equal to it", {"const": 1}, 1.0, True),
    ("an integer const, true", {"const": 1}, True, False),
    ("a boolean enum, 0", {"enum": [False]}, 0, False),
]


@dataclass(frozen=True)
class Case:
    key: tuple[str, str, str]  # (file, group, test), or ("hand-written", what, "")
    schema: Any
    data: Any
    valid: bool  # the verdict that stands

    @property
    def origin(self) -> str:
        return " | ".join(part for part in self.key if part)

    def expected_findings(self) -> list[tuple[str, str]]:
        if self.key in FALSE_SUBSCHEMA_FINDINGS:
            return FALSE_SUBSCHEMA_FINDINGS[self.key]
        return python_errors(self.schema, self.data)


def policy_problems(schema: Any) -> list[str]:
    """Why a schema is outside the keyword policy (empty: inside)."""
    problems = []
    for at, sub in iter_subschemas(schema):
        problems += [f"{at}/{k}: not in the policy" for k in sub if k not in POLICY]
        problems += [f"{at}/{k}: {why}" for k, why in vocabulary.facet_problems(sub)]
    return problems


def keywords(schema: Any) -> set[str]:
    return {k for _, sub in iter_subschemas(schema) for k in sub if k in vocabulary.SUPPORTED}


@cache
def reference(schema_text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text), format_checker=format_checker())


def python_errors(schema: Any, data: Any) -> list[tuple[str, str]]:
    """(instance path, keyword) of each of python-jsonschema's errors (a false schema: keyword "false")."""
    errors = reference(json.dumps(schema)).iter_errors(data)
    return sorted((pointer(e.absolute_path), str(e.validator or "false")) for e in errors)


@cache
def suite() -> tuple[list[Case], list[tuple[str, str, str, bool, bool]], list[str]]:
    """(the cases that run, every (file, group, test) where suite and python differ, the groups left out)."""
    cases, differences, left_out = [], [], []
    for path in sorted(SUITE.glob("*.json")) + sorted(SUITE.glob("optional/format/*.json")):
        name = path.relative_to(SUITE).as_posix()
        for group in json.loads(path.read_text(encoding="utf-8")):
            if policy_problems(group["schema"]):
                left_out.append(f"{name}: {group['description']}")
                continue
            for test in group["tests"]:
                key = (name, group["description"], test["description"])
                python = not python_errors(group["schema"], test["data"])
                if python != test["valid"]:
                    differences.append((*key, test["valid"], python))
                stands = SUITE_VS_PYTHON[key][0] if key in SUITE_VS_PYTHON else python
                cases.append(Case(key, group["schema"], test["data"], stands))
    return cases, differences, left_out


def hand_written() -> list[Case]:
    return [Case(("hand-written", what, ""), schema, data, valid) for what, schema, data, valid in HAND_WRITTEN]


@pytest.fixture(scope="session")
def harness_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    build = session_build()
    into = tmp_path_factory.mktemp("vocabulary-harness")
    javac([HARNESS], into, build.classpath)
    return f"{into}:{build.classpath}"


def java(classpath: str, requests: list[tuple[Any, Any]], folder: Path) -> list[dict[str, Any]]:
    """The engine's answer to each (schema, document), both sent as JSON text."""
    lines = folder / "requests.ndjson"
    lines.write_text("".join(json.dumps({"schema": json.dumps(s), "data": json.dumps(d)}) + "\n"
                             for s, d in requests), encoding="utf-8")
    with lines.open(encoding="utf-8") as stdin:
        done = run(["java", "-cp", classpath, "io.llmanalyticshub.schemas.VocabularyHarness"], stdin=stdin,
                   timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(requests), done.stderr[-4000:]
    return answers


def test_suite_and_python_differ_only_where_listed() -> None:
    _, differences, _ = suite()
    assert {d[:3] for d in differences} == set(SUITE_VS_PYTHON), differences


def test_hand_written_cases_mean_what_they_say() -> None:
    wrong = [c.origin for c in hand_written() if (not python_errors(c.schema, c.data)) != c.valid]
    assert not wrong, f"python-jsonschema gives the other verdict on: {wrong}"


def test_java_engine_agrees_on_every_policy_case(harness_classpath: str, tmp_path: Path) -> None:
    cases = suite()[0] + hand_written()
    answers = java(harness_classpath, [(c.schema, c.data) for c in cases], tmp_path)
    problems = []
    for case, answer in zip(cases, answers, strict=True):
        found = sorted((e["instance_path"], e["keyword"]) for e in answer["errors"])
        if answer["refused"] is not None:
            problems.append(f"{case.origin}: refused: {answer['refused']}")
        elif (not found) != case.valid:
            problems.append(f"{case.origin}: Java says {found or 'valid'}, expected "
                            f"{'valid' if case.valid else 'invalid'} ({json.dumps(case.data)[:80]})")
        elif not case.valid and case.key not in SUITE_VS_PYTHON and found != case.expected_findings():
            problems.append(f"{case.origin}: Java {found}, expected {case.expected_findings()}")
    assert not problems, f"{len(problems)} of {len(cases)} case(s):\n" + "\n".join(problems)

    assert set(FALSE_SUBSCHEMA_FINDINGS) <= {c.key for c in cases}, "FALSE_SUBSCHEMA_FINDINGS names a case gone"
    per_keyword = Counter(k for c in cases for k in keywords(c.schema))
    print(f"{len(cases)} cases ({len(suite()[2])} suite groups outside the policy left out); per keyword:",
          dict(sorted(per_keyword.items())))
    assert set(per_keyword) == vocabulary.SUPPORTED, f"no case for {sorted(vocabulary.SUPPORTED - set(per_keyword))}"


def test_engine_refuses_what_the_policy_leaves_out(harness_classpath: str, tmp_path: Path) -> None:
    """A keyword or format outside the policy is an error when the schema is loaded, wherever it sits;
    annotations and data that merely look like keywords are not."""
    refused = [{"oneOf": [{}]}, {"not": {}}, {"if": {}, "else": {}}, {"properties": {"a": {"contains": {}}}},
               {"items": {"patternProperties": {}}}, {"$defs": {"x": {"prefixItems": []}}},
               {"anyOf": [{"format": "email"}]}, {"allOf": [{"then": {"dependentRequired": {}}}]}]
    annotations = {"title": "t", "description": "d", "examples": [{"oneOf": 1}], "default": {"not": 1},
                   "$comment": "c", "deprecated": False, "readOnly": False, "writeOnly": False,
                   "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x", "$anchor": "a",
                   "$defs": {"unused": {"const": "x"}}, "enum": [1, 2]}
    assert set(annotations) >= vocabulary.ANNOTATIONS
    answers = java(harness_classpath, [(s, 1) for s in [*refused, annotations]], tmp_path)
    for schema, answer in zip(refused, answers[:-1], strict=True):
        assert answer["refused"] and "outside the keyword policy" in answer["refused"], (schema, answer)
    assert answers[-1] == {"errors": [], "refused": None}
