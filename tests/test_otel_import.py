"""`llm-hub otel import` and `otel export` on hand-written OTLP payloads (tests/otel_fixtures/): the same request
in four conventions, an agent trace with faults, GenAI client metrics, the collector's file exporter output,
protobuf, the id rule, and the round trip export -> import."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from llm_analytics_hub.otel import ids
from llm_analytics_hub.validation import Validator

FIXTURES = Path(__file__).parent / "otel_fixtures"
CONVENTIONS = ("genai", "genai-1.36", "openllmetry", "openinference")
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def run_import(hub: Any, *args: str | Path) -> tuple[int, list[dict[str, Any]], str]:
    proc = hub("otel", "import", *args, "-o", "-")
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()], proc.stderr


def data_of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["payload"]["data"] for e in events if e["payload"]["data"]["telemetry_type"] == kind]


def test_one_request_in_every_convention_gives_the_same_token_counts(hub: Any) -> None:
    """An Anthropic request with 12288 cache-read, 1536 cache-write and 486 uncached input tokens and 640 thinking
    tokens among 1218 output tokens: no convention's spelling counts a cache or reasoning token twice."""
    usage = {}
    for convention in CONVENTIONS:
        code, events, err = run_import(hub, FIXTURES / f"anthropic-cache-{convention}.json")
        assert code == 0, err
        (usage[convention],) = data_of(events, "token_usage")
        (latency,) = data_of(events, "latency")
        assert latency["total_latency_ms"] == 4120.0
    counts = ("model_id", "provider", "prompt_tokens", "completion_tokens", "total_tokens")
    for convention in CONVENTIONS:
        assert {k: usage[convention][k] for k in counts} == {
            "model_id": "claude-sonnet-4-5", "provider": "anthropic", "prompt_tokens": 14310,
            "completion_tokens": 1218, "total_tokens": 15528}, convention
    # the conventions that carry the sub-counts carry the same ones; <= 1.36 had no cache or reasoning attributes
    for convention in ("genai", "openllmetry", "openinference"):
        assert (usage[convention]["cache_read_input_tokens"], usage[convention]["cache_write_input_tokens"],
                usage[convention]["reasoning_tokens"]) == (12288, 1536, 640), convention
    assert not {"cache_read_input_tokens", "reasoning_tokens"} & set(usage["genai-1.36"])
    assert usage["genai"] == {
        "telemetry_type": "token_usage", "model_id": "claude-sonnet-4-5", "request_id": "00f067aa0ba902b7",
        "prompt_tokens": 14310, "completion_tokens": 1218, "total_tokens": 15528, "cache_read_input_tokens": 12288,
        "cache_write_input_tokens": 1536, "reasoning_tokens": 640, "provider": "anthropic", "operation": "chat",
        "response_model": "claude-sonnet-4-5-20250929", "response_id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "finish_reasons": ["end_turn"], "streaming": True}
    assert usage["openllmetry"]["operation"] == "chat" and usage["openllmetry"]["streaming"] is True


def test_the_envelope_and_the_id_rule(hub: Any) -> None:
    code, events, _ = run_import(hub, FIXTURES / "anthropic-cache-genai.json")
    assert code == 0
    usage, latency = events
    assert usage["event_id"] == "929d0e0e-4736-0001-00f0-67aa0ba902b7" == ids.event_id(TRACE, "00f067aa0ba902b7",
                                                                                      "token_usage")
    assert latency["event_id"] == "929d0e0e-4736-0002-00f0-67aa0ba902b7"
    assert usage["correlation_id"] == "4bf92f35-77b3-4da6-a3ce-929d0e0e4736" and "parent_event_id" not in usage
    assert ids.trace_of_correlation(usage["correlation_id"]) == TRACE
    assert {k: usage[k] for k in ("timestamp", "source_module", "event_type", "schema_version", "severity",
                                  "environment", "tags", "trace_id", "span_id")} == {
        "timestamp": "2026-01-01T00:00:00.123456789Z", "source_module": "llm-analytics-hub", "event_type": "telemetry",
        "schema_version": "1.1.0", "severity": "info", "environment": "production",
        "tags": {"service.name": "support-bot"}, "trace_id": TRACE, "span_id": "00f067aa0ba902b7"}
    assert data_of(events, "latency")[0]["ttft_ms"] == 312.4


def test_an_agent_trace_with_faults_keeps_the_rest_and_counts_every_rejection(hub: Any, tmp_path: Path) -> None:
    proc = hub("otel", "import", FIXTURES / "agent-trace-with-faults.json", "-o", tmp_path / "events.ndjson",
               "--invalid-out", tmp_path / "rejected", "--format", "json")
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stderr.splitlines()]
    summary = records.pop()["summary"]
    assert summary["spans"] == 12 and summary["mapped_spans"] == 4 and summary["rejected_spans"] == 5
    assert summary["events"] == {"error": 1, "latency": 4, "token_usage": 3}
    assert sorted(summary["skipped_spans"].values()) == [1, 1, 1]  # the agent, the tool and the HTTP span
    reasons = {r["where"]: r["reason"] for r in records}
    spans = "/resourceSpans/0/scopeSpans/0/spans"
    assert "traceId '4BF92F3577B34DA6A3CE929D0E0E47ZZ' is not 32 hex digits" in reasons[f"{spans}/7"]
    assert "a string value '1320' where an int belongs" in reasons[f"{spans}/8/attributes/gen_ai.usage.input_tokens"]
    assert "exceed input_tokens (486)" in reasons[f"{spans}/9"]
    assert reasons[f"{spans}/10"].startswith("no model")
    assert "greater than the maximum of 4294967295" in reasons[f"{spans}/11"]
    events = [json.loads(line) for line in (tmp_path / "events.ndjson").read_text().splitlines()]
    checker = Validator()
    assert all(checker.is_valid(e) for e in events)
    (error,) = data_of(events, "error_rate")
    assert error == {"telemetry_type": "error_rate", "model_id": "gpt-4o", "total_requests": 1, "failed_requests": 1,
                     "error_rate_percent": 100.0, "error_breakdown": {"rate_limit_exceeded": 1},
                     "window_duration_seconds": 1}
    failed = [e for e in events if e["span_id"] == "a5b6c7d8e9fa0b1c"]
    assert {e["severity"] for e in failed} == {"error"}
    assert data_of(failed, "latency")[0]["error_type"] == "rate_limit_exceeded"
    (embedding,) = [d for d in data_of(events, "token_usage") if d["operation"] == "embeddings"]
    assert (embedding["prompt_tokens"], embedding["completion_tokens"]) == (42, 0)
    # the child's parent_event_id is the id its parent span's events point at (the agent span is not a model call)
    chat = next(e for e in events if e["span_id"] == "c1f2e3d4a5b60718")
    assert chat["parent_event_id"] == ids.event_id("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "latency")
    assert chat["tags"]["gen_ai.conversation.id"] == "conv_5j66UpCpwteGg4YSxUnt7lPY"
    quarantined = [json.loads(line) for line in
                   (tmp_path / "rejected" / "agent-trace-with-faults.ndjson").read_text().splitlines()]
    assert all(r["valid"] is False and r["errors"][0]["keyword"] == "otel" for r in quarantined)
    assert [json.loads(r["document"])["spanId"] for r in quarantined] == [
        "0102030405060708", "1a2b3c4d5e6f7081", "2b3c4d5e6f708192", "3c4d5e6f70819203", "4d5e6f7081920314"]


def test_protobuf_and_gzip_give_what_json_gives(hub: Any, tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "agent-trace-with-faults.json").read_text())
    spans = document["resourceSpans"][0]["scopeSpans"][0]["spans"]
    del spans[7]  # a non-hex id cannot be written in protobuf (ids are bytes there)
    (tmp_path / "trace.json").write_text(json.dumps(document))
    request = trace_service_pb2.ExportTraceServiceRequest()
    for span in spans:  # OTLP/JSON hex ids -> the proto3 JSON mapping's base64 bytes
        for key in ("traceId", "spanId", "parentSpanId"):
            span[key] = base64.b64encode(bytes.fromhex(span[key])).decode() if span.get(key) else ""
    json_format.ParseDict(document, request)
    (tmp_path / "trace.pb").write_bytes(request.SerializeToString())
    (tmp_path / "unnamed.bin.gz").write_bytes(gzip.compress(request.SerializeToString()))
    from_json = run_import(hub, tmp_path / "trace.json")
    assert run_import(hub, tmp_path / "trace.pb")[:2] == from_json[:2]
    assert run_import(hub, tmp_path / "unnamed.bin.gz")[:2] == from_json[:2]
    assert from_json[0] == 1 and len(from_json[1]) == 8


def test_metrics_become_the_hubs_metric_types(hub: Any, tmp_path: Path) -> None:
    proc = hub("otel", "import", FIXTURES / "genai-client-metrics.json", "--metrics-out", tmp_path / "m.ndjson")
    assert proc.returncode == 0, proc.stderr
    assert "skipped 1: not a GenAI metric (http.client.request.duration)" in proc.stderr
    documents = [json.loads(line) for line in (tmp_path / "m.ndjson").read_text().splitlines()]
    checker = Validator(schema="MetricType", version="1.1.0")
    assert all(checker.is_valid(d) for d in documents) and len(documents) == 5
    tokens = next(d for d in documents if d["name"] == "gen_ai.client.token.usage"
                  and d["tags"]["gen_ai.token.type"] == "input")
    assert tokens["stats"] == {"avg": 3790 / 3, "min": 1150.0, "max": 1320.0, "p50": 1235.0, "p95": 1311.5,
                               "p99": 1318.3, "count": 3, "sum": 3790.0}
    assert tokens["buckets"][6] == {"upper_bound": 4096.0, "count": 3} and len(tokens["buckets"]) == 14
    assert tokens["tags"]["otel.unit"] == "{token}" and tokens["tags"]["service.name"] == "travel-agent"
    choices = next(d for d in documents if d["metric_type"] == "counter")
    assert choices["value"] == 3 and choices["tags"]["otel.temporality"] == "cumulative"
    # without --metrics-out the documents are counted, not written in silence
    proc = hub("otel", "import", FIXTURES / "genai-client-metrics.json")
    assert proc.returncode == 0 and "5 metric document(s) not written: give --metrics-out FILE" in proc.stderr


def test_the_collector_file_exporter_output(hub: Any, tmp_path: Path) -> None:
    proc = hub("otel", "import", FIXTURES / "collector-file-exporter.jsonl", "-o", tmp_path / "e.ndjson",
               "--metrics-out", tmp_path / "m.ndjson")
    assert proc.returncode == 0, proc.stderr
    assert len((tmp_path / "e.ndjson").read_text().splitlines()) == 6
    assert len((tmp_path / "m.ndjson").read_text().splitlines()) == 5


def test_unreadable_input_and_unknown_version(hub: Any, tmp_path: Path) -> None:
    proc = hub("otel", "import", tmp_path / "missing.json")
    assert proc.returncode == 2 and "missing.json: cannot read" in proc.stderr
    proc = hub("otel", "import", FIXTURES / "anthropic-cache-genai.json", "--schema-version", "9.9.9")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    (tmp_path / "junk.json").write_text('{"resourceSpans": [{"scopeSpans": 7}]}\nnot json\n')
    proc = hub("otel", "import", tmp_path / "junk.json")
    assert proc.returncode == 1 and "2 request(s) could not be read" in proc.stderr


SPAN = {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331", "name": "chat", "kind": 3,
        "startTimeUnixNano": "1767225600000000000", "endTimeUnixNano": "1767225600500000000"}
SPAN_PLACE = ("/resourceSpans/0/scopeSpans/0/spans/0: span 'chat' (trace 0af7651916cd43dd8448eb211c80319c, "
              "span b7ad6b7169203331): ")


def _one_span(**members: Any) -> dict[str, Any]:
    return {"resourceSpans": [{"scopeSpans": [{"spans": [{**SPAN, **members}]}]}]}


ODD_SHAPES = [  # (request, what the one line says); a request-level fault costs the request, a span's the span
    ({"resourceSpans": [{"resource": 3, "scopeSpans": []}]},
     "(root): request: /resourceSpans/0/resource: expected an object"),
    ({"resourceSpans": [{"resource": {"attributes": 5}}]},
     "(root): request: /resourceSpans/0/resource: attributes 5 is not an array"),
    ({"resourceSpans": [{"scopeSpans": [7]}]}, "(root): request: /resourceSpans/0/scopeSpans/0: expected an object"),
    ({"resourceMetrics": [{"scopeMetrics": ["x"]}]},
     "(root): request: /resourceMetrics/0/scopeMetrics/0: expected an object"),
    (_one_span(attributes="no", status=7), SPAN_PLACE + "attributes 'no' is not an array"),
    (_one_span(attributes=[{"key": "a", "value": {"arrayValue": 5}}]),
     SPAN_PLACE + "attribute a: arrayValue 5 is not an object with a values array"),
    (_one_span(attributes=[{"key": "b", "value": {"bytesValue": "!"}}]),
     SPAN_PLACE + "attribute b: bytesValue '!' is not base64"),
]


@pytest.mark.parametrize(("request_body", "said"), ODD_SHAPES)
def test_odd_request_shapes_are_one_line_with_the_place(hub: Any, tmp_path: Path, request_body: Any, said: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(request_body))
    proc = hub("otel", "import", path, "-o", tmp_path / "events.ndjson")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[0] == f"{path}:1: {said}", proc.stderr


def test_version_1_0_0_events(hub: Any) -> None:
    code, events, err = run_import(hub, FIXTURES / "anthropic-cache-genai.json", "--schema-version", "1.0.0")
    assert code == 0, err
    checker = Validator(version="1.0.0")
    assert all(checker.is_valid(e) for e in events) and "trace_id" not in events[0]
    assert data_of(events, "token_usage")[0] == {
        "telemetry_type": "token_usage", "model_id": "claude-sonnet-4-5", "request_id": "00f067aa0ba902b7",
        "prompt_tokens": 14310, "completion_tokens": 1218, "total_tokens": 15528}


def test_export_then_import_gives_the_same_events(hub: Any, tmp_path: Path) -> None:
    originals = []
    for name in ("anthropic-cache-genai.json", "agent-trace-with-faults.json"):
        originals += run_import(hub, FIXTURES / name)[1]
    (tmp_path / "events.ndjson").write_text("".join(json.dumps(e) + "\n" for e in originals))
    proc = hub("otel", "export", tmp_path / "events.ndjson", "-o", tmp_path / "otlp.jsonl")
    assert proc.returncode == 0, proc.stderr
    code, again, err = run_import(hub, tmp_path / "otlp.jsonl")
    assert code == 0, err
    assert sorted(again, key=lambda e: e["event_id"]) == sorted(originals, key=lambda e: e["event_id"])


def test_events_written_elsewhere_come_back_with_every_mapped_member(hub: Any, tmp_path: Path) -> None:
    """Producer events (random ids, no trace) through OTLP and back: every mapped member survives."""
    example = json.loads(hub("example", "AnalyticsEvent", "--version", "1.1.0").stdout)
    events = []
    for index, data in enumerate((
            {"telemetry_type": "token_usage", "model_id": "gpt-4o", "request_id": "req-1", "prompt_tokens": 100,
             "completion_tokens": 20, "total_tokens": 125, "provider": "openai", "prompt_tokens_by_modality": {
                 "text": 90, "image": 10}},
            {"telemetry_type": "latency", "model_id": "gpt-4o", "request_id": "req-2", "total_latency_ms": 1842.6,
             "ttft_ms": 312.4, "tokens_per_second": 67.97, "breakdown": {
                 "queue_time_ms": 45.2, "processing_time_ms": 1698.1, "network_time_ms": 87.9, "other_ms": 11.4}})):
        event = {**example, "event_id": f"3b241101-e2bb-4255-8caf-4136c566a96{index}", "severity": "warning",
                 "tags": {"team": "search"}, "payload": {"payload_type": "telemetry", "data": data}}
        event.pop("correlation_id", None), event.pop("parent_event_id", None)
        event.pop("trace_id", None), event.pop("span_id", None)
        events.append(event)
    (tmp_path / "in.ndjson").write_text("".join(json.dumps(e) + "\n" for e in events))
    assert hub("otel", "export", tmp_path / "in.ndjson", "-o", tmp_path / "otlp.jsonl").returncode == 0
    code, again, err = run_import(hub, tmp_path / "otlp.jsonl")
    assert code == 0, err
    for before, after in zip(events, sorted(again, key=lambda e: e["event_id"]), strict=True):
        after.pop("trace_id"), after.pop("span_id")  # import always says which span an event came from
        before["source_module"] = before["source_module"]
        assert after == {**before, "event_type": "telemetry"}


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.json*")))
def test_otel_check_reports_on_every_fixture(hub: Any, fixture: str) -> None:
    proc = hub("otel", "check", FIXTURES / fixture, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    coverage = lines.pop()["summary"]
    assert all({"file", "line", "where", "rule", "level", "message"} == set(f) for f in lines)
    if fixture == "agent-trace-with-faults.json":
        rules = {f["rule"] for f in lines}
        assert {"wrong-type", "sub-count-above-total", "unmappable", "missing-recommended"} <= rules
    if fixture == "anthropic-cache-genai-1.36.json":
        assert any(f["rule"] == "deprecated" and "gen_ai.system" in f["message"] for f in lines)
    if fixture == "anthropic-cache-genai.json":
        assert proc.returncode == 0 and not lines
        assert coverage["members"]["token_usage.cache_read_input_tokens"]["share"] == 1.0


def test_otel_check_sarif(hub: Any) -> None:
    proc = hub("otel", "check", FIXTURES / "agent-trace-with-faults.json", "--format", "sarif")
    log = json.loads(proc.stdout)
    (run,) = log["runs"]
    assert log["version"] == "2.1.0" and run["results"] and run["properties"]["coverage"]["model_call_spans"] == 9
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


def _documents(pipeline: Any, span: Any) -> list[dict[str, Any]]:
    from llm_analytics_hub.otel.spans import Rejected

    try:
        return [document for _, document in pipeline.mapper.events(span)]
    except Rejected:
        return []


def test_spans_of_one_shape_are_judged_each_on_its_own_values() -> None:
    """The mapper plans per attribute shape and per set of facts: the plan of the first span must not decide for
    the next ones of the same shape. Every span of every fixture, mapped in one run after its shape was planned
    by another span, gives what a fresh pipeline gives for it alone; a later span of a planned shape with a
    string count, an unknown gen_ai.system spelling or a null value is judged on its own."""
    from llm_analytics_hub.otel.inputs import requests
    from llm_analytics_hub.otel.pipeline import Pipeline

    shared = Pipeline("1.1.0")
    spans = [span for path in sorted(FIXTURES.glob("*.json*")) for request in requests(str(path))
             if request.spans is not None for span in request.spans]
    assert len(spans) > 10
    together = shared.spans(spans + spans, "all", 1)
    alone = [Pipeline("1.1.0").spans([span], "one", 1) for span in spans]
    assert together.events == [line for batch in alone for line in batch.events] * 2
    assert [r.reason for r in together.rejections] == [r.reason for b in alone for r in b.rejections] * 2
    # the lines, written from the envelope encoded once per span, are what orjson writes for the whole documents
    written = [orjson.dumps(document) + b"\n" for span in spans if span.problem is None
               and shared.mapper.select(span) is None for document in _documents(shared, span)]
    assert set(together.events) <= set(written) and len(together.events) > 10
    base = next(s for s in spans if s.attributes.get("gen_ai.provider.name") == "anthropic"
                and s.attributes.get("gen_ai.usage.input_tokens") == 14310)  # anthropic-cache-genai.json
    variants = [dict(base.attributes, **{"gen_ai.usage.output_tokens": "1218"}),
                {**{k: v for k, v in base.attributes.items() if k != "gen_ai.provider.name"},
                 "gen_ai.system": "vertex_ai"},
                dict(base.attributes, **{"gen_ai.request.model": None})]
    from dataclasses import replace

    batch = shared.spans([replace(base, attributes=a) for a in variants], "variants", 1)
    assert [r.reason.split(":")[0] for r in batch.rejections] == ["gen_ai.usage.output_tokens"]
    documents = [json.loads(line) for line in batch.events]
    assert {d["payload"]["data"].get("provider") for d in documents} == {"gcp.vertex_ai", "anthropic"}
    assert {d["payload"]["data"]["model_id"] for d in documents} >= {base.attributes.get("gen_ai.response.model")}
