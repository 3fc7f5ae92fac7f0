"""One span -> its hub events, by the mapping (`mapping.Mapping`): the facts a span yields, the events it
stands for, the envelope, the id rule (`ids`). A span is mapped whole or rejected whole with a reason.

Selection: a span with a GenAI marker attribute, of a client-side kind, whose operation is a model call
(agent, tool and workflow spans carry usage summed over their children: mapping them would count it
twice). Everything else is skipped, and counted, with its reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import ids
from .mapping import Constant, EventSpec, Fact, Mapping, Rule
from .otlp import Span

DEFAULT_SOURCE_MODULE = "llm-analytics-hub"
DEFAULT_ENVIRONMENT = "unknown"
ABSENT: Any = object()

TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "double": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "string[]": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}
OTLP_TYPE_NAMES = {str: "string", int: "int", float: "double", bool: "boolean", list: "array", dict: "kvlist",
                   bytes: "bytes"}


class Rejected(Exception):
    """A span that cannot be mapped: the reason and where in the span it lies."""

    def __init__(self, reason: str, attribute: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attribute = attribute


@dataclass(frozen=True)
class Skipped:
    reason: str


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def otlp_type(value: Any) -> str:
    return OTLP_TYPE_NAMES.get(type(value), type(value).__name__)


def rfc3339(ns: int) -> str:
    """A Unix time in nanoseconds as the producers write it: UTC, Z, 3/6/9 fraction digits when non-zero."""
    import datetime as _dt

    seconds, fraction = divmod(ns, 1_000_000_000)
    text = _dt.datetime.fromtimestamp(seconds, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction == 0:
        return text + "Z"
    if fraction % 1_000_000 == 0:
        return f"{text}.{fraction // 1_000_000:03d}Z"
    if fraction % 1_000 == 0:
        return f"{text}.{fraction // 1_000:06d}Z"
    return f"{text}.{fraction:09d}Z"


def tag_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class SpanMapper:
    """Maps spans to AnalyticsEvent documents of one schema version (not validated here: see `pipeline`)."""

    def __init__(self, mapping: Mapping, *, source_module: str = DEFAULT_SOURCE_MODULE,
                 environment: str = DEFAULT_ENVIRONMENT) -> None:
        self.mapping = mapping
        self.version = mapping.version
        self.source_module = source_module
        self.environment = environment
        self.markers = mapping.markers
        self.model_operations = frozenset(mapping.model_operations)
        self.span_kinds = frozenset(mapping.span_kinds)
        self.attribute_types = {name: spec.type for name, spec in mapping.attributes.items() if not spec.prefix}

    # --- selection -----------------------------------------------------------------------------

    def select(self, span: Span) -> Skipped | None:
        """None when the span is a model call to map; else why it is skipped."""
        attributes = span.attributes
        if not any(m in attributes for m in self.markers):
            return Skipped("not a GenAI span (no gen_ai.*, llm.request.type or openinference.span.kind marker)")
        if span.kind not in self.span_kinds:
            return Skipped(f"a {span.kind} span (a model call is mapped where its client sees it)")
        kind = attributes.get("openinference.span.kind")
        if isinstance(kind, str) and kind not in self.mapping.openinference_kinds:
            return Skipped(f"openinference.span.kind={kind} is not a model call")
        operation = attributes.get("gen_ai.operation.name")
        if isinstance(operation, str) and operation not in self.model_operations:
            return Skipped(f"gen_ai.operation.name={operation} is not a model call (its usage sums its children's)")
        request_type = attributes.get("llm.request.type")
        if operation is None and isinstance(request_type, str) and request_type == "unknown":
            return Skipped("llm.request.type=unknown is not a model call")
        return None

    # --- facts ---------------------------------------------------------------------------------

    def _attribute(self, span: Span, name: str) -> Any:
        spec = self.mapping.attributes.get(name)
        holder = span.resource if spec is not None and spec.where == "resource" else span.attributes
        value = holder.get(name, ABSENT)
        if value is ABSENT or value is None:
            return ABSENT
        wanted = self.attribute_types.get(name)
        if wanted is not None and not TYPE_CHECKS[wanted](value):
            raise Rejected(f"{name}: {_article(otlp_type(value))} value {value!r} where {_article(wanted)} belongs",
                           name)
        return value

    def fact(self, span: Span, name: str, cache: dict[str, Any]) -> Any:
        if name in cache:
            return cache[name]
        fact = self.mapping.facts[name]
        value = self._from_sources(span, fact)
        if value == "" and fact.type == "uuid":  # export's "no such id" (llm_hub.correlation_id, ...)
            cache[name] = ABSENT
            return ABSENT
        if value is ABSENT and fact.derive is not None:
            value = self._derive(fact.derive, span, cache)
        if value is ABSENT and fact.default is not None:
            value = self._derive(fact.default, span, cache)
        cache[name] = value
        if value is not ABSENT and fact.includes:
            self._check_inclusion(span, fact, value, cache)
        return value

    def _from_sources(self, span: Span, fact: Fact) -> Any:
        for source in fact.sources:
            value = self._attribute(span, source.attribute)
            if value is ABSENT:
                continue
            if source.values is not None and isinstance(value, str):
                if value in source.values:
                    value = source.values[value]
                elif not source.keep_others:
                    continue
            if source.wrap and isinstance(value, str):
                value = [value]
            if source.scale is not None:
                value = value * source.scale
                if source.round is not None:
                    value = round(value, source.round)
            if fact.type == "double":
                value = float(value)
            return value
        return ABSENT

    def _check_inclusion(self, span: Span, fact: Fact, total: Any, cache: dict[str, Any]) -> None:
        parts = [(name, self.fact(span, name, cache)) for name in fact.includes]
        present = [(name, value) for name, value in parts if isinstance(value, int | float)]
        if present and isinstance(total, int | float) and sum(v for _, v in present) > total:
            named = " + ".join(f"{name} ({value})" for name, value in present)
            raise Rejected(f"{named} exceed {fact.name} ({total}): the span breaks the inclusion rule "
                           f"({fact.name} includes {', '.join(fact.includes)}), so mapping it would count "
                           "them twice or not at all")

    def _derive(self, rule: str, span: Span, cache: dict[str, Any]) -> Any:
        if rule == "span_duration_ms":
            return self._duration_ns(span) / 1e6
        if rule == "span_duration_seconds_ceil":
            return max(1, math.ceil(self._duration_ns(span) / 1e9))
        if rule == "span_start":
            if span.start_ns <= 0:
                raise Rejected("the span has no startTimeUnixNano")
            return rfc3339(span.start_ns)
        if rule == "span_id":
            return span.span_id
        if rule == "trace_id":
            return span.trace_id
        if rule == "trace_uuid":
            return ids.correlation_id(span.trace_id)
        if rule == "parent_span_event_uuid":
            return ids.parent_event_id(span.trace_id, span.parent_span_id) or ABSENT
        if rule == "input_plus_output":
            counts = [self.fact(span, n, cache) for n in ("input_tokens", "output_tokens")]
            present = [c for c in counts if c is not ABSENT]
            return sum(present) if present else ABSENT
        if rule == "zero_for_embeddings":
            return 0 if self.fact(span, "operation", cache) == "embeddings" else ABSENT
        if rule == "one_per_error_type":
            error = self.fact(span, "error_type", cache)
            return {error: 1} if error is not ABSENT else ABSENT
        if rule == "tags":
            return self._tags(span)
        if rule == "unknown_environment":
            return self.environment
        if rule == "hub_source_module":
            return self.source_module
        if rule == "error_if_error_type":
            return "error" if self.fact(span, "error_type", cache) is not ABSENT else "info"
        # event_uuid is applied by `events` (it needs the event's kind); mapping_check refuses unknown names
        raise AssertionError(f"derivation {rule!r}")

    def _duration_ns(self, span: Span) -> int:
        if span.start_ns <= 0 or span.end_ns <= 0:
            raise Rejected("the span has no startTimeUnixNano or endTimeUnixNano")
        if span.end_ns < span.start_ns:
            raise Rejected("the span ends before it starts")
        return span.end_ns - span.start_ns

    def _tags(self, span: Span) -> dict[str, str]:
        tags = {}
        for name in self.mapping.tag_resource:
            if name in span.resource:
                tags[name] = tag_text(span.resource[name])
        for name in self.mapping.tag_span:
            if name in span.attributes:
                tags[name] = tag_text(span.attributes[name])
        prefix = self.mapping.tag_prefix
        for name, value in span.attributes.items():
            if name.startswith(prefix):
                tags[name[len(prefix):]] = tag_text(value)
        return tags

    # --- events --------------------------------------------------------------------------------

    def kinds(self, span: Span, cache: dict[str, Any]) -> list[EventSpec]:
        """The events the span stands for: `llm_hub.events` when export recorded them, else each event whose
        `when` facts are present (one of them)."""
        recorded = self._attribute(span, "llm_hub.events") if "llm_hub.events" in self.mapping.attributes else ABSENT
        if recorded is not ABSENT:
            return [e for e in self.mapping.events if e.kind in recorded]
        return [e for e in self.mapping.events
                if not e.when or any(self.fact(span, name, cache) is not ABSENT for name in e.when)]

    def events(self, span: Span) -> list[tuple[EventSpec, dict[str, Any]]]:
        """The span's AnalyticsEvent documents, each with its event spec; raises Rejected."""
        if span.problem is not None:
            raise Rejected(span.problem)
        cache: dict[str, Any] = {}
        if self.fact(span, "model_id", cache) is ABSENT:
            names = ", ".join(s.attribute for s in self.mapping.facts["model_id"].sources)
            raise Rejected(f"no model: none of {names} is set")
        envelope = self._members(span, self.mapping.envelope, cache)
        found = []
        for spec in self.kinds(span, cache):
            event_id = self._from_sources(span, self.mapping.facts[spec.event_id])  # default: the id rule
            if event_id is ABSENT:
                event_id = ids.event_id(span.trace_id, span.span_id, spec.kind)
            payload = {"payload_type": spec.variant[0],
                       "data": {_TAG_OF[spec.variant[0]]: spec.variant[1], **self._members(span, spec.members, cache)}}
            document = {"event_id": event_id, **envelope, "schema_version": self.version, "payload": payload}
            found.append((spec, _ordered(document)))
        return found

    def _members(self, span: Span, entries: tuple[tuple[str, Rule], ...], cache: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path, rule in entries:
            value = rule.value if isinstance(rule, Constant) else self.fact(span, rule, cache)
            if value is ABSENT:
                continue
            target = out
            *parents, leaf = path.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
        return out


_TAG_OF = {"telemetry": "telemetry_type", "security": "security_type", "cost": "cost_type",
           "governance": "governance_type"}
_ENVELOPE_ORDER = ("event_id", "timestamp", "source_module", "event_type", "correlation_id", "parent_event_id",
                   "schema_version", "severity", "environment", "tags", "trace_id", "span_id", "payload")


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    """The envelope in the producers' wire order."""
    return {key: document[key] for key in _ENVELOPE_ORDER if key in document}
