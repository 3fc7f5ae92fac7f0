"""Generated dataclasses: every schema example and corpus payload of every version survives
from_dict -> to_dict and from_json -> to_json; unions load as their variants' own classes."""

from __future__ import annotations

import dataclasses
import importlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from llm_analytics_hub import runtime
from llm_analytics_hub.runtime import ModelError
from llm_analytics_hub.schema_store import TypeEntry, load_version
from llm_analytics_hub.versions import available_versions

CORPUS = Path(__file__).resolve().parents[1] / "schemas" / "corpus"
SCHEMAS = load_version("1.0.0")


def model_class(entry: TypeEntry) -> Any:
    """The class of a type, or the alias of a union (loaded with `runtime.from_dict`)."""
    module = importlib.import_module(f"llm_analytics_hub.models.v{entry.version.replace('.', '_')}.{entry.area}")
    return getattr(module, entry.name)


def round_trip(model_type: Any, payload: Any) -> tuple[Any, bytes]:
    """(to_dict(from_dict(payload)), to_json(from_json(json text))) through the generated model."""
    loaded = runtime.from_dict(model_type, payload)
    text = json.dumps(payload).encode("utf-8")
    if isinstance(model_type, type) and issubclass(model_type, runtime.Model):
        return loaded.to_dict(), model_type.from_json(text).to_json()
    return runtime.to_dict(loaded, model_type), json.dumps(runtime.to_dict(loaded, model_type)).encode()


def example_cases() -> list[Any]:
    return [pytest.param(entry, index, example, id=f"{entry.version}:{entry.qualified}[{index}]")
            for version in available_versions() for entry in load_version(version).types
            for index, example in enumerate(entry.examples)]


def corpus_cases() -> list[Any]:
    cases = []
    for version_dir in sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []:
        for path in sorted(version_dir.glob("*.valid.json")):
            for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                cases.append(pytest.param(version_dir.name, case, id=f"{path.name}[{index}]:{case['type']}"))
    return cases


@pytest.mark.parametrize(("entry", "index", "example"), example_cases())
def test_schema_example_round_trips(entry: TypeEntry, index: int, example: Any) -> None:
    as_dict, as_json = round_trip(model_class(entry), example)
    assert as_dict == example
    assert json.loads(as_json) == example


CORPUS_CASES = corpus_cases()


def test_corpus_is_present() -> None:
    assert len(CORPUS_CASES) > 500, "schemas/corpus/<version>/*.valid.json missing"


@pytest.mark.parametrize(("version", "case"), CORPUS_CASES)
def test_corpus_payload_round_trips(version: str, case: dict[str, Any]) -> None:
    entry = load_version(version).lookup(case["type"])
    payload = case["payload"]
    out, as_json = round_trip(model_class(entry), payload)
    assert out == payload, case.get("note")
    assert json.loads(as_json) == payload
    assert json.dumps(out, sort_keys=True) == json.dumps(payload, sort_keys=True), "int/float changed"


def test_every_catalogue_type_is_a_class_or_an_alias_with_examples() -> None:
    for entry in SCHEMAS.types:
        model_type = model_class(entry)
        assert model_type is not None, entry.qualified
        if isinstance(model_type, type) and issubclass(model_type, runtime.Model):
            assert {f.name for f in dataclasses.fields(model_type)} <= {
                *(p for p in entry.schema.get("properties", {})), "extra", "unit", *_merged_members(entry)}
        assert entry.examples, entry.qualified


def _merged_members(entry: TypeEntry) -> set[str]:
    fields = entry.schema.get("$defs", {}).get("fields", {})
    return set(fields.get("properties", {})) | set(entry.schema.get("properties", {})) | {
        "event_id", "timestamp", "source_module", "event_type", "correlation_id", "parent_event_id",
        "schema_version", "severity", "environment", "tags", "other", "custom", "percentile", "value"}


def test_fields_show_exactly_the_schema_members() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    obj = events.AnalyticsEvent.from_dict({**event(), "correlation_id": None})
    members = [f.name for f in dataclasses.fields(obj)]
    assert members == ["event_id", "timestamp", "source_module", "event_type", "correlation_id",
                       "parent_event_id", "schema_version", "severity", "environment", "tags", "payload"]
    assert set(dataclasses.asdict(obj)) == set(members)
    assert "__wire__" not in repr(obj)
    absent = events.AnalyticsEvent.from_dict({k: v for k, v in event().items() if k != "correlation_id"})
    assert obj == absent  # the wire memory (null vs absent) never takes part in ==
    assert "correlation_id" in obj.to_dict() and "correlation_id" not in absent.to_dict()


def event() -> dict[str, Any]:
    return json.loads(json.dumps(SCHEMAS.lookup("AnalyticsEvent").examples[0]))


def test_real_python_types() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    obj = events.AnalyticsEvent.from_dict(event())
    assert isinstance(obj.event_id, UUID)
    assert isinstance(obj.timestamp, datetime) and obj.timestamp.tzinfo is not None
    assert obj.source_module is events.SourceModule.LLM_OBSERVATORY
    latency = obj.payload
    assert isinstance(latency, events.LatencyMetrics)
    assert isinstance(latency.breakdown, events.LatencyBreakdown)
    match obj.payload:
        case events.LatencyMetrics(total_latency_ms=total):
            assert total == latency.total_latency_ms
        case _:
            pytest.fail("match did not reach the variant class")


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
    counter = runtime.from_dict(metrics.MetricValues, {"value": 5, "rate": 1.5})
    gauge = runtime.from_dict(metrics.MetricValues, {"value": 5.5, "delta": None})
    assert type(counter).__name__ == "MetricValuesVariant2"
    assert type(gauge).__name__ == "MetricValuesVariant3"
    fields = runtime.from_dict(timeseries.FieldSet, {"latency_ms": 1.0, "cache_hit_rate": 0.5})
    assert isinstance(fields, timeseries.PerformanceFields) and fields.extra == {"cache_hit_rate": 0.5}
    custom = runtime.from_dict(timeseries.FieldSet, {"prompt": "x", "hit": True})
    assert isinstance(custom, dict) and runtime.to_dict(custom, timeseries.FieldSet) == {"prompt": "x", "hit": True}
    assert runtime.from_dict(timeseries.FieldValue, True) is True
    only_tag = runtime.from_dict(metadata.AssetSpecificMetadata, {"metadata_type": "custom"})
    assert only_tag == {}
    assert runtime.to_dict(only_tag, metadata.AssetSpecificMetadata) == {"metadata_type": "custom"}
    model = runtime.from_dict(metadata.AssetSpecificMetadata, metadata_example("model"))
    assert isinstance(model, metadata.ModelMetadata)
    with pytest.raises(ValueError):
        events.ThreatType(unit=events.ThreatTypeUnit.MALICIOUS_INPUT, other="x")


def metadata_example(tag: str) -> Any:
    examples = SCHEMAS.lookup("AssetSpecificMetadata").examples
    return next(e for e in examples if e["metadata_type"] == tag)


def test_from_json_reports_the_place_and_bad_json() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    with pytest.raises(ModelError) as info:
        events.AnalyticsEvent.from_json(b"{not json")
    assert info.value.path == "" and "not valid JSON" in str(info.value)
    data = json.loads(json.dumps(SCHEMAS.lookup("AnalyticsEvent").examples[2]))  # telemetry/error_rate
    data["payload"]["data"]["total_requests"] = 18446744073709551616  # u64 maximum + 1, beyond orjson's range
    with pytest.raises(ModelError) as info:
        events.AnalyticsEvent.from_json(json.dumps(data))
    assert info.value.path == "/payload/data/total_requests" and "out of range" in str(info.value)


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
