"""Adding a payload variant in a new version needs no Python edit: the union layout comes from the
schemas everywhere. In a temporary copy of the schema tree, version 1.2.0 gains a `cache_stats`
telemetry variant; then, with no code change, it passes `llm-hub check`, is generated into a model
class, fast-pathed and labelled by the validator, and handled by `llm-hub convert`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
ID = "https://llm-analytics-hub.invalid/schemas/1.2.0/events/"

LEAF = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": ID + "CacheStatsMetrics.json",
    "title": "CacheStatsMetrics",
    "description": "Prompt-cache statistics of one model. Closed object; the \"cache_stats\" variant of "
                   "TelemetryPayload.",
    "$ref": "#/$defs/fields",
    "unevaluatedProperties": False,
    "$defs": {"fields": {
        "type": "object",
        "properties": {
            "model_id": {"description": "Identifier of the model.", "type": "string"},
            "hit_rate": {"description": "Share of prompt tokens read from the cache, 0 to 1.", "type": "number"},
        },
        "required": ["model_id", "hit_rate"],
    }},
    "examples": [{"model_id": "gpt-4o", "hit_rate": 0.42}],
}

EVENT = {
    "event_id": "c954d3c8-4e25-466f-a5ff-1cdb8fc5b912", "timestamp": "2026-11-29T10:30:00Z",
    "source_module": "llm-observatory", "event_type": "telemetry", "schema_version": "1.2.0",
    "severity": "info", "environment": "production",
    "payload": {"payload_type": "telemetry",
                "data": {"telemetry_type": "cache_stats", "model_id": "gpt-4o", "hit_rate": 0.42}},
}

PROBE = """
import json, sys
from llm_analytics_hub import Validator
from llm_analytics_hub.models.v1_2_0 import events

event = json.loads(sys.argv[1])
validator = Validator()
wrong = json.loads(sys.argv[1])
wrong["payload"]["data"]["hit_rate"] = "high"
loaded = events.AnalyticsEvent.from_dict(event)
print(json.dumps({
    "fast_label": validator.fast_label(json.dumps(event).encode()),
    "findings": [f.instance_path for f in validator.check(event)],
    "wrong": [(f.instance_path, f.keyword) for f in validator.check(wrong)],
    "wrong_label": validator.label(wrong),
    "model": type(loaded.payload).__name__,
    "round_trip": loaded.to_dict() == event,
    "models_from": events.__file__,
}))
"""


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=600)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variant")
    schemas = root / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    env = {k: v for k, v in os.environ.items() if k != "LLM_HUB_SCHEMAS"}
    made = run("new-version", "1.2.0", "--schemas", str(schemas), env=env)
    assert made.returncode == 0, made.stderr
    events = schemas / "1.2.0" / "events"
    (events / "CacheStatsMetrics.json").write_text(json.dumps(LEAF, indent=2), encoding="utf-8")
    union_path = events / "TelemetryPayload.json"
    union: dict[str, Any] = json.loads(union_path.read_text(encoding="utf-8"))
    union["properties"]["telemetry_type"]["enum"].append("cache_stats")
    union["allOf"].append({
        "if": {"properties": {"telemetry_type": {"const": "cache_stats"}}, "required": ["telemetry_type"]},
        "then": {"$ref": "CacheStatsMetrics.json#/$defs/fields",
                 "properties": {"telemetry_type": {"const": "cache_stats"}}, "unevaluatedProperties": False},
    })
    union["examples"].append({"telemetry_type": "cache_stats", "model_id": "gpt-4o", "hit_rate": 0.42})
    union_path.write_text(json.dumps(union, indent=2), encoding="utf-8")
    return root


def test_the_new_version_checks_clean_and_is_a_minor_change(tree: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LLM_HUB_SCHEMAS"}
    checked = run("check", "--schemas", str(tree / "schemas"), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stderr.startswith(f"llm-hub: schemas {tree / 'schemas'} (--schemas)")
    compat = run("compat", "1.1.0", "1.2.0", "--no-empirical", "--schemas", str(tree / "schemas"), env=env)
    assert compat.returncode == 0 and "minor" in compat.stdout, compat.stdout + compat.stderr


def test_generated_labelled_fast_pathed_and_converted_without_code(tree: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LLM_HUB_SCHEMAS"}
    generated = tree / "generated"
    made = run("generate", "--schemas", str(tree / "schemas"), "--output", str(generated), env=env)
    assert made.returncode == 0, made.stderr
    probe_env = {**env, "LLM_HUB_SCHEMAS": str(tree / "schemas"), "PYTHONPATH": str(generated / "python")}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(EVENT)], capture_output=True, text=True,
                          env=probe_env, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["models_from"].startswith(str(generated))
    assert seen["fast_label"] == "telemetry/cache_stats"  # proven valid by the fast path, and labelled
    assert seen["findings"] == []
    assert seen["wrong"] == [["/payload/data/hit_rate", "type"]]
    assert seen["wrong_label"] == "telemetry/cache_stats"
    assert seen["model"] == "CacheStatsMetrics" and seen["round_trip"]

    schemas = str(tree / "schemas")
    down = run("convert", "--to", "1.1.0", "--schemas", schemas, "-", env=env, stdin=json.dumps(EVENT) + "\n")
    assert down.returncode == 1 and "not converted: invalid under 1.1.0" in down.stderr, down.stderr
    older = {**EVENT, "schema_version": "1.1.0", "payload": {"payload_type": "telemetry", "data": {
        "telemetry_type": "throughput", "model_id": "m", "requests_per_second": 1.0, "tokens_per_second": 2.0,
        "concurrent_requests": 3, "window_duration_seconds": 60}}}
    up = run("convert", "--to", "1.2.0", "--schemas", schemas, "-", env=env, stdin=json.dumps(older) + "\n")
    assert up.returncode == 0, up.stderr
    assert json.loads(up.stdout)["schema_version"] == "1.2.0"
