"""The extension's OTLP fast path (native/src/otlp.rs, otel/native_spans.py) against the Python mapper: on every
OTLP trace fixture, the bench's requests, randomized requests and mutated wire bytes, `Pipeline.trace_request`
gives what `Pipeline.spans` gives, byte for byte: the NDJSON lines, their order, every counter (in its order),
the rejections with their reasons and documents, and the same DecodeError for bytes that are no request."""

from __future__ import annotations

import base64
import importlib.util
import json
import math
import os
import random
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2

from llm_analytics_hub.otel.mapping import load_mapping
from llm_analytics_hub.otel.otlp import DecodeError
from llm_analytics_hub.otel.otlp_proto import parse_traces, spans_from_proto
from llm_analytics_hub.otel.pipeline import Batch, Pipeline
from llm_analytics_hub.validation import native

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "otel_fixtures"
pytestmark = pytest.mark.skipif(native._NATIVE is None or not hasattr(native._NATIVE, "SpanPlan"),
                                reason=f"the native extension is not built ({native.why_not()}): `make native`")


def outcome(batch: Batch) -> Any:
    tally = {name: list(value.items()) if isinstance(value, dict) else value
             for name, value in vars(batch.tally).items()}
    return batch.events, [repr(vars(r)) for r in batch.rejections], tally  # repr: a NaN equals itself


def both(pipeline: Pipeline, data: bytes) -> tuple[Any, Any]:
    """(Python's outcome, the fast path's outcome) of one request; a DecodeError's message stands for it."""
    try:
        python = outcome(pipeline.spans(spans_from_proto(parse_traces(data)), "request", 3))
    except DecodeError as exc:
        python = ("DecodeError", str(exc))
    try:
        fast = outcome(pipeline.trace_request(data, "request", 3))
    except DecodeError as exc:
        fast = ("DecodeError", str(exc))
    return python, fast


def protobuf(document: dict[str, Any]) -> bytes:
    """An OTLP/JSON trace request as protobuf (hex ids as the proto3 JSON mapping's base64; a span whose ids
    are no hex cannot be written in protobuf and is left out)."""
    document = json.loads(json.dumps(document))
    for block in document.get("resourceSpans", []):
        for scope in block.get("scopeSpans", []):
            kept = []
            for span in scope.get("spans", []):
                try:
                    for key in ("traceId", "spanId", "parentSpanId"):
                        if span.get(key):
                            span[key] = base64.b64encode(bytes.fromhex(span[key])).decode()
                except ValueError:
                    continue
                kept.append(span)
            scope["spans"] = kept
    request = trace_service_pb2.ExportTraceServiceRequest()
    json_format.ParseDict(document, request)
    return request.SerializeToString()


def fixture_requests() -> list[bytes]:
    found = []
    for path in sorted(FIXTURES.iterdir()):
        documents = ([json.loads(line) for line in path.read_text().splitlines() if line.strip()]
                     if path.suffix == ".jsonl" else [json.loads(path.read_text())])
        found += [protobuf(d) for d in documents if "resourceSpans" in d]
    return found


@pytest.fixture(scope="module")
def pipelines() -> dict[str, Pipeline]:
    found = {"1.1.0": Pipeline("1.1.0"), "1.0.0": Pipeline("1.0.0"),
             "options": Pipeline("1.1.0", source_module="gateway", environment="ci")}
    for pipeline in found.values():
        pipeline.trace_request(b"", "warm-up", 1)
        assert pipeline._plan is not None, "the native mapper refused the mapping"
    return found


def test_every_fixture_gives_what_python_gives(pipelines: dict[str, Pipeline]) -> None:
    requests = fixture_requests()
    assert len(requests) >= 6
    mapped = 0
    for pipeline in pipelines.values():
        for data in requests:
            python, fast = both(pipeline, data)
            assert fast == python
            mapped += len(fast[0])
    assert mapped > 30


def test_the_bench_requests_give_what_python_gives_and_are_mapped_natively(pipelines: dict[str, Pipeline]) -> None:
    spec = importlib.util.spec_from_file_location("bench_otel", ROOT / "bench" / "bench_otel.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    pipeline = pipelines["1.1.0"]
    for data in bench.recorded_requests(6, 50):
        python, fast = both(pipeline, data)
        assert fast == python
        status = pipeline._plan.map_traces(pipeline._native, data)[0]
        assert set(status) == {0x83, 1}  # every chat span mapped by the extension, every agent span skipped


def test_without_the_extension_the_python_path_runs(pipelines: dict[str, Pipeline]) -> None:
    pipeline = Pipeline("1.1.0")
    pipeline._plan = None  # as without the native module
    for data in fixture_requests():
        python, fast = both(pipeline, data)
        assert fast == python


# --- randomized requests -----------------------------------------------------------------------------------

STRINGS = ["openai", "anthropic", "gpt-4o", "chat", "embeddings", "invoke_agent", "LLM", "EMBEDDING", "TOOL",
           "unknown", "completion", "stop", "", "é ü 中", "tab\there", 'quote"back\\slash', "\x00\x1f\x7f", "vertex_ai",
           "OpenAI", "timeout", "production", "0" * 16, "rate_limit"]
INTS = [0, 1, 7, 100, 5000, 20000, -3, 2**53 + 1, 2**62, 2**63 - 1, -(2**63)]
FLOATS = [0.0, 0.25, 0.5, 1.5, 1e-7, 1e-5, 0.0001, 123.456, 1e15, 1e16, 1e22, 2.5e-320, float("nan"), float("inf"),
          -0.0, 3.0, 0.1 + 0.2, 1 / 3]


def random_value(rng: random.Random, wanted: str | None, typed: float = 0.75) -> common_pb2.AnyValue:
    value = common_pb2.AnyValue()
    shape = wanted if wanted and rng.random() < typed else rng.choice(
        ["string", "int", "double", "boolean", "string[]", "int[]", "kvlist", "bytes", "empty"])
    if shape == "string":
        value.string_value = rng.choice(STRINGS)
    elif shape == "int":
        value.int_value = rng.choice(INTS) if rng.random() < 0.3 else rng.randrange(0, 30000)
    elif shape == "double":
        value.double_value = rng.choice(FLOATS) if rng.random() < 0.4 else rng.random() * rng.choice([1, 10, 1000])
    elif shape == "boolean":
        value.bool_value = rng.random() < 0.5
    elif shape == "string[]":
        value.array_value.values.extend(common_pb2.AnyValue(string_value=rng.choice(STRINGS))
                                        for _ in range(rng.randrange(3)))
    elif shape == "int[]":
        value.array_value.values.extend(common_pb2.AnyValue(int_value=i) for i in range(rng.randrange(1, 3)))
    elif shape == "kvlist":
        value.kvlist_value.values.add(key="k", value=common_pb2.AnyValue(string_value="v"))
    elif shape == "bytes":
        value.bytes_value = b"\x01\x02"
    return value


def random_request(rng: random.Random, names: list[tuple[str, str | None]]) -> bytes:
    """Half of the requests plain (values of their registry types, no export-only ids, good ids and times),
    the others anything."""
    request = trace_service_pb2.ExportTraceServiceRequest()
    plain = rng.random() < 0.5
    typed = 0.98 if plain else 0.75
    if plain:
        base = ("gen_ai.operation.name", "gen_ai.request.model", "gen_ai.usage.input_tokens",
                "gen_ai.usage.output_tokens")
        names = [(name, wanted) for name, wanted in names
                 if not name.endswith("_id") and name != "llm_hub.events" and name not in base]
    for _ in range(rng.randrange(1, 3)):
        block = request.resource_spans.add()
        for name in ("service.name", "deployment.environment.name", "deployment.environment", "llm_hub.source_module"):
            if rng.random() < 0.5:
                block.resource.attributes.add(key=name, value=random_value(rng, "string", 0.95))
        for _ in range(rng.randrange(1, 3)):
            scope = block.scope_spans.add()
            scope.scope.name = rng.choice(["openai_v2", "", "é"])
            trace = rng.randbytes(16) if plain else rng.choice([rng.randbytes(16), bytes(16), rng.randbytes(15)])
            for _ in range(rng.randrange(0, 8)):
                span = scope.spans.add()
                span.trace_id = trace
                span.span_id = rng.choice([rng.randbytes(8)] * (60 if plain else 6) + [bytes(8), b"", rng.randbytes(9)])
                parents = [b"", rng.randbytes(8), rng.randbytes(8), bytes(8)]
                span.parent_span_id = rng.choice(parents[:3 if plain else 4])
                span.name = rng.choice(["chat gpt-4o", "embeddings", "é"])
                span.kind = rng.choice([0, 1, 3, 3, 3, 2, 4, 5][:5 if plain else 8])
                start = rng.choice([1_767_225_600_123_456_789, 1_767_225_600_000_000_000, 1_767_225_600_120_000_000,
                                    4_102_444_800_000_001_000, 0][:4 if plain else 5])
                span.start_time_unix_nano = start
                durations = [0, 10**6, 10**9 + 7, 4 * 10**9, 1, -5]
                span.end_time_unix_nano = max(0, start + rng.choice(durations[:4 if plain else 6]))
                attributes = [("gen_ai.operation.name", "string"), ("gen_ai.request.model", "string")]
                attributes = attributes[:rng.randrange(3)] + rng.sample(names, rng.randrange(0, 14))
                if plain:  # a model call with its usage, mostly, and a few more attributes
                    usual = (("gen_ai.operation.name", "string"), ("gen_ai.request.model", "string"),
                             ("gen_ai.usage.input_tokens", "int"), ("gen_ai.usage.output_tokens", "int"))
                    attributes = [a for a in usual if rng.random() < 0.9] + rng.sample(names, rng.randrange(0, 8))
                if not plain and rng.random() < 0.1:
                    attributes.append(attributes[0] if attributes else ("gen_ai.system", "string"))  # a repeated key
                for name, wanted in attributes:
                    if plain and name == "gen_ai.operation.name":
                        span.attributes.add(key=name, value=common_pb2.AnyValue(string_value=rng.choice(
                            ["chat", "chat", "embeddings", "text_completion", "invoke_agent"])))
                    elif plain and wanted == "int":  # counts that keep the usage rules, mostly
                        whole = name.endswith(("input_tokens", "prompt", "output_tokens", "completion"))
                        top = 60000 if "total" in name else 30000 if whole else 50
                        span.attributes.add(key=name, value=common_pb2.AnyValue(int_value=rng.randrange(top // 2, top)))
                    else:
                        span.attributes.add(key=name, value=random_value(rng, wanted, typed))
                if rng.random() < 0.1:
                    span.status.code = 2
                    span.events.add(name="exception")
    return request.SerializeToString()


def attribute_names(version: str) -> list[tuple[str, str | None]]:
    mapping = load_mapping(version)
    names = [(name, spec.type) for name, spec in mapping.attributes.items() if not spec.prefix]
    names += [("llm_hub.tag.team", "string"), ("llm_hub.tag.service.name", "string"), ("llm_hub.tag.n", "int"),
              ("other.attribute", "string"), ("llm_hub.events", "string[]")]
    return names


@pytest.mark.parametrize("seed", range(4))
def test_random_requests_give_what_python_gives(pipelines: dict[str, Pipeline], seed: int) -> None:
    rng = random.Random(seed)
    natively = 0
    for pipeline in pipelines.values():
        names = attribute_names(pipeline.mapping.version)
        for _ in range(60):
            data = random_request(rng, names)
            python, fast = both(pipeline, data)
            assert fast == python, data.hex()
            found = pipeline._plan.map_traces(pipeline._native, data)
            natively += 0 if found is None else sum(1 for code in found[0] if code & 0x80)
    assert natively > 20  # the comparison covers spans the extension mapped, not only those it handed back


@pytest.mark.parametrize("seed", range(3))
def test_mutated_wire_bytes_give_what_python_gives(pipelines: dict[str, Pipeline], seed: int) -> None:
    rng = random.Random(100 + seed)
    pipeline = pipelines["1.1.0"]
    base = fixture_requests() + [random_request(rng, attribute_names("1.1.0")) for _ in range(5)]
    for _ in range(300):
        data = bytearray(rng.choice(base))
        for _ in range(rng.randrange(1, 4)):
            how = rng.random()
            at = rng.randrange(len(data)) if data else 0
            if how < 0.5 and data:
                data[at] = rng.randrange(256)
            elif how < 0.7:
                del data[at:at + rng.randrange(1, 4)]
            elif how < 0.85:
                data[at:at] = rng.randbytes(rng.randrange(1, 4))
            else:
                data = data[:at]
        python, fast = both(pipeline, bytes(data))
        assert fast == python, bytes(data).hex()


def test_floats_are_written_as_orjson_writes_them(pipelines: dict[str, Pipeline]) -> None:
    """ttft_ms (scaled, rounded) and the duration over many magnitudes, through both paths."""
    rng = random.Random(5)
    pipeline = pipelines["1.1.0"]
    for _ in range(40):
        request = trace_service_pb2.ExportTraceServiceRequest()
        spans = request.resource_spans.add().scope_spans.add().spans
        for _ in range(25):
            span = spans.add(trace_id=rng.randbytes(16), span_id=rng.randbytes(8), kind=3)
            span.start_time_unix_nano = 1_767_225_600_000_000_000 + rng.randrange(10**12)
            span.end_time_unix_nano = span.start_time_unix_nano + int(10 ** rng.uniform(0, 15))
            span.attributes.add(key="gen_ai.request.model", value=common_pb2.AnyValue(string_value="m"))
            ttft = 10 ** rng.uniform(-12, 7) * rng.random()
            span.attributes.add(key="gen_ai.response.time_to_first_chunk",
                                value=common_pb2.AnyValue(double_value=ttft if math.isfinite(ttft) else 0.5))
            span.attributes.add(key="llm_hub.tokens_per_second",
                                value=common_pb2.AnyValue(double_value=10 ** rng.uniform(-8, 18)))
        python, fast = both(pipeline, request.SerializeToString())
        assert fast == python


def test_otel_import_writes_the_same_with_and_without_the_extension(hub: Any, tmp_path: Path) -> None:
    """The command end to end (the lazy protobuf request, --signal given or detected, the report, the exit code,
    --invalid-out): byte for byte the same output with the extension and with LLM_HUB_NATIVE=0."""
    rng = random.Random(11)
    folder = tmp_path / "in"
    folder.mkdir()
    requests = fixture_requests() + [random_request(rng, attribute_names("1.1.0")) for _ in range(6)]
    for number, data in enumerate(requests):
        (folder / f"trace-{number:02d}.pb").write_bytes(data)
    (folder / "trace-broken.pb").write_bytes(requests[0][:-7])  # cut short: no request at all
    paths = sorted(folder.iterdir())
    runs = {}
    for name, native_env in (("native", "1"), ("python", "0")):
        env = {**os.environ, "LLM_HUB_NATIVE": native_env}
        found = []
        for signal in (("--signal", "traces"), ()):
            invalid = tmp_path / f"invalid-{name}-{len(signal)}"
            proc = hub("otel", "import", *signal, *paths, "-o", "-", "--invalid-out", invalid, env=env)
            quarantined = sorted((p.name, p.read_bytes()) for p in invalid.rglob("*") if p.is_file())
            found.append((proc.returncode, proc.stdout, proc.stderr, quarantined))
        runs[name] = found
    assert runs["native"] == runs["python"]
    code, out, err, quarantined = runs["native"][0]
    assert code == 1 and out.count("\n") > 15 and "rejected" in err and quarantined
