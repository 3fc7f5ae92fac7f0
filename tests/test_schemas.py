"""The canonical 1.0.0 schemas against the catalogue inventory and the test corpus.

The corpus (schemas/corpus/1.0.0/<area>.{valid,invalid}.json) is written from MODEL.md, not from
the schemas: valid cases are payloads the producers emit or serde accepts, invalid cases carry
the kind of defect and the JSON pointer where python-jsonschema must report it.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing.exceptions import Unresolvable

from llm_analytics_hub import Validator
from llm_analytics_hub.errors import HubError
from llm_analytics_hub.schema_store import AREAS, SchemaSet, load_version

VERSION = "1.0.0"
TESTS = Path(__file__).parent
CORPUS = TESTS.parent / "schemas" / "corpus" / VERSION
CATALOGUE = TESTS / "data" / "catalogue.tsv"

DEFECT_KINDS = (
    "enum", "required", "type", "range", "fraction", "uuid", "date-time", "unknown-tag", "missing-tag",
    "tag-mismatch", "undeclared", "open-extra-type", "data-variant", "model-doc-10", "untagged",
)

# Tagged unions and their tag values, as MODEL.md lists them (independent of the schemas).
TAGGED_UNIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "EventPayload": ("payload_type", ("telemetry", "security", "cost", "governance", "custom")),
    "TelemetryPayload": ("telemetry_type", ("latency", "throughput", "error_rate", "token_usage",
                                            "model_performance")),
    "SecurityPayload": ("security_type", ("threat", "vulnerability", "compliance_violation", "auth", "privacy")),
    "CostPayload": ("cost_type", ("token_cost", "api_cost", "resource_consumption", "budget_alert")),
    "GovernancePayload": ("governance_type", ("policy_violation", "audit_trail", "compliance_check",
                                              "data_lineage")),
    "AssetSpecificMetadata": ("metadata_type", ("model", "prompt_template", "dataset", "endpoint",
                                                "application", "custom")),
    "MetricType": ("metric_type", ("counter", "gauge", "histogram", "summary")),
}


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
@cache
def schemas() -> SchemaSet:
    return load_version(VERSION)


@cache
def validator(type_name: str) -> Draft202012Validator:
    return schemas().reference_validator(schemas().lookup(type_name))


def catalogue_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, area, kind, json_form = line.split("\t")
        rows.append((name, area, kind, json_form))
    return rows


def load_cases(kind: str) -> list[tuple[str, int, dict[str, Any]]]:
    cases = []
    for area in AREAS:
        for index, case in enumerate(json.loads((CORPUS / f"{area}.{kind}.json").read_text(encoding="utf-8"))):
            cases.append((area, index, case))
    return cases


VALID_CASES = load_cases("valid")
INVALID_CASES = load_cases("invalid")


def case_id(item: tuple[str, int, dict[str, Any]]) -> str:
    area, index, case = item
    return f"{area}[{index}]-{case['type']}"


def pointer(error: ValidationError) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in error.absolute_path)


def explain(case: dict[str, Any], errors: list[ValidationError]) -> str:
    lines = [f"type: {case['type']}", f"note: {case['note']}",
             "payload: " + json.dumps(case["payload"], indent=2, ensure_ascii=False), "errors:"]
    lines += [f"  at {pointer(e) or '(root)'!s}: [{e.validator}] {e.message[:300]}" for e in errors] or ["  (none)"]
    return "\n".join(lines)


def walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


# ---------------------------------------------------------------------------------------------
# inventory
# ---------------------------------------------------------------------------------------------
def test_inventory_matches_the_catalogue() -> None:
    rows = catalogue_rows()
    assert len(rows) == 184
    expected = {(area, name) for name, area, _, json_form in rows if json_form == "yes"}
    assert len(expected) == 183
    found = [(t.area, t.name) for t in schemas().types]
    assert len(found) == len(set(found)), "a type is defined twice in one area"
    assert set(found) - expected == set(), "types that are not in the catalogue"
    assert expected - set(found) == set(), "catalogue types without a schema"


def test_sse_message_has_no_schema() -> None:
    assert not [t for t in schemas().types if t.name == "SseMessage"]
    with pytest.raises(HubError):
        schemas().lookup("SseMessage")


def test_colliding_names_are_told_apart_by_area() -> None:
    for name in ("TimeWindow", "TimeRange", "AggregationFunction", "DataPoint"):
        with pytest.raises(HubError, match="ambiguous"):
            schemas().lookup(name)
    assert schemas().lookup("metrics.TimeWindow").schema != schemas().lookup("correlation.TimeWindow").schema


@pytest.mark.parametrize("union", sorted(TAGGED_UNIONS))
def test_tagged_unions_discriminate_exactly_the_model_tags(union: str) -> None:
    tag, values = TAGGED_UNIONS[union]
    schema = schemas().lookup(union).schema
    branches = [b["if"]["properties"][tag]["const"] for b in schema.get("allOf", []) if "if" in b]
    assert sorted(branches) == sorted(values)
    assert sorted(schema["properties"][tag]["enum"]) == sorted(values)


# ---------------------------------------------------------------------------------------------
# the corpus
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("item", VALID_CASES, ids=case_id)
def test_valid_case(item: tuple[str, int, dict[str, Any]]) -> None:
    area, _, case = item
    entry = schemas().lookup(case["type"])
    assert entry.area == area, f"{case['type']} belongs in {entry.area}.valid.json"
    errors = list(validator(case["type"]).iter_errors(case["payload"]))
    assert not errors, explain(case, errors)


@pytest.mark.parametrize("item", INVALID_CASES, ids=case_id)
def test_invalid_case(item: tuple[str, int, dict[str, Any]]) -> None:
    area, _, case = item
    entry = schemas().lookup(case["type"])
    assert entry.area == area, f"{case['type']} belongs in {entry.area}.invalid.json"
    assert case["defect"] in DEFECT_KINDS
    errors = list(validator(case["type"]).iter_errors(case["payload"]))
    assert errors, "accepted an invalid payload\n" + explain(case, errors)
    # error_at is the defect's own pointer: inside a nullable reference or a data-carrying enum, the
    # reference reports the union; the validator's refinement of its errors (docs/errors.md) the defect
    reported = {f.instance_path for f in Validator(case["type"], VERSION, engine="reference").check(case["payload"])}
    assert case["error_at"] in reported, f"expected an error at {case['error_at']!r}\n" + explain(case, errors)


def test_every_type_has_a_valid_case() -> None:
    covered = {(schemas().lookup(case["type"]).area, schemas().lookup(case["type"]).name)
               for _, _, case in VALID_CASES}
    missing = {(t.area, t.name) for t in schemas().types} - covered
    assert not missing


@pytest.mark.parametrize("union", sorted(TAGGED_UNIONS))
def test_every_tag_value_has_a_valid_case(union: str) -> None:
    tag, values = TAGGED_UNIONS[union]
    seen = {obj[tag] for _, _, case in VALID_CASES for obj in walk(case["payload"]) if isinstance(obj.get(tag), str)}
    assert set(values) - seen == set()


def test_every_leaf_payload_appears_in_a_full_event() -> None:
    unions = {"telemetry": "TelemetryPayload", "security": "SecurityPayload", "cost": "CostPayload",
              "governance": "GovernancePayload"}
    expected = {(kind, leaf) for kind, union in unions.items() for leaf in TAGGED_UNIONS[union][1]}
    expected.add(("custom", None))
    seen = set()
    for _, _, case in VALID_CASES:
        if case["type"] == "AnalyticsEvent":
            kind = case["payload"]["payload"]["payload_type"]
            tag = TAGGED_UNIONS[unions[kind]][0] if kind in unions else None
            seen.add((kind, case["payload"]["payload"]["data"][tag] if tag else None))
    assert expected - seen == set()


def test_every_defect_kind_has_invalid_cases() -> None:
    kinds = {case["defect"] for _, _, case in INVALID_CASES}
    assert set(DEFECT_KINDS) - kinds == set()
    assert kinds - set(DEFECT_KINDS) == set()


def test_corpus_files_are_pretty_printed() -> None:
    for path in sorted(CORPUS.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n", path.name


# ---------------------------------------------------------------------------------------------
# formats, error locations, offline references
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2024-02-30T10:00:00Z", "2023-02-29T00:00:00Z", "2024-01-15T10:30:00",
                                   "2024-01-15 10:30:00Z", "x"])
def test_date_time_format_is_asserted(value: str) -> None:
    instance = {"start": value, "end": "2024-01-15T11:00:00Z"}
    errors = list(validator("metrics.TimeRange").iter_errors(instance))
    assert errors and {pointer(e) for e in errors} == {"/start"}
    assert "format" in {e.validator for e in errors}, "date-time is only an annotation"


@pytest.mark.parametrize("value", ["not-a-uuid", "3b241101e2bb42558caf4136c566a962",
                                   "{3b241101-e2bb-4255-8caf-4136c566a962}",
                                   "urn:uuid:3b241101-e2bb-4255-8caf-4136c566a962"])
def test_uuid_format_is_asserted(value: str) -> None:
    errors = list(validator("CorrelationId").iter_errors(value))
    assert "format" in {e.validator for e in errors}, "uuid is only an annotation"


def test_formats_accept_the_producer_forms() -> None:
    assert validator("CorrelationId").is_valid("3b241101-e2bb-4255-8caf-4136c566a962")
    assert validator("metrics.TimeRange").is_valid(
        {"start": "2024-01-15T10:30:00.221784794Z", "end": "2024-01-15T12:30:00+02:00"})


def test_wrong_latency_is_reported_at_the_member_not_at_the_payload() -> None:
    event = {
        "event_id": "3b241101-e2bb-4255-8caf-4136c566a962", "timestamp": "2024-01-15T10:30:00Z",
        "source_module": "llm-observatory", "event_type": "telemetry", "schema_version": "1.0.0",
        "severity": "info", "environment": "production", "tags": {},
        "payload": {"payload_type": "telemetry", "data": {
            "telemetry_type": "latency", "model_id": "gpt-4", "request_id": "req-abc123",
            "total_latency_ms": "1523.45"}},
    }
    errors = list(validator("AnalyticsEvent").iter_errors(event))
    assert [(pointer(e), e.validator) for e in errors] == [("/payload/data/total_latency_ms", "type")]


def test_schema_references_never_reach_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a schema reference tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    remote = Draft202012Validator({"$ref": "https://json-schema.org/draft/2020-12/schema-that-is-not-local"},
                                  registry=schemas().registry)
    with pytest.raises(Unresolvable):
        remote.validate({})
