"""Generated dataclasses: every schema example and corpus payload survives from_dict -> to_dict."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from llm_analytics_hub.codegen.runtime import ModelError
from llm_analytics_hub.schema_store import TypeEntry, load_version

CORPUS = Path(__file__).resolve().parents[1] / "schemas" / "corpus"
SCHEMAS = load_version("1.0.0")


def model_class(entry: TypeEntry) -> Any:
    module = importlib.import_module(f"llm_analytics_hub.models.v{entry.version.replace('.', '_')}.{entry.area}")
    return getattr(module, entry.name)


def example_cases() -> list[Any]:
    return [pytest.param(entry, index, example, id=f"{entry.qualified}[{index}]")
            for entry in SCHEMAS.types for index, example in enumerate(entry.examples)]


def corpus_cases() -> list[Any]:
    cases = []
    for version_dir in sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []:
        for path in sorted(version_dir.glob("*.valid.json")):
            for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                cases.append(pytest.param(version_dir.name, case, id=f"{path.name}[{index}]:{case['type']}"))
    return cases


@pytest.mark.parametrize(("entry", "index", "example"), example_cases())
def test_schema_example_round_trips(entry: TypeEntry, index: int, example: Any) -> None:
    cls = model_class(entry)
    assert cls.from_dict(example).to_dict() == example


CORPUS_CASES = corpus_cases()


def test_corpus_is_present() -> None:
    assert len(CORPUS_CASES) > 500, "schemas/corpus/<version>/*.valid.json missing"


@pytest.mark.parametrize(("version", "case"), CORPUS_CASES)
def test_corpus_payload_round_trips(version: str, case: dict[str, Any]) -> None:
    entry = load_version(version).lookup(case["type"])
    payload = case["payload"]
    out = model_class(entry).from_dict(payload).to_dict()
    assert out == payload, case.get("note")
    assert json.dumps(out, sort_keys=True) == json.dumps(payload, sort_keys=True), "int/float changed"


def test_every_catalogue_type_has_from_dict_and_examples() -> None:
    for entry in SCHEMAS.types:
        cls = model_class(entry)
        assert hasattr(cls, "from_dict") and hasattr(cls, "to_dict"), entry.qualified
        assert entry.examples, entry.qualified


def event() -> dict[str, Any]:
    return json.loads(json.dumps(SCHEMAS.lookup("AnalyticsEvent").examples[0]))


def test_real_python_types() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    obj = events.AnalyticsEvent.from_dict(event())
    assert isinstance(obj.event_id, UUID)
    assert isinstance(obj.timestamp, datetime) and obj.timestamp.tzinfo is not None
    assert obj.source_module is events.SourceModule.LLM_OBSERVATORY
    assert isinstance(obj.payload, events.EventPayload)
    assert isinstance(obj.payload.value, events.TelemetryPayload)
    latency = obj.payload.value.value
    assert isinstance(latency, events.LatencyMetrics)
    assert isinstance(latency.breakdown, events.LatencyBreakdown)
    assert obj.payload.tag == "telemetry" and obj.payload.value.tag == "latency"


def test_wire_forms_survive() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    data = event()
    data["event_id"] = data["event_id"].upper()
    data["timestamp"] = "2024-01-15T12:30:00.221784794+02:00"
    data["correlation_id"] = None  # null for a skip-if-none member
    del data["schema_version"], data["tags"]  # serde defaults
    data["payload"]["data"]["total_latency_ms"] = 150  # integer-valued f64 stays an int
    out = events.AnalyticsEvent.from_dict(data).to_dict()
    assert out == data
    assert json.dumps(out) == json.dumps(data)


def test_built_objects_use_the_producer_form() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    obj = events.CommonEventFields(
        event_id=UUID("3B241101-E2BB-4255-8CAF-4136C566A962"),
        timestamp=datetime(2024, 1, 15, 10, 30, 0, 500000, tzinfo=UTC),
        source_module=events.SourceModule.LLM_COST_OPS, event_type=events.EventType.COST,
        severity=events.Severity.INFO, environment="production")
    assert obj.to_dict() == {
        "event_id": "3b241101-e2bb-4255-8caf-4136c566a962", "timestamp": "2024-01-15T10:30:00.500Z",
        "source_module": "llm-cost-ops", "event_type": "cost", "schema_version": "1.0.0",
        "severity": "info", "environment": "production", "tags": {}}


def test_unions_and_data_enums() -> None:
    from llm_analytics_hub.models.v1_0_0 import events, metadata, metrics, timeseries

    assert events.ThreatType.from_dict({"other": "jailbreak"}).other == "jailbreak"
    assert events.ThreatType.from_dict("prompt_injection").unit is events.ThreatTypeUnit.PROMPT_INJECTION
    assert timeseries.AggregationFunction.from_dict({"percentile": 95}).to_dict() == {"percentile": 95}
    assert timeseries.FillStrategy.from_dict("null").to_dict() == "null"
    counter = metrics.MetricValues.from_dict({"value": 5, "rate": 1.5})
    gauge = metrics.MetricValues.from_dict({"value": 5.5, "delta": None})
    assert type(counter.value).__name__ == "MetricValuesVariant2"
    assert type(gauge.value).__name__ == "MetricValuesVariant3"
    fields = timeseries.FieldSet.from_dict({"latency_ms": 1.0, "cache_hit_rate": 0.5})
    assert isinstance(fields.value, timeseries.PerformanceFields) and fields.value.extra == {"cache_hit_rate": 0.5}
    custom = timeseries.FieldSet.from_dict({"prompt": "x", "hit": True})
    assert isinstance(custom.value, dict) and custom.to_dict() == {"prompt": "x", "hit": True}
    assert timeseries.FieldValue.from_dict(True).value is True
    only_tag = metadata.AssetSpecificMetadata.from_dict({"metadata_type": "custom"})
    assert only_tag.value == {} and only_tag.to_dict() == {"metadata_type": "custom"}
    with pytest.raises(ValueError):
        events.ThreatType(unit=events.ThreatTypeUnit.MALICIOUS_INPUT, other="x")


@pytest.mark.parametrize(("mutate", "path", "words"), [
    (lambda d: d["payload"]["data"].pop("total_latency_ms"), "/payload/data", "total_latency_ms"),
    (lambda d: d["payload"]["data"].update(telemetry_type="nope"), "/payload/data/telemetry_type", "nope"),
    (lambda d: d["payload"].update(payload_type="nope"), "/payload/payload_type", "discriminator"),
    (lambda d: d["payload"]["data"].pop("telemetry_type"), "/payload/data", "telemetry_type"),
    (lambda d: d.pop("timestamp"), "", "timestamp"),
    (lambda d: d["payload"]["data"]["breakdown"].update(queue_time_ms="x"), "/payload/data/breakdown/queue_time_ms",
     "number"),
    (lambda d: d.update(severity="loud"), "/severity", "Severity"),
    (lambda d: d["payload"]["data"].update(total_latency=1.0), "/payload/data/total_latency", "undeclared"),
])
def test_errors_name_the_place(mutate: Any, path: str, words: str) -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    data = event()
    mutate(data)
    with pytest.raises(ModelError) as info:
        events.AnalyticsEvent.from_dict(data)
    assert info.value.path == path
    assert words in str(info.value)
