"""`otel export`: hub events back to OTLP/JSON spans (and metric documents to OTLP/JSON metrics), so that
`otel import` of the output gives the same events for every mapped member.

The events of one span (same trace id and span id, by the id rule or the event's trace_id/span_id) become one
CLIENT span. Each mapped member is written to the first source attribute of its fact (the current GenAI
convention where there is one), scaled back to the attribute's unit; what import would derive anyway (the
request id that is the span id, a total that is input plus output, the severity that error.type implies, ids
that follow the id rule) is not written; anything else that no convention carries goes into `llm_hub.*`
attributes. Events with no OpenTelemetry form (security, cost, governance, custom payloads; throughput and
model-performance telemetry; an error-rate window of more than one request) are counted and skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import ids
from .mapping import Constant, EventSpec, Mapping
from .otlp_write import key_values, trace_request
from .spans import DEFAULT_SOURCE_MODULE

SCOPE = "llm-analytics-hub"
_DERIVED_IN_FINISH = frozenset({"request_id", "total_tokens", "error_window_seconds"})


class Conflict(Exception):
    """The event does not fit the span its ids name (another value of the same attribute)."""


@dataclass
class SpanDraft:
    trace_id: str
    span_id: str
    parent_span_id: str = ""
    start_ns: int | None = None
    duration_ms: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    resource: dict[str, Any] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> payload data
    severity: str | None = None

    def put(self, holder: dict[str, Any], key: str, value: Any) -> None:
        if key in holder and holder[key] != value:
            raise Conflict(key)
        holder[key] = value


def parse_time(text: str) -> int:
    """An RFC 3339 date-time as Unix nanoseconds (every fraction digit kept)."""
    main, _, rest = text.partition(".")
    fraction, offset = "", ""
    if rest:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        fraction, offset = rest[:digits], rest[digits:]
    else:
        for sign in ("Z", "z", "+", "-"):
            at = main.rfind(sign, 11)
            if at != -1:
                main, offset = main[:at], main[at:]
                break
    zone = dt.UTC if offset in ("Z", "z", "") else dt.datetime.strptime(offset, "%z").tzinfo
    moment = dt.datetime.strptime(main.replace("t", "T"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=zone)
    return int(moment.timestamp()) * 1_000_000_000 + int((fraction + "000000000")[:9])


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


class Exporter:
    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.spans: dict[tuple[str, str], SpanDraft] = {}
        self.skipped: dict[str, int] = {}
        self._by_variant = {spec.variant: spec for spec in mapping.events}
        self._seen: set[str] = set()

    def add(self, event: dict[str, Any]) -> str | None:
        """Add one (valid) AnalyticsEvent; returns why it was skipped, or None."""
        payload = event["payload"]
        data = payload.get("data")
        tag = data.get({"telemetry": "telemetry_type"}.get(payload["payload_type"], "")) if isinstance(data, dict) \
            else None
        spec = self._by_variant.get((payload["payload_type"], tag)) if isinstance(tag, str) else None
        if spec is None:
            reason = f"no OpenTelemetry form: {payload['payload_type']}" + (f"/{tag}" if tag else "")
        elif spec.kind == "error" and not _single_error(data):
            reason = "an error-rate window of more than one request has no span form"
        elif event["event_id"] in self._seen:
            reason = "the same event_id as an event exported before"
        else:
            reason = None
        if reason is not None:
            self.skipped[reason] = self.skipped.get(reason, 0) + 1
            return reason
        assert spec is not None
        self._seen.add(event["event_id"])
        trace = event.get("trace_id") or ids.trace_of_correlation(event.get("correlation_id") or "") \
            or event["event_id"].replace("-", "").lower()
        span_id = event.get("span_id") or self._span_id(event, trace, data, spec)
        for salt in range(1000):
            key = (trace, span_id if not salt else _derived(f"{span_id}|{salt}"))
            draft = self.spans.get(key) or SpanDraft(*key)
            trial = _copy(draft)
            try:
                self._merge(trial, event, data, spec)
            except Conflict:
                continue
            self.spans[key] = trial
            return None
        raise AssertionError("unreachable: a fresh span takes any event")

    def _span_id(self, event: dict[str, Any], trace: str, data: dict[str, Any], spec: EventSpec) -> str:
        read = ids.read_event_id(event["event_id"], trace)
        if read is not None:
            return read[0]
        return _derived(f"{trace}|{data.get('request_id')}|{event['timestamp']}|{data.get('model_id')}")

    def _merge(self, draft: SpanDraft, event: dict[str, Any], data: dict[str, Any], spec: EventSpec) -> None:
        if spec.kind in draft.events:
            raise Conflict(spec.kind)
        draft.events[spec.kind] = data
        start = parse_time(event["timestamp"])
        if draft.start_ns is not None and draft.start_ns != start:
            raise Conflict("timestamp")
        draft.start_ns = start
        if draft.severity is not None and draft.severity != event["severity"]:
            raise Conflict("severity")
        draft.severity = event["severity"]
        facts = self.mapping.facts
        for path, rule in spec.members:
            value = _get(data, path)
            if value is None or isinstance(rule, Constant) or rule in _DERIVED_IN_FINISH:
                continue
            fact = facts[rule]
            if rule == "total_latency_ms":
                draft.duration_ms = value
            elif rule == "error_breakdown":
                draft.put(draft.attributes, "error.type", next(iter(value)))
            elif fact.sources:
                source = fact.sources[0]
                draft.put(draft.attributes, source.attribute, value / source.scale if source.scale else value)
        self._envelope(draft, event, spec)

    def _envelope(self, draft: SpanDraft, event: dict[str, Any], spec: EventSpec) -> None:
        put, attributes, resource = draft.put, draft.attributes, draft.resource
        put(resource, "deployment.environment.name", event["environment"])
        if event["source_module"] != DEFAULT_SOURCE_MODULE:
            put(resource, "llm_hub.source_module", event["source_module"])
        for key, value in (event.get("tags") or {}).items():
            if key in self.mapping.tag_resource:
                put(resource, key, value)
            elif key in self.mapping.tag_span:
                put(attributes, key, value)
            else:
                put(attributes, self.mapping.tag_prefix + key, value)
        correlation = event.get("correlation_id")
        if correlation != ids.correlation_id(draft.trace_id):
            put(attributes, "llm_hub.correlation_id", correlation or "")
        parent = event.get("parent_event_id")
        read = ids.read_event_id(parent, draft.trace_id) if parent else None
        if read is not None and read[1] == ids.SPAN_KIND:
            if draft.parent_span_id and draft.parent_span_id != read[0]:
                raise Conflict("parent")
            draft.parent_span_id = read[0]
        elif parent:
            put(attributes, "llm_hub.parent_event_id", parent)
        elif draft.parent_span_id:
            raise Conflict("parent")
        if event["event_id"] != ids.event_id(draft.trace_id, draft.span_id, spec.kind):
            put(attributes, f"llm_hub.{spec.kind}.event_id", event["event_id"])

    def finished(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(resource attributes, OTLP/JSON span) of every span, in the order their first event came."""
        for draft in self.spans.values():
            yield draft.resource, self._span(draft)

    def _span(self, draft: SpanDraft) -> dict[str, Any]:
        attributes = dict(draft.attributes)
        usage, latency, error = (draft.events.get(k) for k in ("token_usage", "latency", "error"))
        start = draft.start_ns or 0
        end = start + (round(draft.duration_ms * 1e6) if draft.duration_ms is not None else 0)
        for data in (usage, latency):
            if data and data.get("request_id") != draft.span_id:
                attributes["llm_hub.request_id"] = data["request_id"]
        if usage and usage["total_tokens"] != usage["prompt_tokens"] + usage["completion_tokens"]:
            attributes["llm_hub.total_tokens"] = usage["total_tokens"]
        if error and error["window_duration_seconds"] != max(1, math.ceil((end - start) / 1e9)):
            attributes["llm_hub.error.window_duration_seconds"] = error["window_duration_seconds"]
        if draft.severity != ("error" if "error.type" in attributes else "info"):
            attributes["llm_hub.severity"] = draft.severity
        derived = {"latency"} | ({"error"} if "error.type" in attributes else set()) | (
            {"token_usage"} if usage is not None or any(
                a in attributes for a in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")) else set())
        kinds = [spec.kind for spec in self.mapping.events if spec.kind in draft.events]
        if set(kinds) != derived or not any(m in attributes for m in self.mapping.markers):
            attributes["llm_hub.events"] = kinds
        name = " ".join(str(attributes[a]) for a in ("gen_ai.operation.name", "gen_ai.request.model")
                        if a in attributes)
        span: dict[str, Any] = {"traceId": draft.trace_id, "spanId": draft.span_id}
        if draft.parent_span_id:
            span["parentSpanId"] = draft.parent_span_id
        span.update({"name": name or "llm", "kind": 3, "startTimeUnixNano": str(start), "endTimeUnixNano": str(end),
                     "attributes": key_values(attributes)})
        if "error.type" in attributes:
            span["status"] = {"code": 2}
        return span

    def requests(self, batch: int = 512) -> Iterator[dict[str, Any]]:
        """ExportTraceServiceRequests of at most `batch` spans, spans of one resource together."""
        pending: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        count = 0
        for resource, span in self.finished():
            if pending and pending[-1][0] == resource:
                pending[-1][1].append(span)
            else:
                pending.append((resource, [span]))
            count += 1
            if count >= batch:
                yield trace_request(pending, SCOPE)
                pending, count = [], 0
        if pending:
            yield trace_request(pending, SCOPE)


def _single_error(data: dict[str, Any]) -> bool:
    breakdown = data.get("error_breakdown") or {}
    return (data.get("total_requests") == 1 and data.get("failed_requests") == 1
            and data.get("error_rate_percent") == 100.0 and len(breakdown) == 1 and list(breakdown.values()) == [1])


def _derived(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _copy(draft: SpanDraft) -> SpanDraft:
    return SpanDraft(draft.trace_id, draft.span_id, draft.parent_span_id, draft.start_ns, draft.duration_ms,
                     dict(draft.attributes), dict(draft.resource), dict(draft.events), draft.severity)
