"""The extension's OTLP/JSON fast path (native/src/otlp_json.rs) against the Python reader and mapper: on every
OTLP/JSON trace fixture, the bench's JSON lines, randomized requests in and out of the canonical form and mutated
JSON texts, `otel import`'s reading of a file (`inputs.requests` and `importer.process`) gives with the extension
what it gives without it, byte for byte: the NDJSON lines, their order, every counter (in its order), the
rejections with their reasons and documents, the requests it cannot read and why; and `otel import` end to end."""

from __future__ import annotations

import base64
import gzip
import importlib.util
import io
import json
import os
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from test_otel_native import FIXTURES, ROOT, attribute_names, outcome, random_request
from test_otel_serve import post

from llm_analytics_hub.otel.importer import process
from llm_analytics_hub.otel.inputs import Request, json_request, read_bytes, requests
from llm_analytics_hub.otel.pipeline import Pipeline
from llm_analytics_hub.otel.receiver import OtlpServer
from llm_analytics_hub.otel.serve import Service
from llm_analytics_hub.validation import native

pytestmark = pytest.mark.skipif(native._NATIVE is None or not hasattr(native._NATIVE, "SpanPlan"),
                                reason=f"the native extension is not built ({native.why_not()}): `make native`")


@pytest.fixture(scope="module")
def pipelines() -> dict[str, tuple[Pipeline, Pipeline]]:
    """(with the extension's span plan, without it) for each mapping and options."""
    found = {}
    for name, version, options in (("1.1.0", "1.1.0", {}), ("1.0.0", "1.0.0", {}),
                                   ("options", "1.1.0", {"source_module": "gateway", "environment": "ci"})):
        fast, python = Pipeline(version, **options), Pipeline(version, **options)
        fast.trace_request(b"", "warm-up", 1)
        assert fast._plan is not None, "the native mapper refused the mapping"
        python._plan = None  # as without the native module: Pipeline.spans on Python's reading
        found[name] = (fast, python)
    return found


def reference_requests(path: Path) -> Iterator[Request]:
    """The requests of an OTLP/JSON file as `otel import` read them before the fast path: the reference."""
    data = read_bytes(str(path))
    if data.lstrip()[:1] not in (b"{", b"["):  # protobuf
        yield from requests(str(path))
        return
    try:
        yield json_request(str(path), 1, orjson.loads(data))
        return
    except orjson.JSONDecodeError:
        pass
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield Request(str(path), number, None, problem=f"not JSON: {exc}")
            continue
        yield json_request(str(path), number, document)


def read(pipeline: Pipeline, path: Path, reference: bool = False) -> list[Any]:
    """What `otel import` makes of a file, request by request (with `reference`, as it did before)."""
    found = []
    for request in reference_requests(path) if reference else requests(str(path)):
        found.append((request.source, request.line, outcome(process(pipeline, request))))
    return found


def both(pair: tuple[Pipeline, Pipeline], path: Path) -> tuple[Any, Any]:
    fast, python = pair
    return read(python, path, reference=True), read(fast, path)


def natively(pipeline: Pipeline, data: bytes) -> int:
    """How many spans of one request the extension maps itself."""
    found = pipeline._plan.map_json(pipeline._native, data)
    return 0 if found is None else sum(1 for code in found[0] if code & 0x80)


def otlp_json(data: bytes, rng: random.Random | None = None) -> dict[str, Any]:
    """A protobuf trace request as OTLP/JSON (hex ids); with `rng`, in any of the spellings the canonical form
    allows: 64-bit integers as strings or numbers, kinds as numbers or names, ids in either case."""
    request = trace_service_pb2.ExportTraceServiceRequest()
    request.ParseFromString(data)
    enums = rng is not None and rng.random() < 0.5
    document = json_format.MessageToDict(request, use_integers_for_enums=enums)
    for block in document.get("resourceSpans", []):
        for scope in block.get("scopeSpans", []):
            for span in scope.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
                        if rng is not None and rng.random() < 0.05:
                            span[key] = span[key].upper()
                if rng is not None and rng.random() < 0.5:
                    for key in ("startTimeUnixNano", "endTimeUnixNano"):
                        if key in span:
                            span[key] = int(span[key])
                    for attribute in span.get("attributes", []):
                        if "intValue" in attribute["value"]:
                            attribute["value"]["intValue"] = int(attribute["value"]["intValue"])
    return document


def dumped(document: Any, rng: random.Random) -> bytes:
    compact = rng.random() < 0.5
    return json.dumps(document, ensure_ascii=rng.random() < 0.5,
                      separators=(",", ":") if compact else (", ", ": ")).encode()


def fixture_texts() -> list[bytes]:
    found = []
    for path in sorted(FIXTURES.iterdir()):
        lines = path.read_bytes().splitlines() if path.suffix == ".jsonl" else [path.read_bytes()]
        found += [line for line in lines if b'"resourceSpans"' in line]
    return found


def test_every_fixture_gives_what_python_gives(pipelines: dict[str, tuple[Pipeline, Pipeline]],
                                               tmp_path: Path) -> None:
    paths = [p for p in sorted(FIXTURES.iterdir()) if p.suffix in (".json", ".jsonl")]
    assert len(paths) >= 6
    events = 0
    for pair in pipelines.values():
        for path in paths:
            python, fast = both(pair, path)
            assert fast == python, path.name
            events += sum(len(batch[0]) for _, _, batch in fast)
    assert events > 30
    # a fixture as one compact line among others in a JSON-lines file, and as a gzipped file
    rng = random.Random(1)
    texts = [dumped(json.loads(text), rng) for text in fixture_texts()]
    (tmp_path / "all.jsonl").write_bytes(b"\n".join(texts) + b"\n")
    (tmp_path / "all.jsonl.gz").write_bytes(gzip.compress(b"\n".join(texts)))
    for path in (tmp_path / "all.jsonl", tmp_path / "all.jsonl.gz"):
        python, fast = both(pipelines["1.1.0"], path)
        assert fast == python
    assert sum(natively(pipelines["1.1.0"][0], text) for text in texts) >= 8


def test_files_read_as_before(pipelines: dict[str, tuple[Pipeline, Pipeline]], tmp_path: Path) -> None:
    """One document or JSON lines, told apart as before (a first line that is a value by itself, then more)."""
    text = fixture_texts()[-1]
    request = json.dumps(json.loads(text))
    cases = [request, f"{request}\n", f"\n\n{request}\n  \n", f"{request}\n{request}\n", f"{request}\n \t\r\n",
             f"{request}\n{{", f"{request}\n\f", "null", "null\nnull", "3\n", "[1,\n2]", '{"resourceSpans":\n[]}\n{}',
             json.dumps(json.loads(text), indent=1), f"{request}\r{request}", f"{request}\r\n{request}", "\n",
             f'{{ "resourceSpans" :[]}}\n {request}\n{{"resourceSpans":[]', "{\n}\n{}"]
    for number, case in enumerate(cases):
        path = tmp_path / f"case-{number}.json"
        path.write_text(case)
        python, fast = both(pipelines["1.1.0"], path)
        assert fast == python, case


def test_the_bench_json_lines_give_what_python_gives_and_are_mapped_natively(
        pipelines: dict[str, tuple[Pipeline, Pipeline]], tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_otel", ROOT / "bench" / "bench_otel.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _, lines = bench.write_inputs(bench.recorded_requests(6, 50), tmp_path)
    python, fast = both(pipelines["1.1.0"], lines)
    assert fast == python and len(fast) == 6
    fast_pipeline = pipelines["1.1.0"][0]
    for text in lines.read_bytes().splitlines():
        status = fast_pipeline._plan.map_json(fast_pipeline._native, text)[0]
        assert set(status) == {0x83, 1}  # every chat span mapped by the extension, every agent span skipped


# --- randomized requests -----------------------------------------------------------------------------------

ODD = [None, 3, -1, 1.5, 2.0, "", "x", "12", " 12", "+7", "1_0", "0x10", "SPAN_KIND_CLIENT", "SPAN_KIND_NOPE",
       "NaN", "Infinity", True, [], {}, [1], {"stringValue": "a"}, 2**64, -(2**63) - 1, "0" * 32, "AB" * 8]


def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += nodes(item, (*path, index))
    return found


def mutated(document: Any, rng: random.Random) -> Any:
    """One change at a random place: a value replaced by an odd one, a member renamed (snake_case, unknown)
    or removed, an AnyValue given a second member, a number written as a string or the other way round."""
    document = json.loads(json.dumps(document))
    path = rng.choice(nodes(document)[1:] or [()])
    if not path:
        return document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    how = rng.random()
    if how < 0.4:
        parent[last] = rng.choice(ODD)
    elif how < 0.55 and isinstance(parent, dict):
        value = parent.pop(last)
        snake = "".join("_" + c.lower() if c.isupper() else c for c in last)
        parent[rng.choice([snake, last + "X", "instrumentationLibrarySpans", last])] = value
    elif how < 0.65:
        del parent[last]
    elif how < 0.75 and isinstance(parent[last], dict):
        parent[last][rng.choice(["stringValue", "intValue", "boolValue", "extra"])] = rng.choice(ODD)
    elif isinstance(parent[last], str) and parent[last].lstrip("-").isdigit():
        parent[last] = int(parent[last])
    elif isinstance(parent[last], int | float) and not isinstance(parent[last], bool):
        parent[last] = str(parent[last])
    return document


def write(path: Path, texts: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(texts) + b"\n")
    return path


@pytest.mark.parametrize("seed", range(3))
def test_random_requests_give_what_python_gives(pipelines: dict[str, tuple[Pipeline, Pipeline]], tmp_path: Path,
                                                seed: int) -> None:
    rng = random.Random(seed)
    mapped = 0
    for name, pair in pipelines.items():
        names = attribute_names(pair[0].mapping.version)
        texts = [dumped(otlp_json(random_request(rng, names), rng), rng) for _ in range(60)]
        mapped += sum(natively(pair[0], text) for text in texts)
        python, fast = both(pair, write(tmp_path / f"random-{name}.jsonl", texts))
        assert fast == python
        for number, text in enumerate(texts[:8]):  # one request per file (not JSON lines)
            python, fast = both(pair, write(tmp_path / f"random-{name}-{number}.json", [text]))
            assert fast == python
    assert mapped > 20  # the comparison covers spans the extension mapped, not only those it handed back


@pytest.mark.parametrize("seed", range(3))
def test_mutated_requests_give_what_python_gives(pipelines: dict[str, tuple[Pipeline, Pipeline]], tmp_path: Path,
                                                 seed: int) -> None:
    rng = random.Random(100 + seed)
    pair = pipelines["1.1.0"]
    names = attribute_names("1.1.0")
    base = [json.loads(text) for text in fixture_texts()]
    base += [otlp_json(random_request(rng, names), rng) for _ in range(8)]
    texts = []
    for _ in range(300):
        document = rng.choice(base)
        for _ in range(rng.randrange(1, 3)):
            document = mutated(document, rng)
        text = bytearray(dumped(document, rng))
        how = rng.random()
        if how < 0.15 and text:  # a byte of the text changed, cut short, or a member repeated
            text[rng.randrange(len(text))] = rng.choice(b'{}[]",:0\\ \xff')
        elif how < 0.2:
            text = text[:rng.randrange(len(text))]
        elif how < 0.3:
            key = rng.choice([b'"traceId":', b'"spanId":', b'"key":', b'"stringValue":', b'"resource":',
                              b'"startTimeUnixNano":', b'"attributes":'])
            text = text.replace(key, key + b'"0",' + key, 1)
        texts.append(bytes(text))
    path = write(tmp_path / "mutated.jsonl", [text.replace(b"\n", b" ") for text in texts])
    python, fast = both(pair, path)
    assert fast == python
    assert sum(natively(pair[0], text) for text in texts) > 50


def test_otel_import_writes_the_same_with_and_without_the_extension(hub: Any, tmp_path: Path) -> None:
    """The command end to end on OTLP/JSON (JSON lines, one request per file, gzip, a line that is no JSON, a
    metrics line): byte for byte the same output, report, exit code and --invalid-out with LLM_HUB_NATIVE=0."""
    rng = random.Random(11)
    folder = tmp_path / "in"
    folder.mkdir()
    names = attribute_names("1.1.0")
    texts = [dumped(otlp_json(random_request(rng, names), rng), rng) for _ in range(12)]
    metrics = (FIXTURES / "genai-client-metrics.json").read_bytes().replace(b"\n", b" ")
    write(folder / "traces.jsonl", [*texts[:6], texts[6][:-9], b"", metrics, *fixture_texts()[-2:]])
    (folder / "single.json").write_bytes(json.dumps(json.loads(texts[7]), indent=2).encode())
    (folder / "more.json.gz").write_bytes(gzip.compress(b"\n".join(texts[8:])))
    paths = sorted(folder.iterdir())
    runs = {}
    for name, native_env in (("native", "1"), ("python", "0")):
        env = {**os.environ, "LLM_HUB_NATIVE": native_env}
        invalid = tmp_path / f"invalid-{name}"
        proc = hub("otel", "import", *paths, "-o", "-", "--invalid-out", invalid, env=env)
        quarantined = sorted((p.name, p.read_bytes()) for p in invalid.rglob("*") if p.is_file())
        runs[name] = (proc.returncode, proc.stdout, proc.stderr, quarantined)
    assert runs["native"] == runs["python"]
    code, out, err, quarantined = runs["native"]
    assert code == 1 and out.count("\n") > 8 and "not JSON" in err and quarantined



class Collected:
    takes_metrics = True

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def write(self, events: list[bytes], metrics: list[bytes]) -> None:
        self.lines += events + metrics

    def close(self) -> None:
        pass


def test_otel_serve_answers_json_bodies_the_same(pipelines: dict[str, tuple[Pipeline, Pipeline]]) -> None:
    """`otel serve`'s receiver and service, in process, on OTLP/JSON bodies (compact and indented, gzip, no JSON,
    no request, a metrics request): the same replies, lines and reports with the extension as without it."""
    rng = random.Random(21)
    names = attribute_names("1.1.0")
    bodies = [(FIXTURES / "agent-trace-with-faults.json").read_bytes(), *fixture_texts()[-2:], b"{not json",
              b'{"resourceSpans": 3}', b'{"resourceSpans": []}', b'  {"resourceSpans": [{"scopeSpans": {}}]}']
    bodies += [dumped(otlp_json(random_request(rng, names), rng), rng) for _ in range(10)]
    runs = []
    for pipeline in pipelines["1.1.0"]:
        sink, err = Collected(), io.StringIO()
        server = OtlpServer(("127.0.0.1", 0), Service(pipeline, sink, err))
        server.lazy_traces = True  # as run_serve sets it
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            replies = [post(f"{server.url}/v1/traces", body) for body in bodies]
            replies.append(post(f"{server.url}/v1/traces", gzip.compress(bodies[-1]), encoding="gzip"))
            replies.append(post(f"{server.url}/v1/metrics", (FIXTURES / "genai-client-metrics.json").read_bytes()))
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
        runs.append((replies, sink.lines, err.getvalue()))
    fast, python = runs
    assert fast == python
    assert [status for status, _ in fast[0]].count(400) == 2 and len(fast[1]) > 10
    assert sum(natively(pipelines["1.1.0"][0], body) for body in bodies) > 10


def test_long_decimals_are_read_as_orjson_reads_them(pipelines: dict[str, tuple[Pipeline, Pipeline]],
                                                      tmp_path: Path) -> None:
    """Doubles written with up to 30 digits and any exponent (halfway cases, subnormals), into ttft_ms (scaled,
    rounded) and tokens_per_second: the extension's reading of the number is orjson's, so the lines are the same."""
    rng = random.Random(7)

    def decimal() -> str:
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 30))).lstrip("0") or "1"
        exponent = rng.choice([rng.randrange(-320, 20), rng.randrange(-3, 6), rng.randrange(-3, 6)])
        return f"{digits[0]}.{digits[1:] or '0'}e{exponent}"

    texts = []
    for _ in range(20):
        spans = []
        for _ in range(25):
            start = 1_767_225_600_000_000_000 + rng.randrange(10**12)
            attributes = [("gen_ai.operation.name", '{"stringValue":"chat"}'),
                          ("gen_ai.request.model", '{"stringValue":"m"}'),
                          ("gen_ai.response.time_to_first_chunk", f'{{"doubleValue":{decimal()}}}'),
                          ("llm_hub.tokens_per_second", f'{{"doubleValue":{decimal()}}}')]
            spans.append(f'{{"traceId":"{rng.randbytes(16).hex()}","spanId":"{rng.randbytes(8).hex()}","kind":3,'
                         f'"startTimeUnixNano":"{start}","endTimeUnixNano":{start + rng.randrange(1, 10**12)},'
                         '"attributes":[' + ",".join(f'{{"key":"{k}","value":{v}}}' for k, v in attributes) + "]}")
        texts.append(('{"resourceSpans":[{"scopeSpans":[{"spans":[' + ",".join(spans) + "]}]}]}").encode())
    python, fast = both(pipelines["1.1.0"], write(tmp_path / "decimals.jsonl", texts))
    assert fast == python
    assert sum(natively(pipelines["1.1.0"][0], text) for text in texts) > 200
