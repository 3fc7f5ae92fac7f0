"""OTLP protobuf requests (opentelemetry-proto) into the neutral form of `otlp`: `Span`s and `Metric`s.

opentelemetry-proto and protobuf come with the `otel` extra; without them a protobuf request is an
error that says how to install them (OTLP/JSON needs neither).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ..errors import HubError
from .otlp import SPAN_KINDS, TEMPORALITY, DecodeError, Metric, Point, Span


@cache  # once it imports (a failure is not cached): a receiver asks on every request
def _modules() -> Any:
    try:
        from google.protobuf.message import DecodeError as ProtoDecodeError
        from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    except ImportError:
        raise HubError("OTLP protobuf needs opentelemetry-proto: pip install 'llm-analytics-hub[otel]' "
                       "(OTLP/JSON works without it)") from None
    return trace_service_pb2, metrics_service_pb2, ProtoDecodeError


def parse_traces(data: bytes) -> Any:
    trace_service_pb2, _, error = _modules()
    request = trace_service_pb2.ExportTraceServiceRequest()
    try:
        request.ParseFromString(data)
    except (error, RuntimeError, ValueError) as exc:
        raise DecodeError(f"not an OTLP protobuf trace request: {exc}") from None
    return request


def parse_metrics(data: bytes) -> Any:
    _, metrics_service_pb2, error = _modules()
    request = metrics_service_pb2.ExportMetricsServiceRequest()
    try:
        request.ParseFromString(data)
    except (error, RuntimeError, ValueError) as exc:
        raise DecodeError(f"not an OTLP protobuf metrics request: {exc}") from None
    return request


def value(any_value: Any) -> Any:
    """An AnyValue as a Python value."""
    which = any_value.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [value(v) for v in any_value.array_value.values]
    if which == "kvlist_value":
        return attributes(any_value.kvlist_value.values)
    return getattr(any_value, which)


def attributes(items: Any) -> dict[str, Any]:
    found = {}
    for item in items:
        v = item.value
        which = v.WhichOneof("value")
        if which == "string_value":
            found[item.key] = v.string_value
        elif which == "int_value":
            found[item.key] = v.int_value
        else:
            found[item.key] = value(v)
    return found


ZERO_16, ZERO_8 = bytes(16), bytes(8)


def _id(raw: bytes, size: int, what: str, *, empty_ok: bool = False) -> tuple[str, str | None]:
    if not raw and empty_ok:
        return "", None
    if len(raw) != size:
        return "", f"{what} has {len(raw)} bytes, not {size}"
    if not any(raw):
        return "", f"{what} is all zeros (invalid in W3C Trace Context)"
    return raw.hex(), None


def spans_from_proto(request: Any) -> Iterator[Span]:
    """The spans of a parsed ExportTraceServiceRequest (the common case read inline: this is the hot loop)."""
    kinds, count = SPAN_KINDS, len(SPAN_KINDS)
    for r, block in enumerate(request.resource_spans):
        resource = attributes(block.resource.attributes)
        for s, scope_block in enumerate(block.scope_spans):
            scope = scope_block.scope.name
            prefix = f"/resourceSpans/{r}/scopeSpans/{s}/spans/"
            for i, span in enumerate(scope_block.spans):
                trace, own, parent_raw = span.trace_id, span.span_id, span.parent_span_id
                if len(trace) == 16 and len(own) == 8 and trace != ZERO_16 and own != ZERO_8 and (
                        not parent_raw or (len(parent_raw) == 8 and parent_raw != ZERO_8)):
                    trace_id, span_id, parent, problem = trace.hex(), own.hex(), parent_raw.hex(), None
                else:
                    trace_id, p1 = _id(trace, 16, "traceId")
                    span_id, p2 = _id(own, 8, "spanId")
                    parent, p3 = _id(parent_raw, 8, "parentSpanId", empty_ok=True)
                    problem = p1 or p2 or p3
                found = {}
                for item in span.attributes:
                    v = item.value
                    which = v.WhichOneof("value")
                    if which == "string_value":
                        found[item.key] = v.string_value
                    elif which == "int_value":
                        found[item.key] = v.int_value
                    elif which == "double_value":
                        found[item.key] = v.double_value
                    elif which == "bool_value":
                        found[item.key] = v.bool_value
                    else:
                        found[item.key] = value(v)
                kind = span.kind
                yield Span(trace_id, span_id, parent, span.name, kinds[kind] if 0 <= kind < count else "unspecified",
                           span.start_time_unix_nano, span.end_time_unix_nano, found, span.status.code, resource,
                           scope, prefix + str(i), problem)


def metrics_from_proto(request: Any) -> Iterator[Metric]:
    """The metrics of a parsed ExportMetricsServiceRequest."""
    for r, block in enumerate(request.resource_metrics):
        resource = attributes(block.resource.attributes)
        for s, scope_block in enumerate(block.scope_metrics):
            for i, metric in enumerate(scope_block.metrics):
                yield _metric(metric, resource, scope_block.scope.name,
                              f"/resourceMetrics/{r}/scopeMetrics/{s}/metrics/{i}")


def _metric(metric: Any, resource: dict[str, Any], scope: str, where: str) -> Metric:
    kind = metric.WhichOneof("data")
    found = Metric(metric.name, metric.unit, kind or "", False, "unspecified", [], resource, scope, where)
    if kind is None:
        found.problem = "the metric has no data (gauge, sum, histogram, exponentialHistogram or summary)"
        return found
    data = getattr(metric, kind)
    found.monotonic = bool(getattr(data, "is_monotonic", False))
    found.temporality = TEMPORALITY.get(getattr(data, "aggregation_temporality", 0), "unspecified")
    for p in data.data_points:
        point = Point(attributes(p.attributes), p.time_unix_nano, p.start_time_unix_nano)
        if kind in ("gauge", "sum"):
            which = p.WhichOneof("value")
            point.value = getattr(p, which) if which else None
        else:
            point.count = p.count
            point.sum = p.sum if kind == "summary" or p.HasField("sum") else None
            if kind == "summary":
                point.quantiles = tuple((q.quantile, q.value) for q in p.quantile_values)
            else:
                point.min = p.min if p.HasField("min") else None
                point.max = p.max if p.HasField("max") else None
                if kind == "histogram":
                    point.bounds = tuple(p.explicit_bounds)
                    point.bucket_counts = tuple(p.bucket_counts)
                else:
                    point.scale, point.zero_count = p.scale, p.zero_count
                    point.positive_offset = p.positive.offset
                    point.positive_counts = tuple(p.positive.bucket_counts)
                    point.negative_counts = tuple(p.negative.bucket_counts)
        found.points.append(point)
    return found
