"""Spans per second through `otel import` and `otel serve`, next to decoding the same requests with
opentelemetry-proto alone, in the same run (the machine is shared and noisy: read the ratios).

    PYTHONPATH=src:generated/python python bench/bench_otel.py [--requests 2000] [--spans 50] [--runs 3]

Recorded requests: protobuf ExportTraceServiceRequests of GenAI chat spans as an instrumented client sends
them (a dozen gen_ai.* attributes each, a parent agent span every ten). Floors, one core:
- parse: ExportTraceServiceRequest.ParseFromString alone;
- decode: parse, then read every span's ids, times and attributes into Python values (the least a consumer
  of the data does).
- MessageToDict: parse, then json_format.MessageToDict (the usual way to get the data as Python objects).
- OTLP/JSON decode: the same requests as OTLP/JSON lines, parsed by orjson and read the same way; the
  floor of the OTLP/JSON row (the protobuf floor would compare a JSON parse with a protobuf parse).
Ours: the import pipeline in this process (decode, map, validate every event, serialize NDJSON: the native
extension's reader and mapper where it is built, and the pure-Python path beside it); the
`otel import` command on the same requests as protobuf files (one request each) and as one OTLP/JSON-lines
file (its CPU time, start-up included); and `otel serve` on 127.0.0.1 fed by two keep-alive clients
(protobuf; the receiver's CPU time, start-up included, and the wall time until the last 200). In-process
figures are CPU time (time.process_time), which the load of a shared machine moves much less than wall time.
"past start-up" subtracts the CPU time of the same command given the first request alone (interpreter,
imports, mapping and schemas loaded: a fixed cost a long-running receiver pays once).
Each run measures everything once; the ratios printed are the medians of the runs' own ratios.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from llm_analytics_hub.otel.otlp_proto import parse_traces, spans_from_proto
from llm_analytics_hub.otel.pipeline import Pipeline


def _kv(key: str, value: Any) -> common_pb2.KeyValue:
    item = common_pb2.KeyValue(key=key)
    if isinstance(value, bool):
        item.value.bool_value = value
    elif isinstance(value, int):
        item.value.int_value = value
    elif isinstance(value, float):
        item.value.double_value = value
    elif isinstance(value, list):
        item.value.array_value.values.extend(common_pb2.AnyValue(string_value=v) for v in value)
    else:
        item.value.string_value = value
    return item


def recorded_requests(count: int, spans: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        request = trace_service_pb2.ExportTraceServiceRequest()
        block = request.resource_spans.add()
        block.resource.attributes.extend([_kv("service.name", "support-bot"),
                                          _kv("deployment.environment.name", "production")])
        scope = block.scope_spans.add()
        scope.scope.name = "opentelemetry.instrumentation.openai_v2"
        trace_id = rng.randbytes(16)
        parent = rng.randbytes(8)
        for index in range(spans):
            span = scope.spans.add()
            span.trace_id, span.span_id = trace_id, rng.randbytes(8)
            start = 1_767_225_600_000_000_000 + rng.randrange(10**12)
            span.start_time_unix_nano, span.end_time_unix_nano = start, start + rng.randrange(10**9, 10**10)
            if index % 10 == 0:
                span.name, span.kind, parent = "invoke_agent planner", trace_pb2.Span.SPAN_KIND_INTERNAL, span.span_id
                span.attributes.extend([_kv("gen_ai.operation.name", "invoke_agent")])
                continue
            span.name, span.kind, span.parent_span_id = "chat gpt-4o", trace_pb2.Span.SPAN_KIND_CLIENT, parent
            prompt = rng.randrange(100, 20000)
            span.attributes.extend([
                _kv("gen_ai.operation.name", "chat"), _kv("gen_ai.provider.name", "openai"),
                _kv("gen_ai.request.model", "gpt-4o"), _kv("gen_ai.response.model", "gpt-4o-2024-08-06"),
                _kv("gen_ai.response.id", f"chatcmpl-{rng.randrange(10**12):x}"),
                _kv("gen_ai.response.finish_reasons", ["stop"]), _kv("gen_ai.usage.input_tokens", prompt),
                _kv("gen_ai.usage.output_tokens", rng.randrange(1, 2000)),
                _kv("gen_ai.usage.cache_read.input_tokens", prompt // 2), _kv("gen_ai.request.stream", True),
                _kv("gen_ai.response.time_to_first_chunk", rng.random() / 2), _kv("server.address", "api.openai.com"),
                _kv("server.port", 443)])
        found.append(request.SerializeToString())
    return found


def rate(spans: int, seconds: float) -> float:
    return spans / seconds if seconds else float("inf")


def floor_parse(requests: list[bytes]) -> float:
    start = time.process_time()
    for data in requests:
        trace_service_pb2.ExportTraceServiceRequest().ParseFromString(data)
    return time.process_time() - start


def message_to_dict(requests: list[bytes]) -> float:
    start = time.process_time()
    for data in requests:
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(data)
        json_format.MessageToDict(request)
    return time.process_time() - start


def _value(v: Any) -> Any:
    which = v.WhichOneof("value")
    if which == "array_value":
        return [_value(x) for x in v.array_value.values]
    return getattr(v, which) if which else None


def floor_decode(requests: list[bytes]) -> float:
    start = time.process_time()
    for data in requests:
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(data)
        for block in request.resource_spans:
            resource = {kv.key: _value(kv.value) for kv in block.resource.attributes}
            for scope in block.scope_spans:
                for span in scope.spans:
                    (span.trace_id.hex(), span.span_id.hex(), span.parent_span_id.hex(), span.name, span.kind,
                     span.start_time_unix_nano, span.end_time_unix_nano, resource,
                     {kv.key: _value(kv.value) for kv in span.attributes})
    return time.process_time() - start


def _json_value(v: dict[str, Any]) -> Any:
    for kind, value in v.items():
        if kind == "arrayValue":
            return [_json_value(x) for x in value.get("values", ())]
        return int(value) if kind == "intValue" else value
    return None


def floor_decode_json(lines: list[bytes]) -> float:
    """The OTLP/JSON floor: orjson parses each line, then every span's ids, times and attributes are read
    into Python values (what floor_decode does with protobuf; opentelemetry-proto's json_format reads
    proto3 JSON, whose ids are base64, not OTLP/JSON's hex)."""
    start = time.process_time()
    for line in lines:
        request = orjson.loads(line)
        for block in request["resourceSpans"]:
            resource = {kv["key"]: _json_value(kv["value"]) for kv in block["resource"].get("attributes", ())}
            for scope in block["scopeSpans"]:
                for span in scope["spans"]:
                    (span["traceId"], span["spanId"], span.get("parentSpanId", ""), span["name"], span.get("kind", 0),
                     int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"]), resource,
                     {kv["key"]: _json_value(kv["value"]) for kv in span.get("attributes", ())})
    return time.process_time() - start


def pipeline_seconds(requests: list[bytes], *, python: bool = False) -> tuple[float, int]:
    """The import pipeline in this process: `trace_request` (the extension's reader and mapper where it is built,
    Python for the spans it hands back), or with `python` the pure-Python path (installs without the extension)."""
    pipeline = Pipeline("1.1.0")
    pipeline.trace_request(requests[0], "warm-up", 1)
    start = time.process_time()
    events = 0
    for data in requests:
        batch = (pipeline.spans(spans_from_proto(parse_traces(data)), "bench", 1) if python
                 else pipeline.trace_request(data, "bench", 1))
        events += len(batch.events)
    return time.process_time() - start, events


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_inputs(requests: list[bytes], folder: Path) -> tuple[list[Path], Path]:
    """The recorded requests as protobuf files (one request each) and as one OTLP/JSON-lines file."""
    files = []
    for number, data in enumerate(requests):
        path = folder / f"request-{number:05d}.pb"
        path.write_bytes(data)
        files.append(path)
    lines = folder / "recorded.jsonl"
    with lines.open("w") as out:
        for data in requests:
            request = trace_service_pb2.ExportTraceServiceRequest()
            request.ParseFromString(data)
            document = json_format.MessageToDict(request)
            for block in document["resourceSpans"]:  # proto3 JSON writes ids as base64; OTLP/JSON as hex
                for scope in block["scopeSpans"]:
                    for span in scope["spans"]:
                        for key in ("traceId", "spanId", "parentSpanId"):
                            if key in span:
                                span[key] = base64.b64decode(span[key]).hex()
            out.write(json.dumps(document) + "\n")
    return files, lines


def command_seconds(inputs: list[Path]) -> tuple[float, float]:
    """`otel import` of the inputs: (wall, CPU) seconds, start-up included."""
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "otel", "import", "--signal", "traces",
                           *map(str, inputs), "-o", os.devnull], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.perf_counter() - start, children_cpu() - cpu


def serve_seconds(requests: list[bytes], folder: Path, clients: int = 2) -> tuple[float, float]:
    cpu = children_cpu()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([sys.executable, "-m", "llm_analytics_hub.cli", "otel", "serve", "--listen",
                                "127.0.0.1:0", "--out-dir", str(folder / "served")], stderr=subprocess.PIPE)
    assert process.stderr is not None
    line = process.stderr.readline().decode()
    host, port = line.split("http://")[1].split()[0].split(":")
    shares = [requests[i::clients] for i in range(clients)]

    def send(share: list[bytes]) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        for data in share:
            connection.request("POST", "/v1/traces", data, {"Content-Type": "application/x-protobuf"})
            reply = connection.getresponse()
            reply.read()
            assert reply.status == 200, reply.status
        connection.close()

    threads = [threading.Thread(target=send, args=(share,)) for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    return seconds, children_cpu() - cpu


def one_run(requests: list[bytes], pb_files: list[Path], jsonl: Path, folder: Path) -> dict[str, float]:
    """CPU seconds of each way through the same requests (wall seconds for the two marked so)."""
    found = {"parse": floor_parse(requests), "decode": floor_decode(requests), "to_dict": message_to_dict(requests),
             "pipeline": pipeline_seconds(requests)[0], "pipeline_python": pipeline_seconds(requests, python=True)[0]}
    found["import_wall"], found["import"] = command_seconds(pb_files)
    found["decode_json"] = floor_decode_json(jsonl.read_bytes().splitlines())
    found["import_json_wall"], found["import_json"] = command_seconds([jsonl])
    found["import_json_net"] = max(1e-9, found["import_json"] - command_seconds(pb_files[:1])[1])
    found["serve_wall"], found["serve"] = serve_seconds(requests, folder)
    # start-up: the same commands with the first request alone (its 50 spans cost about a millisecond)
    found["import_net"] = max(1e-9, found["import"] - command_seconds(pb_files[:1])[1])
    found["serve_net"] = max(1e-9, found["serve"] - serve_seconds(requests[:1], folder / "start-up")[1])
    return found


LABELS = (("pipeline", "import pipeline (protobuf, in process)"),
          ("pipeline_python", "  the same, pure Python (no extension)"), ("import", "otel import, protobuf files, CPU"),
          ("import_net", "  the same, CPU past start-up"), ("import_json", "otel import, OTLP/JSON lines, CPU"),
          ("serve", "otel serve, 2 clients, CPU"), ("serve_net", "  the same, CPU past start-up"),
          ("serve_wall", "otel serve, wall until the last 200"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000,
                        help="Requests of --spans spans (default 2000: 100,000 spans, so that a command's start-up, "
                             "~0.3 s of CPU, is not most of what is measured; the past start-up rows take it out).")
    parser.add_argument("--spans", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="Runs; the medians are printed (default 3).")
    parser.add_argument("--pipeline-only", action="store_true",
                        help="Only the in-process pipeline against the decode floor, one ratio per run: for comparing "
                             "two checkouts (alternate PYTHONPATH between them in one session).")
    args = parser.parse_args()
    requests = recorded_requests(args.requests, args.spans)
    spans = args.requests * args.spans
    if args.pipeline_only:
        ratios = [floor_decode(requests) / pipeline_seconds(requests)[0] for _ in range(args.runs)]
        median = statistics.median(ratios)
        print(" ".join(f"{ratio:.3f}" for ratio in ratios), f"(median {median:.3f}x the decode floor)")
        return
    runs = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        pb_files, jsonl = write_inputs(requests, folder)
        for number in range(args.runs):
            runs.append(one_run(requests, pb_files, jsonl, folder / f"run-{number}"))
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    ratios = {key: statistics.median(run["decode"] / run[key] for run in runs) for key, _ in LABELS}
    print(f"{args.requests} requests, {spans} spans (a tenth of them agent spans, skipped); medians of {args.runs} "
          f"runs; CPU seconds of one process unless said; load average {os.getloadavg()[0]:.2f} at the end")
    print(f"  opentelemetry-proto parse alone        {rate(spans, median['parse']):>10,.0f} spans/s")
    print(f"  opentelemetry-proto decode (floor)     {rate(spans, median['decode']):>10,.0f} spans/s")
    print(f"  opentelemetry-proto + MessageToDict    {rate(spans, median['to_dict']):>10,.0f} spans/s")
    for key, label in LABELS:
        each = ", ".join(f"{run['decode'] / run[key]:.2f}" for run in runs)
        print(f"  {label:<38} {rate(spans, median[key]):>10,.0f} spans/s  {ratios[key]:.2f}x the decode floor "
              f"(median of the runs' ratios; each: {each})")
    print(f"  OTLP/JSON decode (orjson, its floor)   {rate(spans, median['decode_json']):>10,.0f} spans/s")
    json_rows = (("import_json", "otel import, OTLP/JSON lines, CPU"), ("import_json_net", "  the same, past start-up"))
    for key, label in json_rows:
        each = ", ".join(f"{run['decode_json'] / run[key]:.2f}" for run in runs)
        ratio = statistics.median(run["decode_json"] / run[key] for run in runs)
        print(f"  {label:<38} {rate(spans, median[key]):>10,.0f} spans/s  {ratio:.2f}x the OTLP/JSON floor "
              f"(each: {each})")


if __name__ == "__main__":
    main()
