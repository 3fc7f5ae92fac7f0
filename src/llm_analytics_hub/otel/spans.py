"""One span -> its hub events, by the mapping (`mapping.Mapping`): the facts a span yields, the events it
stands for, the envelope, the id rule (`ids`). A span is mapped whole or rejected whole with a reason.

Selection: a span with a GenAI marker attribute, of a client-side kind, whose operation is a model call
(agent, tool and workflow spans carry usage summed over their children: mapping them would count it
twice). Everything else is skipped, and counted, with its reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import ids
from .mapping import EventSpec, Fact, Mapping
from .otlp import Span
from .span_values import (
    _HEAD,
    _TAG_OF,
    ABSENT,
    CLASSES,
    DEFAULT_ENVIRONMENT,
    DEFAULT_SOURCE_MODULE,
    DEPENDS,
    RULES,
    TYPE_CHECKS,
    Rejected,
    Skipped,
    _article,
    _members,
    _span_id,
    _wrong_type,
    builder,
    member_plan,
    otlp_type,
    planned_tags,
    reader,
    rfc3339,
    rules_reader,
    tag_text,
)

NUMBERS = (int, float)
Parts = tuple[dict[str, Any], dict[str, Any], list[tuple[EventSpec, str, dict[str, Any]]]]

__all__ = ["DEFAULT_SOURCE_MODULE", "TYPE_CHECKS", "Rejected", "Skipped", "SpanMapper", "_article", "otlp_type",
           "rfc3339", "tag_text"]

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
        self._compile()
        self._envelope = tuple((tuple(path.split(".")), rule) for path, rule in mapping.envelope)
        self._members_of = {spec.kind: tuple((tuple(path.split(".")), rule) for path, rule in spec.members)
                            for spec in mapping.events}

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

    def _compile(self) -> None:
        """The mapping as a plan: per fact its sources, ready to run (a span is mapped in one pass)."""
        self._plans: dict[str, tuple[Any, ...]] = {}
        for name, fact in self.mapping.facts.items():
            sources = []
            for source in fact.sources:
                spec = self.mapping.attributes.get(source.attribute)
                wanted = spec.type if spec is not None and not spec.prefix else None
                sources.append((source.attribute, spec is not None and spec.where == "resource",
                                TYPE_CHECKS[wanted] if wanted else None, wanted, source.values, source.keep_others,
                                source.wrap, source.scale, source.round))
            self._plans[name] = (name, tuple(sources), fact.type == "double", fact.type == "uuid", fact.derive,
                                 fact.default, frozenset(s[0] for s in sources))
        # a fact whose rule reads other facts comes after them
        order: list[str] = []

        def place(name: str) -> None:
            if name not in order:
                fact = self.mapping.facts[name]
                for rule in (fact.derive, fact.default):
                    for needed in DEPENDS.get(rule or "", ()):
                        place(needed)
                order.append(name)

        for name in self.mapping.facts:
            place(name)
        self._order = tuple(self._plans[name] for name in order if self._plans[name][1] or self.mapping.facts[
            name].derive or self.mapping.facts[name].default)
        self._totals = tuple(fact for fact in self.mapping.facts.values() if fact.includes)
        self._shapes: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Any, ...]] = {}
        self._rules: dict[str, Callable[[Span, dict[str, Any]], Any]] = {
            rule: (lambda span, values, rule=rule: self._derive(rule, span, values))  # type: ignore[misc]
            for fact in self.mapping.facts.values() for rule in (fact.derive, fact.default) if rule}
        self._rules.update(RULES)
        self._rules.update({"span_duration_ms": self._duration_ms, "span_duration_seconds_ceil": self._window,
                            "span_start": self._start, "tags": self._tag_rule, "span_id": _span_id,
                            "unknown_environment": lambda span, values: self.environment,
                            "hub_source_module": lambda span, values: self.source_module})
        self._event_plans: dict[tuple[str, ...], Any] = {}

    def _attribute(self, span: Span, name: str) -> Any:
        spec = self.mapping.attributes.get(name)
        holder = span.resource if spec is not None and spec.where == "resource" else span.attributes
        value = holder.get(name)
        if value is None:
            return ABSENT
        wanted = self.attribute_types.get(name)
        if wanted is not None and not TYPE_CHECKS[wanted](value):
            raise Rejected(_wrong_type(name, value, wanted), name)
        return value

    def _shape(self, key: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[Any, ...]:
        """The plan for spans with these attribute and resource names (a stream's spans share a few shapes, so
        this runs rarely): (simple, general). `simple` holds the facts read from attributes as they are (no
        spellings, wrapping, scale or rule) with the classes their types allow, read first (no rule reads
        them later than that); `general` the rest, in the mapping's order, each with only the sources present;
        derivations that never give a value are left out."""
        simple: list[tuple[Any, ...]] = []
        general: list[tuple[Any, ...]] = []
        skipped = self._unneeded(key)
        for name, sources, to_float, is_uuid, derive, default, _ in self._order:
            kept = tuple(source for source in sources if source[0] in (key[1] if source[1] else key[0]))
            if derive == "event_uuid":
                derive = None
            if default == "event_uuid":
                default = None
            if name in skipped:
                continue
            if derive == "tags":
                general.append((name, (), False, False, planned_tags(self.mapping, key), None))
                continue
            if (kept and derive is None and default is None and not is_uuid
                    and all(k[4] is None and not k[6] and k[7] is None and k[3] in CLASSES for k in kept)):
                simple.append((name, tuple((k[0], k[1], CLASSES[k[3]], k[3]) for k in kept), to_float))
                continue
            if kept or derive is not None or default is not None:
                general.append((name, kept, to_float, is_uuid, self._rules[derive] if derive else None,
                                self._rules[default] if default else None))
        if len(self._shapes) > 1024:
            self._shapes.clear()
        found = self._shapes[key] = (reader(simple), rules_reader(general))
        return found

    def _unneeded(self, key: tuple[tuple[str, ...], tuple[str, ...]]) -> set[str]:
        """The facts that only members of events these spans cannot give would read: an event with `when`
        facts none of which has a source present or a rule (unless `llm_hub.events` says which events)."""
        if "llm_hub.events" in key[0]:
            return set()
        possible = {name for name, sources, _, _, derive, default, _ in self._order
                    if derive not in (None, "event_uuid") or default not in (None, "event_uuid")
                    or any(s[0] in (key[1] if s[1] else key[0]) for s in sources)}
        never = {spec.kind for spec in self.mapping.events if spec.when and not possible & set(spec.when)}
        readers: dict[str, set[str]] = {}
        for spec in self.mapping.events:
            for _, rule in self._members_of[spec.kind]:
                if isinstance(rule, str):
                    readers.setdefault(rule, set()).add(spec.kind)
        for _, rule in self._envelope:
            if isinstance(rule, str):
                readers.setdefault(rule, set()).add("")
        needed = {n for rules in DEPENDS.values() for n in rules} | {f.name for f in self._totals} | {
            n for f in self._totals for n in f.includes}
        return {name for name, kinds in readers.items() if kinds and kinds <= never and name not in needed}

    def evaluate(self, span: Span) -> dict[str, Any]:
        """Every fact of the span, in one pass (absent facts are left out); raises Rejected."""
        values: dict[str, Any] = {}
        attributes, resource = span.attributes, span.resource
        key = (tuple(attributes), tuple(resource))
        simple, general = self._shapes.get(key) or self._shape(key)
        simple(attributes, resource, values)  # the plain facts: the first source present wins
        general(span, attributes, resource, values)  # the others, in the mapping's order
        for fact in self._totals:
            if fact.name in values:
                self._check_inclusion(fact, values)
        return values

    def _check_inclusion(self, fact: Fact, values: dict[str, Any]) -> None:
        total = values[fact.name]
        present = [(name, values[name]) for name in fact.includes if name in values
                   and isinstance(values[name], NUMBERS)]  # a tuple: `int | float` would be built on every call
        if present and isinstance(total, NUMBERS) and sum(v for _, v in present) > total:
            named = " + ".join(f"{name} ({value})" for name, value in present)
            raise Rejected(f"{named} exceed {fact.name} ({total}): the span breaks the inclusion rule "
                           f"({fact.name} includes {', '.join(fact.includes)}), so mapping it would count "
                           "them twice or not at all")

    def _derive(self, rule: str, span: Span, values: dict[str, Any]) -> Any:
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
            present = [values[n] for n in ("input_tokens", "output_tokens") if n in values]
            return sum(present) if present else ABSENT
        if rule == "zero_for_embeddings":
            return 0 if values.get("operation") == "embeddings" else ABSENT
        if rule == "one_per_error_type":
            error = values.get("error_type")
            return {error: 1} if error is not None else ABSENT
        if rule == "tags":
            return self._tags(span)
        if rule == "unknown_environment":
            return self.environment
        if rule == "hub_source_module":
            return self.source_module
        if rule == "error_if_error_type":
            return "error" if "error_type" in values else "info"
        if rule == "event_uuid":
            return ABSENT  # `events` applies the id rule: it needs the event's kind
        raise AssertionError(f"derivation {rule!r} (mapping_check refuses unknown names)")

    def _duration_ms(self, span: Span, values: dict[str, Any]) -> Any:
        return self._duration_ns(span) / 1e6

    def _window(self, span: Span, values: dict[str, Any]) -> Any:
        return max(1, math.ceil(self._duration_ns(span) / 1e9))

    def _start(self, span: Span, values: dict[str, Any]) -> Any:
        if span.start_ns <= 0:
            raise Rejected("the span has no startTimeUnixNano")
        return rfc3339(span.start_ns)

    def _tag_rule(self, span: Span, values: dict[str, Any]) -> Any:
        return self._tags(span)

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

    def kinds(self, span: Span, values: dict[str, Any]) -> list[EventSpec]:
        """The events the span stands for: `llm_hub.events` when export recorded them, else each event whose
        `when` facts are present (one of them)."""
        recorded = self._attribute(span, "llm_hub.events") if "llm_hub.events" in self.mapping.attributes else ABSENT
        if recorded is not ABSENT:
            return [e for e in self.mapping.events if e.kind in recorded]
        return [e for e in self.mapping.events
                if not e.when or any(name in values for name in e.when)]

    def events(self, span: Span) -> list[tuple[EventSpec, dict[str, Any]]]:
        """The span's AnalyticsEvent documents, each with its event spec; raises Rejected."""
        head, tail, events = self.parts(span)
        return [(spec, {"event_id": event_id, **head, "schema_version": self.version, **tail, "payload": payload})
                for spec, event_id, payload in events]

    def parts(self, span: Span) -> Parts:
        """The span's events as parts: the envelope members before schema_version (`head`) and after it
        (`tail`), the same for every event of the span, and per event its spec, event_id and payload. A
        document is `{"event_id", **head, "schema_version", **tail, "payload"}` (`events`); raises Rejected."""
        if span.problem is not None:
            raise Rejected(span.problem)
        values = self.evaluate(span)
        if "model_id" not in values:
            sources = ", ".join(s.attribute for s in self.mapping.facts["model_id"].sources)
            raise Rejected(f"no model: none of {sources} is set")
        recorded = "llm_hub.events" in span.attributes
        plan = None if recorded else self._event_plans.get(names := tuple(values), ABSENT)
        if plan is ABSENT:
            plan = self._event_plan(span, values, names)
        if plan is None:
            return self._events(span, values)
        head_of, tail_of, kinds = plan
        found = []
        trace_id, span_id = span.trace_id, span.span_id
        for spec, id_fact, payload_type, data_of in kinds:
            event_id = values.get(id_fact)  # llm_hub.<kind>.event_id, else the id rule
            if event_id is None:
                event_id = ids.event_id(trace_id, span_id, spec.kind)
            found.append((spec, event_id, {"payload_type": payload_type, "data": data_of(values)}))
        return head_of(values), tail_of(values), found

    def _event_plan(self, span: Span, values: dict[str, Any], names: tuple[str, ...]) -> Any:
        """How the documents of spans with these facts are built (None: the general way, for nested members)."""
        envelope = member_plan(self._envelope, names)
        kinds = []
        for spec in self.kinds(span, values):
            members = member_plan(self._members_of[spec.kind], names)
            if members is None:
                envelope = None
            elif envelope is not None:
                first = ((_TAG_OF[spec.variant[0]], None, spec.variant[1]),)
                kinds.append((spec, spec.event_id, spec.variant[0], builder((*first, *members))))
        plan = None if envelope is None else (
            builder(sorted((m for m in envelope if m[0] in _HEAD), key=lambda m: _HEAD.index(m[0]))),
            builder([m for m in envelope if m[0] not in _HEAD]), tuple(kinds))
        if len(self._event_plans) > 4096:
            self._event_plans.clear()
        self._event_plans[names] = plan
        return plan

    def _events(self, span: Span, values: dict[str, Any]) -> Parts:
        envelope = _members(self._envelope, values)
        head = {key: envelope[key] for key in _HEAD if key in envelope}
        tail = {key: value for key, value in envelope.items() if key not in head}
        found = []
        for spec in self.kinds(span, values):
            event_id = values.get(spec.event_id)  # llm_hub.<kind>.event_id, else the id rule
            if event_id is None:
                event_id = ids.event_id(span.trace_id, span.span_id, spec.kind)
            data = {_TAG_OF[spec.variant[0]]: spec.variant[1]}
            data.update(_members(self._members_of[spec.kind], values))
            found.append((spec, event_id, {"payload_type": spec.variant[0], "data": data}))
        return head, tail, found


