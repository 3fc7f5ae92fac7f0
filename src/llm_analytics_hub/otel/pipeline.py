"""Decoded OTLP -> validated hub documents -> a sink: the core that `otel import` and `otel serve` share.

Every document produced is validated with the project's Validator (AnalyticsEvent or MetricType, of the
chosen version) and the semantic lint's rules for its type; a span or data point whose documents fail is
rejected whole, with the finding as its reason. Nothing is dropped in silence: skipped spans and points
are counted by reason, rejected ones are returned with their reason for the reporter and --invalid-out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..validation import Validator
from ..validation.semantic import LEAF_RULES, envelope_rules
from . import metrics as metric_mapping
from .mapping import EventSpec, Mapping, load_mapping
from .native_spans import MAPPED, PYTHON, SKIPPED, span_plan
from .otlp import Metric, Span, spans_from_json
from .spans import Parts, Rejected, Skipped, SpanMapper

RESERVED = frozenset({"event_id", "schema_version", "payload"})  # members a document has outside its envelope


@dataclass(frozen=True)
class Rejection:
    """One span or data point that could not become hub documents."""

    source: str  # input file, or the receiver's request ("POST /v1/traces")
    line: int  # the request's line in a JSON-lines file (1 otherwise)
    where: str  # JSON pointer of the span / metric in the request (and of the attribute at fault)
    label: str  # "span 'chat gpt-4o'", "metric gen_ai.client.token.usage"
    reason: str
    document: dict[str, Any] | None = None  # the span or data point, in OTLP/JSON form (for --invalid-out)


@dataclass
class Tally:
    spans: int = 0
    mapped_spans: int = 0
    events: Counter[str] = field(default_factory=Counter)  # by event kind
    skipped_spans: Counter[str] = field(default_factory=Counter)  # by reason
    rejected_spans: int = 0
    points: int = 0
    mapped_points: int = 0
    metric_documents: Counter[str] = field(default_factory=Counter)  # by metric_type
    skipped_points: Counter[str] = field(default_factory=Counter)
    rejected_points: int = 0
    unwritten_points: int = 0  # mapped, but the sink takes no metrics
    bad_requests: int = 0  # requests that could not be read at all
    rejections: Counter[str] = field(default_factory=Counter)  # by reason, first line of it

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(value)
            else:
                setattr(self, name, mine + value)

    @property
    def rejected(self) -> int:
        return self.rejected_spans + self.rejected_points + self.bad_requests


@dataclass
class Batch:
    """What one request (or one input document) gave: lines to write, rejections, counts."""

    events: list[bytes] = field(default_factory=list)
    metrics: list[bytes] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


class Pipeline:
    """Maps and validates spans and metrics for one schema version."""

    def __init__(self, version: str, *, source_module: str | None = None, environment: str | None = None,
                 mapping: Mapping | None = None) -> None:
        self.mapping = mapping or load_mapping(version)
        options = {k: v for k, v in (("source_module", source_module), ("environment", environment)) if v}
        self.mapper = SpanMapper(self.mapping, **options)
        self.events_validator = Validator(schema="AnalyticsEvent", version=self.mapping.version)
        self.metrics_validator = Validator(schema="MetricType", version=self.mapping.version)
        self._native = self.events_validator.native_checker(all_versions=True)
        self._version_member = b',"schema_version":' + orjson.dumps(self.mapping.version)
        self._rules = {spec.type: LEAF_RULES.get(spec.type.partition(".")[2]) for spec in self.mapping.events}
        self._plan: Any = False  # the extension's span plan (native_spans), made on first use; None: none

    def trace_request(self, data: bytes, source: str, line: int) -> Batch:
        """`spans` of a protobuf ExportTraceServiceRequest: the extension maps the spans it can (native_spans),
        Python the others, with the same outcome; raises DecodeError for bytes that are no such request."""
        from .otlp_proto import parse_traces, spans_from_proto

        found = None if self._span_plan() is None else self._plan.map_traces(self._native, data)
        if found is None:
            return self.spans(spans_from_proto(parse_traces(data)), source, line)
        return self._merged(lambda: list(spans_from_proto(parse_traces(data))), found, source, line)

    def json_trace_request(self, data: bytes, spans: Iterable[Span], source: str, line: int) -> Batch:
        """`spans` of an OTLP/JSON trace request, `data` its text and `spans` Python's reading of it: the
        extension maps what it can of a request in the canonical form (native/src/otlp_json.rs), Python the
        rest, with the same outcome; a request outside that form is Python's whole."""
        found = None if self._span_plan() is None else self._plan.map_json(self._native, data)
        if found is None:
            return self.spans(spans, source, line)
        return self._merged(lambda: list(spans_from_json(orjson.loads(data))), found, source, line)

    def _span_plan(self) -> Any:
        if self._plan is False:
            self._plan = span_plan(self.mapper) if self._native is not None else None
        return self._plan

    def _merged(self, decoded: Callable[[], list[Span]], found: tuple[bytes, list[bytes], list[str]], source: str,
                line: int) -> Batch:
        """The batch of one request from the extension's outcome, with the spans it handed back mapped here, in
        the order of the request: what `spans` gives, the same counters in the same order. `found` is per span
        a status byte (MAPPED | the mask of the events written, SKIPPED, PYTHON), the lines, the skip reasons;
        `decoded` gives Python's spans of the request."""
        status, lines, reasons = found
        batch = Batch(events=lines)
        tally = batch.tally
        kinds = [spec.kind for spec in self.mapping.events]
        if PYTHON not in status:  # the common case: counted without a loop over the spans
            tally.spans = len(status)
            codes = Counter(status)
            for code in codes:  # in the order of first occurrence: the kinds are counted in Python's order
                if code & MAPPED:
                    tally.mapped_spans += codes[code]
                    for bit, kind in enumerate(kinds):
                        if code >> bit & 1:
                            tally.events[kind] += codes[code]
            tally.skipped_spans.update(reasons)
            return batch
        spans = decoded()
        events: list[bytes] = []
        at = reason_at = 0
        for number, code in enumerate(status):
            if code & MAPPED:
                tally.mapped_spans += 1
                count = 0
                for bit, kind in enumerate(kinds):
                    if code >> bit & 1:
                        tally.events[kind] += 1
                        count += 1
                events += lines[at:at + count]
                at += count
            elif code == SKIPPED:
                tally.skipped_spans[reasons[reason_at]] += 1
                reason_at += 1
            else:
                one = self.spans([spans[number]], source, line)
                tally.add(one.tally)
                events += one.events
                batch.rejections += one.rejections
        tally.spans = len(status)
        batch.events = events
        return batch

    def spans(self, spans: Iterable[Span], source: str, line: int, batch: Batch | None = None) -> Batch:
        """Map every span; then validate the request's events as one block of NDJSON lines with the native
        checker (as `llm-hub validate` does), each line it does not prove with the Validator (which gives the
        reason), and the semantic lint's rules for the types; a span whose events fail is rejected whole."""
        batch = batch or Batch()
        tally = batch.tally
        mapped: list[tuple[int, Span, Parts]] = []
        refused: list[tuple[int, Span, Rejected]] = []  # reported in the order of the spans
        lines: list[bytes] = []
        for number, span in enumerate(spans):
            tally.spans += 1
            skipped = self.mapper.select(span) if span.problem is None else None
            if isinstance(skipped, Skipped):
                tally.skipped_spans[skipped.reason] += 1
                continue
            try:
                parts = self.mapper.parts(span)
                encoded = self._encoded(parts)
            except Rejected as exc:
                refused.append((number, span, exc))
                continue
            mapped.append((number, span, parts))
            lines += encoded
        unproven = self._unproven(lines)
        position = 0
        kept: list[bytes] = []
        kinds: dict[str, int] = {}
        for number, span, (head, tail, events) in mapped:
            first = position
            position += len(events)
            try:
                envelope = {**head, **tail}
                for index, (spec, event_id, payload) in enumerate(events, start=first):
                    document = (self._document(head, tail, event_id, payload) if index in unproven else
                                envelope if index == first else None)  # one envelope: its rules run once
                    self._check_event(spec, payload["data"], document, index in unproven)
            except Rejected as exc:
                refused.append((number, span, exc))
                continue
            tally.mapped_spans += 1
            for spec, _, _ in events:
                kinds[spec.kind] = kinds.get(spec.kind, 0) + 1
            kept += lines[first:position]
        tally.events.update(kinds)
        batch.events += [line + b"\n" for line in kept]
        for _, span, refusal in sorted(refused, key=lambda item: item[0]):
            self._reject(batch, span, refusal, source, line)
        return batch

    def _document(self, head: dict[str, Any], tail: dict[str, Any], event_id: str,
                  payload: dict[str, Any]) -> dict[str, Any]:
        return {"event_id": event_id, **head, "schema_version": self.mapping.version, **tail, "payload": payload}

    def _encoded(self, parts: Parts) -> list[bytes]:
        """The events' NDJSON lines, as orjson writes the documents: the envelope, the same in every event of
        the span, encoded once and joined with each event's id and payload."""
        head, tail, events = parts
        try:
            if RESERVED.isdisjoint(head) and RESERVED.isdisjoint(tail) and head:
                before = b"," + orjson.dumps(head)[1:-1] + self._version_member
                after = (b"," + orjson.dumps(tail)[1:-1] if tail else b"") + b',"payload":'
                return [b'{"event_id":' + orjson.dumps(event_id) + before + after + orjson.dumps(payload) + b"}"
                        for _, event_id, payload in events]
            return [orjson.dumps(self._document(head, tail, event_id, payload)) for _, event_id, payload in events]
        except orjson.JSONEncodeError:  # an integer past 64 bits: the schema says why it is refused
            for spec, event_id, payload in events:
                self.check_event(spec, self._document(head, tail, event_id, payload))
            raise Rejected("its events cannot be written as JSON") from None

    def check_event(self, spec: EventSpec, document: dict[str, Any]) -> None:
        """Raises Rejected when the event is invalid (the Validator, then the semantic lint's rules)."""
        self._check_event(spec, document["payload"]["data"], document, True)

    def _unproven(self, lines: list[bytes]) -> set[int] | frozenset[int]:
        """The indexes of the lines the native checker does not prove (all of them without the checker)."""
        native = self._native
        if native is None or not lines:
            return frozenset(range(len(lines)))
        unproven = native.check(b"\n".join(lines))[3]
        return {index for index, _, _ in unproven}

    def _check_event(self, spec: EventSpec, data: dict[str, Any], document: dict[str, Any] | None,
                     unproven: bool) -> None:
        """The Validator on an unproven `document`, then the rules of the event's type on `data` and, when
        `document` is given, the envelope rules."""
        findings = self.events_validator.check(document) if unproven else ()
        if not findings:
            rule = self._rules.get(spec.type)
            if rule is not None:
                findings = tuple(rule(data, ("payload", "data")))
            if document is not None and not findings:
                findings = tuple(envelope_rules(document, ()))
        if findings:
            first = findings[0]
            raise Rejected(f"its {spec.kind} event would be invalid: {first.instance_path or '(root)'}: "
                           f"{first.message} [{first.keyword}]")

    @staticmethod
    def _reject(batch: Batch, span: Span, exc: Rejected, source: str, line: int) -> None:
        batch.tally.rejected_spans += 1
        batch.tally.rejections[exc.reason.split(": ")[0]] += 1
        where = span.where + (f"/attributes/{exc.attribute}" if exc.attribute else "")
        label = f"span {span.name!r} (trace {span.trace_id or '?'}, span {span.span_id or '?'})"
        batch.rejections.append(Rejection(source, line, where, label, exc.reason, _span_json(span)))

    def metrics(self, metrics: Iterable[Metric], source: str, line: int, batch: Batch | None = None) -> Batch:
        batch = batch or Batch()
        tally = batch.tally
        for metric in metrics:
            skipped = metric_mapping.select(self.mapping, metric)
            if isinstance(skipped, Skipped):
                tally.points += len(metric.points)
                tally.skipped_points[skipped.reason] += len(metric.points)
                continue
            for point, result in metric_mapping.documents(self.mapping, metric):
                tally.points += 1
                if not isinstance(result, Rejected):
                    findings = self.metrics_validator.check(result)
                    if not findings:
                        tally.mapped_points += 1
                        tally.metric_documents[result["metric_type"]] += 1
                        batch.metrics.append(orjson.dumps(result) + b"\n")
                        continue
                    first = findings[0]
                    result = Rejected(f"its {result['metric_type']} document would be invalid: "
                                      f"{first.instance_path or '(root)'}: {first.message} [{first.keyword}]")
                tally.rejected_points += 1
                tally.rejections[result.reason.split(": ")[0]] += 1
                batch.rejections.append(Rejection(source, line, metric.where, f"metric {metric.name}", result.reason,
                                                  {"name": metric.name, "unit": metric.unit,
                                                   "attributes": point.attributes, "timeUnixNano": str(point.time_ns)}))
        return batch


def _span_json(span: Span) -> dict[str, Any]:
    from .otlp_write import span_json

    return span_json(span)
