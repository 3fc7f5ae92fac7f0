"""OTLP requests, JSON or protobuf, decoded into one neutral form: `Span`s and `Metric`s.

OTLP/JSON as the specification writes it: lowerCamelCase member names (the proto names are read too),
trace and span ids as hex, 64-bit integers as strings or numbers, enums as integers (their names are
read too). Protobuf through opentelemetry-proto. A span whose own fields are broken (an id that is not
hex or has the wrong length, an integer attribute that is no integer) is decoded with a `problem`, so
that it is rejected alone; only a request that cannot be read at all raises `DecodeError`.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SPAN_KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
STATUS_ERROR = 2
TEMPORALITY = {0: "unspecified", 1: "delta", 2: "cumulative"}
HEX = frozenset("0123456789abcdef")


class DecodeError(Exception):
    """The request cannot be read (not JSON, not protobuf, not an OTLP request)."""


@dataclass(slots=True)
class Span:
    trace_id: str  # 32 lower-case hex digits
    span_id: str  # 16
    parent_span_id: str  # 16, "" for a root span
    name: str
    kind: str  # one of SPAN_KINDS
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    status_code: int
    resource: dict[str, Any]
    scope: str
    where: str  # JSON pointer of the span in its request (/resourceSpans/0/scopeSpans/0/spans/3)
    problem: str | None = None  # why the span cannot be read as OTLP


@dataclass(slots=True)
class Point:
    attributes: dict[str, Any]
    time_ns: int
    start_ns: int = 0
    value: int | float | None = None  # gauge and sum points
    count: int = 0
    sum: float | None = None
    min: float | None = None
    max: float | None = None
    bounds: tuple[float, ...] = ()
    bucket_counts: tuple[int, ...] = ()
    scale: int = 0  # exponential histograms
    zero_count: int = 0
    positive_offset: int = 0
    positive_counts: tuple[int, ...] = ()
    negative_counts: tuple[int, ...] = ()
    quantiles: tuple[tuple[float, float], ...] = ()  # summary: (quantile, value)


@dataclass(slots=True)
class Metric:
    name: str
    unit: str
    kind: str  # gauge, sum, histogram, exponential_histogram, summary
    monotonic: bool
    temporality: str
    points: list[Point]
    resource: dict[str, Any]
    scope: str
    where: str
    problem: str | None = None
    descriptions: dict[str, str] = field(default_factory=dict)


# --- JSON -------------------------------------------------------------------------------------

def _get(obj: dict[str, Any], camel: str, snake: str, default: Any = None) -> Any:
    value = obj.get(camel)
    if value is None:
        value = obj.get(snake, default)
    return default if value is None else value


class _BadValue(Exception):
    pass


def _json_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _BadValue(f"{value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise _BadValue(f"{value!r} is not an integer") from None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _BadValue(f"{value!r} is not an integer")


def _json_float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        named = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
        if value in named:
            return named[value]
        try:
            return float(value)
        except ValueError:
            pass
    raise _BadValue(f"{value!r} is not a number")


def json_value(value: Any) -> Any:
    """An OTLP/JSON AnyValue as a Python value (None for an empty one)."""
    if not isinstance(value, dict):
        raise _BadValue(f"{value!r} is not an AnyValue object")
    for key, raw in value.items():
        if key in ("stringValue", "string_value"):
            if not isinstance(raw, str):
                raise _BadValue(f"stringValue {raw!r} is not a string")
            return raw
        if key in ("intValue", "int_value"):
            return _json_int(raw)
        if key in ("doubleValue", "double_value"):
            return _json_float(raw)
        if key in ("boolValue", "bool_value"):
            if not isinstance(raw, bool):
                raise _BadValue(f"boolValue {raw!r} is not a boolean")
            return raw
        if key in ("arrayValue", "array_value"):
            return [json_value(v) for v in _values(raw, "arrayValue")]
        if key in ("kvlistValue", "kvlist_value"):
            return json_attributes(_values(raw, "kvlistValue"))
        if key in ("bytesValue", "bytes_value"):
            try:
                return base64.b64decode(raw, validate=True)
            except (TypeError, ValueError):
                raise _BadValue(f"bytesValue {raw!r} is not base64") from None
    return None


def _values(raw: Any, what: str) -> list[Any]:
    """The `values` array of an arrayValue or kvlistValue (absent or null: none)."""
    if raw is None:
        return []
    values = raw.get("values") if isinstance(raw, dict) else raw
    if values is None:
        return []
    if not isinstance(values, list):
        raise _BadValue(f"{what} {raw!r} is not an object with a values array")
    return values


def json_attributes(items: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if items is not None and not isinstance(items, list | tuple):
        raise _BadValue(f"attributes {items!r} is not an array")
    for item in items or ():
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str):
            raise _BadValue(f"attribute {item!r} has no string key")
        try:
            found[key] = json_value(item.get("value") or {})
        except _BadValue as exc:
            raise _BadValue(f"attribute {key}: {exc}") from None
    return found


def _hex_id(value: Any, digits: int, what: str, *, empty_ok: bool = False) -> tuple[str, str | None]:
    if value in (None, "") and empty_ok:
        return "", None
    if not isinstance(value, str):
        return "", f"{what} {value!r} is not a hex string"
    text = value.lower()
    if len(text) != digits or not HEX.issuperset(text):
        return "", f"{what} {value!r} is not {digits} hex digits"
    if text == "0" * digits:
        return "", f"{what} is all zeros (invalid in W3C Trace Context)"
    return text, None


def _json_kind(value: Any) -> str:
    if isinstance(value, str) and value.startswith("SPAN_KIND_"):
        name = value[len("SPAN_KIND_"):].lower()
        return name if name in SPAN_KINDS else "unspecified"
    try:
        return SPAN_KINDS[_json_int(value or 0)]
    except (IndexError, _BadValue):
        return "unspecified"


def _json_status(value: Any) -> int:
    code = _get(value, "code", "code", 0) if isinstance(value, dict) else 0
    if isinstance(code, str) and code.startswith("STATUS_CODE_"):
        return {"STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}.get(code, 0)
    return code if isinstance(code, int) else 0


def _resource(block: dict[str, Any], where: str) -> dict[str, Any]:
    resource = block.get("resource") or {}
    if not isinstance(resource, dict):
        raise DecodeError(f"{where}/resource: expected an object")
    try:
        return json_attributes(_get(resource, "attributes", "attributes", ()))
    except _BadValue as exc:
        raise DecodeError(f"{where}/resource: {exc}") from None


def _scope_name(block: dict[str, Any]) -> str:
    scope = block.get("scope") or block.get("instrumentationLibrary") or {}
    name = scope.get("name", "") if isinstance(scope, dict) else ""
    return name if isinstance(name, str) else ""


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DecodeError(f"{where}: expected an array")
    return value


def spans_from_json(request: Any) -> Iterator[Span]:
    """The spans of an ExportTraceServiceRequest (or TracesData) in OTLP/JSON."""
    if not isinstance(request, dict):
        raise DecodeError("an OTLP/JSON trace request is an object with resourceSpans")
    for r, block in enumerate(_list(_get(request, "resourceSpans", "resource_spans"), "/resourceSpans")):
        at = f"/resourceSpans/{r}"
        if not isinstance(block, dict):
            raise DecodeError(f"{at}: expected an object")
        resource = _resource(block, at)
        scopes = _get(block, "scopeSpans", "scope_spans") or block.get("instrumentationLibrarySpans")
        for s, scope_block in enumerate(_list(scopes, f"{at}/scopeSpans")):
            if not isinstance(scope_block, dict):
                raise DecodeError(f"{at}/scopeSpans/{s}: expected an object")
            scope = _scope_name(scope_block)
            for i, raw in enumerate(_list(scope_block.get("spans"), f"{at}/scopeSpans/{s}/spans")):
                yield _json_span(raw, resource, scope, f"{at}/scopeSpans/{s}/spans/{i}")


def _json_span(raw: Any, resource: dict[str, Any], scope: str, where: str) -> Span:
    if not isinstance(raw, dict):
        return Span("", "", "", "", "unspecified", 0, 0, {}, 0, resource, scope, where, "the span is not an object")
    problems = []
    trace_id, problem = _hex_id(_get(raw, "traceId", "trace_id"), 32, "traceId")
    problems.append(problem)
    span_id, problem = _hex_id(_get(raw, "spanId", "span_id"), 16, "spanId")
    problems.append(problem)
    parent, problem = _hex_id(_get(raw, "parentSpanId", "parent_span_id"), 16, "parentSpanId", empty_ok=True)
    problems.append(problem)
    try:
        start = _json_int(_get(raw, "startTimeUnixNano", "start_time_unix_nano", 0))
        end = _json_int(_get(raw, "endTimeUnixNano", "end_time_unix_nano", 0))
    except _BadValue as exc:
        start = end = 0
        problems.append(f"time: {exc}")
    try:
        attributes = json_attributes(raw.get("attributes"))
    except _BadValue as exc:
        attributes = {}
        problems.append(str(exc))
    name = raw.get("name", "")
    return Span(trace_id, span_id, parent, name if isinstance(name, str) else "", _json_kind(raw.get("kind")),
                start, end, attributes, _json_status(raw.get("status")), resource, scope, where,
                next((p for p in problems if p), None))


def metrics_from_json(request: Any) -> Iterator[Metric]:
    """The metrics of an ExportMetricsServiceRequest (or MetricsData) in OTLP/JSON."""
    if not isinstance(request, dict):
        raise DecodeError("an OTLP/JSON metrics request is an object with resourceMetrics")
    for r, block in enumerate(_list(_get(request, "resourceMetrics", "resource_metrics"), "/resourceMetrics")):
        at = f"/resourceMetrics/{r}"
        if not isinstance(block, dict):
            raise DecodeError(f"{at}: expected an object")
        resource = _resource(block, at)
        for s, scope_block in enumerate(_list(_get(block, "scopeMetrics", "scope_metrics"), f"{at}/scopeMetrics")):
            if not isinstance(scope_block, dict):
                raise DecodeError(f"{at}/scopeMetrics/{s}: expected an object")
            scope = _scope_name(scope_block)
            for i, raw in enumerate(_list(scope_block.get("metrics"), f"{at}/scopeMetrics/{s}/metrics")):
                yield _json_metric(raw, resource, scope, f"{at}/scopeMetrics/{s}/metrics/{i}")


_KINDS = (("gauge", "gauge"), ("sum", "sum"), ("histogram", "histogram"),
          ("exponentialHistogram", "exponential_histogram"), ("summary", "summary"))


def _json_metric(raw: Any, resource: dict[str, Any], scope: str, where: str) -> Metric:
    if not isinstance(raw, dict):
        return Metric("", "", "", False, "unspecified", [], resource, scope, where, "the metric is not an object")
    name, unit = raw.get("name", ""), raw.get("unit", "")
    metric = Metric(name if isinstance(name, str) else "", unit if isinstance(unit, str) else "", "", False,
                    "unspecified", [], resource, scope, where)
    for camel, snake in _KINDS:
        data = _get(raw, camel, snake)
        if isinstance(data, dict):
            metric.kind = snake
            metric.monotonic = bool(_get(data, "isMonotonic", "is_monotonic", False))
            temporality = _get(data, "aggregationTemporality", "aggregation_temporality", 0)
            if isinstance(temporality, str):
                temporality = {"AGGREGATION_TEMPORALITY_DELTA": 1, "AGGREGATION_TEMPORALITY_CUMULATIVE": 2}.get(
                    temporality, 0)
            metric.temporality = TEMPORALITY.get(temporality, "unspecified")
            try:
                metric.points = [_json_point(p, snake) for p in _list(_get(data, "dataPoints", "data_points"), "")]
            except (_BadValue, DecodeError, TypeError, AttributeError) as exc:
                metric.problem = f"data point: {exc}"
            break
    else:
        metric.problem = "the metric has no data (gauge, sum, histogram, exponentialHistogram or summary)"
    return metric


def _json_point(raw: dict[str, Any], kind: str) -> Point:
    point = Point(json_attributes(raw.get("attributes")), _json_int(_get(raw, "timeUnixNano", "time_unix_nano", 0)),
                  _json_int(_get(raw, "startTimeUnixNano", "start_time_unix_nano", 0)))
    if kind in ("gauge", "sum"):
        if "asInt" in raw or "as_int" in raw:
            point.value = _json_int(_get(raw, "asInt", "as_int"))
        elif "asDouble" in raw or "as_double" in raw:
            point.value = _json_float(_get(raw, "asDouble", "as_double"))
        return point
    point.count = _json_int(raw.get("count", 0))
    if raw.get("sum") is not None:
        point.sum = _json_float(raw["sum"])
    if kind == "summary":
        point.quantiles = tuple((_json_float(q.get("quantile", 0)), _json_float(q.get("value", 0)))
                                for q in _get(raw, "quantileValues", "quantile_values", ()))
        return point
    point.min = _json_float(raw["min"]) if raw.get("min") is not None else None
    point.max = _json_float(raw["max"]) if raw.get("max") is not None else None
    if kind == "histogram":
        point.bounds = tuple(_json_float(b) for b in _get(raw, "explicitBounds", "explicit_bounds", ()))
        point.bucket_counts = tuple(_json_int(c) for c in _get(raw, "bucketCounts", "bucket_counts", ()))
        return point
    point.scale = _json_int(raw.get("scale", 0))
    point.zero_count = _json_int(_get(raw, "zeroCount", "zero_count", 0))
    positive = raw.get("positive") or {}
    point.positive_offset = _json_int(positive.get("offset", 0))
    point.positive_counts = tuple(_json_int(c) for c in _get(positive, "bucketCounts", "bucket_counts", ()))
    point.negative_counts = tuple(_json_int(c) for c in _get(raw.get("negative") or {}, "bucketCounts",
                                                             "bucket_counts", ()))
    return point
