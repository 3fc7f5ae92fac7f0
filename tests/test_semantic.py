"""The semantic lint: every rule on a planted defect, exact pointers, and opt-in wiring."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from llm_analytics_hub.cli import main
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation import Validator, semantic_findings, validate


def event(data: dict[str, Any], payload_type: str = "telemetry", **envelope: Any) -> dict[str, Any]:
    return {"event_id": "5b1f0f3e-2c4d-4a8e-9f61-7d3c2b1a0e94", "timestamp": "2025-10-14T08:12:45Z",
            "source_module": "llm-observatory", "event_type": "telemetry", "schema_version": "1.1.0",
            "severity": "info", "environment": "production", **envelope,
            "payload": {"payload_type": payload_type, "data": data}}


USAGE = {"telemetry_type": "token_usage", "model_id": "m", "request_id": "r", "prompt_tokens": 100,
         "completion_tokens": 50, "total_tokens": 150}
COST = {"cost_type": "token_cost", "model_id": "m", "request_id": "r", "prompt_tokens": 1000,
        "completion_tokens": 100, "total_tokens": 1100, "cost_per_prompt_token": 1e-06,
        "cost_per_completion_token": 1e-05, "total_cost_usd": 0.002, "currency": "USD",
        "cost_breakdown": {"uncached_input_usd": 0.001, "output_usd": 0.001}}

CASES = [
    ("usage-total", event({**USAGE, "total_tokens": 90}), "/payload/data/total_tokens"),
    ("usage-cache", event({**USAGE, "cache_read_input_tokens": 80, "cache_write_input_tokens": 30}),
     "/payload/data/cache_write_input_tokens"),
    ("usage-cache", event({**USAGE, "cache_read_input_tokens": 120}), "/payload/data/cache_read_input_tokens"),
    ("usage-reasoning", event({**USAGE, "reasoning_tokens": 51}), "/payload/data/reasoning_tokens"),
    ("usage-modality", event({**USAGE, "prompt_tokens_by_modality": {"text": 90, "image": 11}}),
     "/payload/data/prompt_tokens_by_modality"),
    ("cost-breakdown-sum", event({**COST, "total_cost_usd": 0.0025}, "cost"), "/payload/data/cost_breakdown"),
    ("usage-reasoning", event({**COST, "reasoning_tokens": 101}, "cost"), "/payload/data/reasoning_tokens"),
    ("latency-ttft", event({"telemetry_type": "latency", "model_id": "m", "request_id": "r",
                            "total_latency_ms": 10.0, "ttft_ms": 12.5}), "/payload/data/ttft_ms"),
    ("error-rate-counts", event({"telemetry_type": "error_rate", "model_id": "m", "total_requests": 5,
                                 "failed_requests": 6, "error_rate_percent": 120.0, "error_breakdown": {},
                                 "window_duration_seconds": 60}), "/payload/data/failed_requests"),
    ("trace-id-zero", event(USAGE, trace_id="0" * 32), "/trace_id"),
    ("trace-id-zero", event(USAGE, trace_id="4bf92f3577b34da6a3ce929d0e0e4736", span_id="0" * 16), "/span_id"),
    ("span-without-trace", event(USAGE, span_id="00f067aa0ba902b7"), "/span_id"),
]


@pytest.mark.parametrize(("rule", "document", "where"), CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_rule(rule: str, document: dict[str, Any], where: str) -> None:
    assert validate(document) == []  # schema-valid: only the semantic lint can object
    found = validate(document, semantic=True)
    assert [(f.keyword, f.instance_path) for f in found] == [("semantic", where)]
    assert found[0].message.startswith(rule + ":")


def test_tolerance_of_the_cost_sum() -> None:
    within = event({**COST, "total_cost_usd": 0.002 + 5e-7}, "cost")
    assert semantic_findings(within) == []
    beyond = event({**COST, "total_cost_usd": 0.002 + 5e-6}, "cost")
    assert [f.message.split(":")[0] for f in semantic_findings(beyond)] == ["cost-breakdown-sum"]


def test_leaf_types_and_examples_are_clean() -> None:
    for version in ("1.0.0", "1.1.0"):
        for entry in load_version(version).types:
            for example in entry.examples:
                assert semantic_findings(example, entry.qualified, version) == [], (version, entry.qualified, example)
    usage = copy.deepcopy(USAGE)
    usage["reasoning_tokens"] = 60
    assert [f.instance_path for f in semantic_findings(usage, "TokenUsageMetrics")] == ["/reasoning_tokens"]


def test_off_by_default_and_off_the_fast_path() -> None:
    bad = event({**USAGE, "total_tokens": 1})
    plain, semantic = Validator(), Validator(semantic=True)
    raw = json.dumps(bad).encode()
    assert plain.fast_label(raw) is not None  # the fast path still proves it valid
    assert semantic.fast_label(raw) is None
    assert plain.check(bad) == ()
    assert [f.keyword for f in semantic.check(bad)] == ["semantic", "semantic"]  # below both parts
    schema_invalid = dict(bad, severity="loud")
    assert all(f.keyword != "semantic" for f in semantic.check(schema_invalid))


def test_cli(tmp_path: Path) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text(json.dumps(CASES[0][1]) + "\n" + json.dumps(event(USAGE)) + "\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", "--semantic", "--format", "json", str(path)])
    assert result.exit_code == 1
    first = json.loads(result.stdout.splitlines()[0])
    assert first["line"] == 1
    assert first["errors"][0]["keyword"] == "semantic"
    assert first["errors"][0]["instance_path"] == "/payload/data/total_tokens"
