"""`llm-hub otel serve` on 127.0.0.1: one receiver for the module, fed by the OpenTelemetry SDK's OTLP/HTTP
exporters (protobuf, gzip) and by a plain HTTP client (JSON, faults), and stopped by the last test with a SIGTERM
while clients send: every acknowledged span is on disk."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from llm_analytics_hub.otel import ids

FIXTURES = Path(__file__).parent / "otel_fixtures"


@dataclass
class Receiver:
    url: str
    process: subprocess.Popen[bytes]
    out: Path
    rejected: Path
    stderr: list[str] = field(default_factory=list)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for path in sorted(self.out.glob("events-*.ndjson"))
                for line in path.read_text(encoding="utf-8").splitlines()]

    def metrics(self) -> list[dict[str, Any]]:
        return [json.loads(line) for path in sorted(self.out.glob("metrics-*.ndjson"))
                for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    base = tmp_path_factory.mktemp("serve")
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "otel", "serve", "--listen", "127.0.0.1:0",
               "--out-dir", str(base / "out"), "--invalid-out", str(base / "rejected"), "--max-body", "256k",
               "--rotate-size", "16k"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=os.environ.copy())
    assert process.stderr is not None
    first = process.stderr.readline().decode()
    assert "listening on http://127.0.0.1:" in first, first
    found = Receiver(first.split("listening on ")[1].split()[0], process, base / "out", base / "rejected")

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            found.stderr.append(line.decode())

    threading.Thread(target=drain, daemon=True).start()
    yield found
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def post(url: str, body: bytes, content_type: str = "application/json",
         encoding: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": content_type, **({"Content-Encoding": encoding} if encoding else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_sdk_exporters_deliver_spans_and_metrics(receiver: Receiver) -> None:
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import SpanKind, Status, StatusCode

    resource = Resource.create({"service.name": "sdk-client", "deployment.environment.name": "test"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(
        endpoint=f"{receiver.url}/v1/traces", compression=Compression.Gzip, timeout=10)))
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(
        endpoint=f"{receiver.url}/v1/metrics", compression=Compression.Gzip, timeout=10),
        export_interval_millis=3_600_000)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    tracer = tracer_provider.get_tracer("opentelemetry.instrumentation.openai_v2")
    usage = meter_provider.get_meter("opentelemetry.instrumentation.openai_v2").create_histogram(
        "gen_ai.client.token.usage", unit="{token}", explicit_bucket_boundaries_advisory=[1, 4, 16, 64, 256, 1024])
    with tracer.start_as_current_span("invoke_agent planner", kind=SpanKind.INTERNAL,
                                      attributes={"gen_ai.operation.name": "invoke_agent"}) as agent:
        with tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT, attributes={
                "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
                "gen_ai.response.model": "gpt-4o-2024-08-06", "gen_ai.response.id": "chatcmpl-9a8b7c",
                "gen_ai.response.finish_reasons": ("stop",), "gen_ai.usage.input_tokens": 812,
                "gen_ai.usage.output_tokens": 95, "gen_ai.usage.cache_read.input_tokens": 512,
                "server.address": "api.openai.com", "server.port": 443}) as chat:
            pass
        with tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT, attributes={
                "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
                "error.type": "timeout"}) as failed:
            failed.set_status(Status(StatusCode.ERROR))
        with tracer.start_as_current_span("chat gpt-4o", kind=SpanKind.CLIENT, attributes={
                "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": "812"}) as bad:
            pass
    usage.record(812, {"gen_ai.token.type": "input", "gen_ai.operation.name": "chat",
                       "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o"})
    assert meter_provider.force_flush(10_000)
    tracer_provider.shutdown()
    meter_provider.shutdown()

    trace = format(chat.get_span_context().trace_id, "032x")
    chat_id = format(chat.get_span_context().span_id, "016x")
    agent_id = format(agent.get_span_context().span_id, "016x")
    mine = {(e["span_id"], e["payload"]["data"]["telemetry_type"]): e for e in receiver.events()
            if e["trace_id"] == trace}
    envelope = {"source_module": "llm-analytics-hub", "event_type": "telemetry",
                "correlation_id": ids.correlation_id(trace),
                "parent_event_id": ids.event_id(trace, agent_id, "latency"),
                "schema_version": "1.1.0", "severity": "info", "environment": "test",
                "tags": {"service.name": "sdk-client"}, "trace_id": trace, "span_id": chat_id}
    start = chat.start_time  # type: ignore[attr-defined]
    duration_ms = (chat.end_time - start) / 1e6  # type: ignore[attr-defined]
    common = {"model_id": "gpt-4o", "request_id": chat_id}
    for kind, data in (
            ("token_usage", {**common, "prompt_tokens": 812, "completion_tokens": 95, "total_tokens": 907,
                             "cache_read_input_tokens": 512, "provider": "openai", "operation": "chat",
                             "response_model": "gpt-4o-2024-08-06", "response_id": "chatcmpl-9a8b7c",
                             "finish_reasons": ["stop"]}),
            ("latency", {**common, "total_latency_ms": duration_ms, "provider": "openai", "operation": "chat",
                         "response_model": "gpt-4o-2024-08-06", "server_address": "api.openai.com"})):
        event = dict(mine.pop((chat_id, kind)))
        assert event.pop("event_id") == ids.event_id(trace, chat_id, kind)
        assert event.pop("timestamp").startswith(time.strftime("%Y-%m-%dT", time.gmtime(start / 1e9)))
        assert event == {**envelope, "payload": {"payload_type": "telemetry", "data": {"telemetry_type": kind, **data}}}
    failed_id = format(failed.get_span_context().span_id, "016x")
    assert sorted(kind for span, kind in mine if span == failed_id) == ["error_rate", "latency"]
    assert set(mine) == {(failed_id, "error_rate"), (failed_id, "latency")}  # the bad span: rejected alone
    bad_id = format(bad.get_span_context().span_id, "016x")
    assert any(bad_id in line and "where an int belongs" in line for line in receiver.stderr)
    points = [m for m in receiver.metrics() if m["tags"].get("service.name") == "sdk-client"]
    assert points  # the flush and the shutdown each export the cumulative point
    for point in points:
        assert point["name"] == "gen_ai.client.token.usage" and point["tags"]["otel.temporality"] == "cumulative"
        assert (point["stats"]["count"], point["stats"]["sum"], point["stats"]["p50"]) == (1, 812.0, 812.0)
        assert point["buckets"][5] == {"upper_bound": 1024.0, "count": 1} and len(point["buckets"]) == 6


def test_a_plain_http_client_with_json_and_faults(receiver: Receiver) -> None:
    traces = f"{receiver.url}/v1/traces"
    body = (FIXTURES / "anthropic-cache-genai.json").read_bytes()
    assert post(traces, gzip.compress(body), encoding="gzip") == (200, b"{}")
    status, reply = post(traces, (FIXTURES / "agent-trace-with-faults.json").read_bytes())
    partial = json.loads(reply)["partialSuccess"]
    assert status == 200 and partial["rejectedSpans"] == "5" and "and 2 more" in partial["errorMessage"]
    status, reply = post(f"{receiver.url}/v1/metrics", (FIXTURES / "genai-client-metrics.json").read_bytes())
    assert (status, reply) == (200, b"{}")
    assert post(traces, body, "text/plain")[0] == 415
    assert post(traces, gzip.compress(body), encoding="br")[0] == 415
    assert post(traces, b" " * (300 << 10))[0] == 413
    assert post(traces, gzip.compress(b" " * (300 << 10)), encoding="gzip")[0] == 413  # inflates past the limit
    status, reply = post(traces, b"\x0a\xff\xff\xff\xff\x0f", "application/x-protobuf")
    assert status == 400 and b"not an OTLP protobuf trace request" in reply
    assert post(traces, b"{not json")[0] == 400
    assert post(f"{receiver.url}/v1/metrics", body)[0] == 400  # a trace request sent to /v1/metrics
    assert post(f"{receiver.url}/v1/logs", body)[0] == 404
    rejected = [json.loads(line) for path in receiver.rejected.glob("*.ndjson")
                for line in path.read_text().splitlines()]
    assert sum(1 for r in rejected if r["file"].startswith("POST /v1/traces")) >= 5


def test_protobuf_spans_with_bad_ids_are_rejected_alone(receiver: Receiver) -> None:
    """Protobuf ids are bytes: a span id of 4 bytes and an all-zero trace id are rejected in the protobuf
    partial_success; the good span of the same request is kept."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    from opentelemetry.proto.common.v1 import common_pb2

    request = trace_service_pb2.ExportTraceServiceRequest()
    scope = request.resource_spans.add().scope_spans.add()
    trace = bytes.fromhex("7e1e2f3a4b5c6d7e8f90a1b2c3d4e5f6")
    for trace_id, span_id in ((trace, bytes.fromhex("00000000000000a1")), (trace, b"\x01\x02\x03\x04"),
                              (bytes(16), bytes.fromhex("00000000000000a3"))):
        span = scope.spans.add(trace_id=trace_id, span_id=span_id, name="chat gpt-4o", kind=3,
                               start_time_unix_nano=1_767_225_600_000_000_000,
                               end_time_unix_nano=1_767_225_600_500_000_000)
        for key, value in (("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o-mini")):
            span.attributes.add(key=key, value=common_pb2.AnyValue(string_value=value))
        for key, count in (("gen_ai.usage.input_tokens", 20), ("gen_ai.usage.output_tokens", 5)):
            span.attributes.add(key=key, value=common_pb2.AnyValue(int_value=count))
    status, reply = post(f"{receiver.url}/v1/traces", request.SerializeToString(), "application/x-protobuf")
    response = trace_service_pb2.ExportTraceServiceResponse.FromString(reply)
    assert status == 200 and response.partial_success.rejected_spans == 2
    assert "spanId has 4 bytes, not 8" in response.partial_success.error_message
    assert "traceId is all zeros" in response.partial_success.error_message
    kept = {(e["span_id"], e["payload"]["data"]["telemetry_type"]) for e in receiver.events()
            if e["trace_id"] == trace.hex()}
    assert kept == {("00000000000000a1", "token_usage"), ("00000000000000a1", "latency")}


def _span_request(trace: str, span: str) -> bytes:
    return json.dumps({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": [{
        "traceId": trace, "spanId": span, "name": "chat gpt-4o", "kind": 3,
        "startTimeUnixNano": "1767225600000000000", "endTimeUnixNano": "1767225600500000000", "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}},
            {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "20"}},
            {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "5"}}]}]}]}]}).encode()


def test_sigterm_while_clients_send_loses_nothing_acknowledged(receiver: Receiver) -> None:
    """The last test: four keep-alive clients send one span per request; a SIGTERM arrives mid-stream. Every span
    the receiver acknowledged with a 200 has its events on disk, and the receiver exits 0."""
    host, port = receiver.url.removeprefix("http://").split(":")
    trace = "5d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"
    acknowledged: list[str] = []
    lock = threading.Lock()
    started = threading.Event()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        for index in range(400):
            span = f"{number + 1:04x}{index:012x}"
            try:
                connection.request("POST", "/v1/traces", _span_request(trace, span),
                                   {"Content-Type": "application/json"})
                reply = connection.getresponse()
                body = reply.read()
            except (OSError, http.client.HTTPException):
                return  # refused or cut off: not acknowledged, a real client would retry
            if reply.status == 200 and body == b"{}":
                with lock:
                    acknowledged.append(span)
                    if len(acknowledged) >= 60:
                        started.set()
            if reply.getheader("Connection") == "close":
                return
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    assert started.wait(60), "the clients got no acknowledgements"
    receiver.process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(60)
    assert receiver.process.wait(timeout=60) == 0, "".join(receiver.stderr)
    on_disk = {e["span_id"] for e in receiver.events() if e["trace_id"] == trace}
    assert len(acknowledged) < 1600  # the SIGTERM came while they were sending
    assert set(acknowledged) <= on_disk
    assert len(list(receiver.out.glob("events-*.ndjson"))) > 1  # rotated past --rotate-size
