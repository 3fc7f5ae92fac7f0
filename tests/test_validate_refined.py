"""Errors that point at the defect (issue 15): a failed anyOf is reported by the branch the document
indicates (validation/unions.py), on both engines, through the API and the CLI.

The corpus records the pointer of each planted defect; the plain engine (jsonschema-rs on the
bundle) reports a defect inside a nullable reference or a data-carrying enum at the union, the
validator at the pointer. bench/error_locations.py prints the rates before and after.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from agreement_cases import CORPUS, corpus_payloads, schema_sets

from llm_analytics_hub import Validator
from llm_analytics_hub.pointer import join as pointer
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation.unions import indicated_branch

ROOT = Path(__file__).resolve().parent.parent
BUNDLES = ROOT / "generated" / "jsonschema"
ENGINES = ("fast", "reference")
API_ERROR_REPLY = load_version("1.0.0").lookup("ApiResponse").examples[1]  # carries an `error` object


@cache
def validator(engine: str, type_name: str, version: str) -> Validator:
    return Validator(type_name, version, engine=engine)


def located(engine: str, type_name: str, document: Any, version: str = "1.0.0") -> list[tuple[str, str]]:
    return sorted((f.instance_path, f.keyword) for f in validator(engine, type_name, version).check(document))


# --- the rule ------------------------------------------------------------------------------------

X = {"$ref": "X.json"}
NULL = {"type": "null", "description": "absent"}
ENUM = {"type": "string", "enum": ["mean", "max"]}
PERCENTILE = {"type": "object", "properties": {"percentile": {"type": "integer"}}, "required": ["percentile"],
              "additionalProperties": False}


@pytest.mark.parametrize(("branches", "instance", "expected"), [
    ([X, NULL], {"a": 1}, 0), ([NULL, X], 5, 1), ([X, NULL], "text", 0),  # nullable, either order
    ([ENUM, PERCENTILE], "MEAN", 0), ([ENUM, PERCENTILE], {"percentile": 300}, 1),  # data-carrying enum
    ([ENUM, PERCENTILE], {}, None), ([ENUM, PERCENTILE], {"percentile": 1, "exact": True}, None),
    ([ENUM, PERCENTILE], {"Percentile": 1}, None), ([ENUM, PERCENTILE], 95, None), ([ENUM, PERCENTILE], None, None),
    ([{"type": "number"}, {"type": "string"}], [], None),  # untagged: no branch is indicated
    ([X, {"type": "null", "minimum": 1}], {"a": 1}, None),  # not the plain null form
    ([NULL, NULL], 5, None),
])
def test_indicated_branch(branches: list[Any], instance: Any, expected: int | None) -> None:
    assert indicated_branch(branches, instance) == expected


# --- both engines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_defect_inside_a_nullable_reference_is_reported_where_it_is(engine: str) -> None:
    reply = copy.deepcopy(API_ERROR_REPLY)
    reply["error"]["status_code"] = 70000  # above the u16 maximum
    assert located(engine, "ApiResponse", reply) == [("/error/status_code", "maximum")]
    reply["error"] = None
    assert located(engine, "ApiResponse", reply) == []
    reply["error"] = "oops"  # a string is not null: the ApiError branch reports it, at the member
    assert located(engine, "ApiResponse", reply) == [("/error", "type")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("document", "expected"), [
    ({"percentile": 256}, [("/percentile", "maximum")]),
    ({"percentile": "95"}, [("/percentile", "type")]),
    ("MEAN", [("", "enum")]),
    ({}, [("", "anyOf")]),
    ({"percentile": 95, "exact": True}, [("", "anyOf")]),
    (95, [("", "anyOf")]),
    (None, [("", "anyOf")]),
])
def test_data_carrying_enum(engine: str, document: Any, expected: list[tuple[str, str]]) -> None:
    assert located(engine, "timeseries.AggregationFunction", document) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_the_other_variant_of_threat_type(engine: str) -> None:
    assert located(engine, "ThreatType", {"other": 1}) == [("/other", "type")]
    assert located(engine, "ThreatType", {"Other": "x"}) == [("", "anyOf")]  # no variant named Other
    assert located(engine, "ThreatType", "jailbreak") == [("", "enum")]


@pytest.mark.parametrize("engine", ENGINES)
def test_refinement_recurses_and_leaves_untagged_unions_alone(engine: str) -> None:
    hour = {"start": "2024-01-15T10:00:00Z", "end": "2024-01-15T11:00:00Z"}
    query = {"measurement": "llm_latency", "time_range": hour,
             "aggregation": {"function": {"percentile": 300}, "window": 5}}
    found = located(engine, "TimeSeriesQuery", query)  # nullable Aggregation > data-carrying enum > u8
    assert ("/aggregation/function/percentile", "maximum") in found and ("/aggregation/window", "type") in found
    assert not any(keyword == "anyOf" for _, keyword in found)
    assert located(engine, "MetricValues", {"value": 5.5, "rate": 1.5}) == [("", "anyOf")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_defect_in_a_tagged_variant_is_reported_at_the_leaf(engine: str) -> None:
    event = copy.deepcopy(load_version("1.0.0").lookup("AnalyticsEvent").examples[0])
    event["payload"]["data"]["ttft_ms"] = "fast"
    assert located(engine, "AnalyticsEvent", event) == [("/payload/data/ttft_ms", "type")]


# --- the corpus ----------------------------------------------------------------------------------

@cache
def plain_engine(version: str, qualified: str) -> Any:
    area, name = qualified.split(".", 1)
    bundle = json.loads((BUNDLES / version / area / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(bundle, validate_formats=True)


def test_every_union_defect_in_the_corpus_is_located_at_its_pointer() -> None:
    """Every invalid corpus document has its pointer among the reported locations, on both engines; among
    them the defects the plain engine reports at an enclosing union (the anyOf collapse)."""
    under_a_union = []
    problems = []
    for schemas in schema_sets():
        folder = CORPUS / schemas.version
        entries = {}
        for path in sorted(folder.glob("*.invalid.json")):
            for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                entries[f"corpus {schemas.version}/{path.name}[{index}]"] = entry
        for qualified, origin, payload, valid in corpus_payloads(schemas):
            if valid:
                continue
            wanted = entries[origin]["error_at"]
            plain = {pointer(e.instance_path) for e in plain_engine(schemas.version, qualified).iter_errors(payload)}
            if wanted not in plain and any(wanted.startswith(p + "/") for p in plain):
                under_a_union.append(origin)
            for engine in ENGINES:
                paths = {path for path, _ in located(engine, qualified, payload, schemas.version)}
                if wanted not in paths:
                    problems.append(f"{origin} {engine}: {entries[origin]['note']} at {wanted!r}, got {sorted(paths)}")
    assert not problems, "\n".join(problems[:20])
    assert len(under_a_union) >= 33, under_a_union  # nullable refs, data-carrying enums, ThreatType's other


# --- what the user sees ----------------------------------------------------------------------------

def test_cli_prints_the_refined_location_and_the_hint(tmp_path: Path) -> None:
    event = copy.deepcopy(load_version("1.0.0").lookup("AnalyticsEvent").examples[0])
    event["payload"]["data"]["total_latency"] = event["payload"]["data"].pop("total_latency_ms")
    reply = copy.deepcopy(API_ERROR_REPLY)
    reply["error"]["status_code"] = 70000
    events = tmp_path / "events.ndjson"
    costops = {**load_version("1.0.0").lookup("AnalyticsEvent").examples[0], "source_module": "llm-costops"}
    events.write_text(json.dumps(event) + "\n" + json.dumps(costops) + "\n")
    replies = tmp_path / "reply.json"
    replies.write_text(json.dumps(reply))

    def run(*args: str | Path) -> str:
        done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", *map(str, args)],
                              capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    text = run(events)
    assert (f"{events}:1: /payload/data: Unevaluated properties are not allowed ('total_latency' was unexpected) "
            '[unevaluatedProperties] did you mean "total_latency_ms"?') in text
    assert f'{events}:2: /source_module: ' in text and '[enum] did you mean "llm-cost-ops"?' in text
    records = [json.loads(line) for line in run("--format", "json", events).splitlines()[:-1]]
    hinted = [e for record in records for e in record["errors"] if "hint" in e]
    assert [(e["instance_path"], e["hint"]) for e in hinted] == [
        ("/payload/data", 'did you mean "total_latency_ms"?'), ("/source_module", 'did you mean "llm-cost-ops"?')]
    fields = ["instance_path", "schema_path", "keyword", "message"]
    assert all(list(e)[:4] == fields for r in records for e in r["errors"])
    assert not any("hint" in e for r in records for e in r["errors"] if e["keyword"] == "required")
    github = run("--format", "github", events)
    assert ("::Unevaluated properties are not allowed ('total_latency' was unexpected); "
            'did you mean "total_latency_ms"?') in github
    assert f"{replies}:1: /error/status_code: 70000 is greater than the maximum of 65535 [maximum]" in \
        run("--schema", "ApiResponse", replies)
