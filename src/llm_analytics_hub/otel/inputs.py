"""OTLP export files for `otel import`: what each holds, request by request.

- OTLP/JSON: one ExportTraceServiceRequest / ExportMetricsServiceRequest (or TracesData / MetricsData)
  per file, or one per line: the collector's file exporter writes JSON lines (`.json` or `.jsonl`).
- OTLP protobuf (`.pb`, `.binpb`, `.protobuf`, or anything that is not JSON): one request per file. A
  protobuf message does not say whether it is traces or metrics: `--signal` says so; without it the
  file name decides (`*trace*`/`*span*` or `*metric*`), then the content (a trace request whose every
  span has 16- and 8-byte ids, else a metrics request that reads).
- `.gz` of any of these.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from .otlp import DecodeError, Metric, Span, metrics_from_json, spans_from_json

Signal = Literal["traces", "metrics"]


@dataclass
class Request:
    """One request of an input: its spans or metrics (lazily decoded), or why it cannot be read."""

    source: str
    line: int
    signal: Signal | Literal["logs"] | None
    spans: Iterator[Span] | None = None
    metrics: Iterator[Metric] | None = None
    problem: str | None = None
    body: bytes | None = None  # a protobuf trace request's bytes: `Pipeline.trace_request` reads them
    json_body: bytes | None = None  # an OTLP/JSON trace request's text: `Pipeline.json_trace_request` reads it


class InputError(Exception):
    """An input that cannot be read at all (exit code 2)."""


def read_bytes(path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a readable gzip file: {exc}") from None
    return data


def requests(path: str, signal: Signal | None = None) -> Iterator[Request]:
    data = read_bytes(path)
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        yield from _json_requests(path, data)
        return
    yield _proto_request(path, data, signal or _signal_from_name(path))


def json_request(source: str, line: int, document: Any) -> Request:
    if not isinstance(document, dict):
        return Request(source, line, None, problem="not an OTLP/JSON request (expected an object)")
    if "resourceSpans" in document or "resource_spans" in document:
        return Request(source, line, "traces", spans=spans_from_json(document))
    if "resourceMetrics" in document or "resource_metrics" in document:
        return Request(source, line, "metrics", metrics=metrics_from_json(document))
    if "resourceLogs" in document or "resource_logs" in document:
        return Request(source, line, "logs")
    return Request(source, line, None, problem="not an OTLP/JSON request: no resourceSpans or resourceMetrics")


# how an OTLP/JSON trace request begins as the file exporter and the specification write it: valid JSON that
# begins so is an object with resourceSpans, so a trace request (json_request)
TRACES_START = re.compile(rb'[ \t\r\n]*\{[ \t\r\n]*"resourceSpans"[ \t\r\n]*:')


MORE = re.compile(rb"[^ \t\r\n]")  # anything but JSON's whitespace


def _lines(data: bytes) -> bool:
    """Whether the text is surely JSON lines, not one document: its first line is a JSON value by itself and
    something follows it (orjson would read that value, then fail on what follows: a cheaper way to know)."""
    newline = data.find(b"\n")
    if newline < 0 or MORE.search(data, newline) is None:
        return False
    try:
        orjson.loads(data[:newline])
    except orjson.JSONDecodeError:
        return False
    return True


def _json_requests(path: str, data: bytes) -> Iterator[Request]:
    if _lines(data):
        yield from _json_lines(path, data)
        return
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        yield from _json_lines(path, data)  # JSON lines: one request per line
        return
    request = json_request(path, 1, document)
    if request.signal == "traces":
        request.json_body = data
    yield request


def _json_lines(path: str, data: bytes) -> Iterator[Request]:
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        if TRACES_START.match(raw):  # read when consumed: the import pipeline's extension reads the text
            yield Request(path, number, "traces", spans=lazy_json_spans(raw), json_body=raw)
            continue
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield Request(path, number, None, problem=f"not JSON: {exc}")
            continue
        yield json_request(path, number, document)


def lazy_json_spans(raw: bytes) -> Iterator[Span]:
    """The spans of a JSON line that begins as a trace request, parsed at the first one asked for: what
    `json_request` gives for it, and DecodeError("not JSON: ...") when it is none (the problem it would have)."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc}") from None
    yield from spans_from_json(document)


def _signal_from_name(path: str) -> Signal | None:
    name = Path(path).name.lower()
    if "metric" in name:
        return "metrics"
    if "trace" in name or "span" in name:
        return "traces"
    return None


def _proto_request(path: str, data: bytes, signal: Signal | None) -> Request:
    from .otlp_proto import _modules, metrics_from_proto, parse_metrics, parse_traces, spans_from_proto

    if signal == "traces":  # read when consumed: the import pipeline's extension reads the bytes itself
        _modules()
        return Request(path, 1, "traces", spans=lazy_spans(data), body=data)
    if signal == "metrics":
        try:
            return Request(path, 1, "metrics", metrics=metrics_from_proto(parse_metrics(data)))
        except DecodeError as exc:
            return Request(path, 1, "metrics", problem=str(exc))
    try:
        traces = parse_traces(data)
    except DecodeError as exc:
        traces, problem = None, str(exc)
    if signal == "traces" or (traces is not None and _looks_like_traces(traces)):
        if traces is None:
            return Request(path, 1, "traces", problem=problem)
        return Request(path, 1, "traces", spans=spans_from_proto(traces), body=data)
    try:
        return Request(path, 1, "metrics", metrics=metrics_from_proto(parse_metrics(data)))
    except DecodeError as exc:
        return Request(path, 1, None, problem=f"neither an OTLP protobuf trace nor metrics request ({exc}); "
                                              "--signal says which it should be")


def lazy_spans(data: bytes) -> Iterator[Span]:
    """The spans of a protobuf trace request, parsed at the first one asked for (DecodeError then)."""
    from .otlp_proto import parse_traces, spans_from_proto

    yield from spans_from_proto(parse_traces(data))


def _looks_like_traces(request: Any) -> bool:
    spans = [span for block in request.resource_spans for scope in block.scope_spans for span in scope.spans]
    return bool(spans) and all(len(s.trace_id) == 16 and len(s.span_id) == 8 for s in spans)
