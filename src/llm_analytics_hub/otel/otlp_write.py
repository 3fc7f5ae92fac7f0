"""Python values -> OTLP/JSON: attributes, spans, requests (what export writes and rejections show)."""

from __future__ import annotations

import base64
from typing import Any

from .otlp import SPAN_KINDS, Span


def any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, bytes):
        return {"bytesValue": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return {"arrayValue": {"values": [any_value(v) for v in value]}}
    if isinstance(value, dict):
        return {"kvlistValue": {"values": key_values(value)}}
    return {}


def key_values(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "value": any_value(value)} for key, value in attributes.items()]


def span_json(span: Span) -> dict[str, Any]:
    """A decoded span in OTLP/JSON form (ids as decoded: a broken one is empty)."""
    found: dict[str, Any] = {"traceId": span.trace_id, "spanId": span.span_id}
    if span.parent_span_id:
        found["parentSpanId"] = span.parent_span_id
    found.update({"name": span.name, "kind": SPAN_KINDS.index(span.kind),
                  "startTimeUnixNano": str(span.start_ns), "endTimeUnixNano": str(span.end_ns),
                  "attributes": key_values(span.attributes)})
    if span.status_code:
        found["status"] = {"code": span.status_code}
    return found


def trace_request(resources: list[tuple[dict[str, Any], list[dict[str, Any]]]], scope: str) -> dict[str, Any]:
    """An ExportTraceServiceRequest: one ResourceSpans per (resource attributes, spans)."""
    return {"resourceSpans": [{"resource": {"attributes": key_values(resource)},
                               "scopeSpans": [{"scope": {"name": scope}, "spans": spans}]}
                              for resource, spans in resources]}


def metrics_request(resources: list[tuple[dict[str, Any], list[dict[str, Any]]]], scope: str) -> dict[str, Any]:
    return {"resourceMetrics": [{"resource": {"attributes": key_values(resource)},
                                 "scopeMetrics": [{"scope": {"name": scope}, "metrics": metrics}]}
                                for resource, metrics in resources]}
