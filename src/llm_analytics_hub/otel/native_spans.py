"""The native fast path of `Pipeline.trace_request`: the mapping plan as data for the extension's OTLP reader
(native/src/otlp.rs); `Pipeline` merges its outcome with Python's for the spans it hands back.

The extension reads a protobuf ExportTraceServiceRequest itself and, for each span it maps with certainty,
writes the very NDJSON lines the Python mapper writes (proven by the block checker, passed through the
semantic lint's rules); every other span (an id problem, a value of an unexpected type or shape, anything
that would be rejected, a line it cannot prove) it hands back, and Python maps or rejects it with its reason.
A request it does not read plainly is Python's whole. So the events, their order, the counts and the
rejections are Python's, byte for byte (tests/test_otel_native.py runs both paths side by side).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..validation import native
from ..validation.semantic import LEAF_RULES
from . import ids
from .mapping import Constant, Rule
from .otlp import SPAN_KINDS
from .span_values import _HEAD, _TAG_OF

if TYPE_CHECKING:
    from .spans import SpanMapper

MAPPED, SKIPPED, PYTHON = 0x80, 1, 2  # the status byte of a span from the extension (MAPPED | its events' mask)

def span_plan(mapper: SpanMapper) -> Any:
    """The extension's compiled plan for this mapper, or None (no extension, an older one, or a mapping
    that uses what the native mapper does not implement)."""
    module = native._NATIVE
    if module is None or not hasattr(module, "SpanPlan"):
        return None
    try:
        return module.SpanPlan(json.dumps(plan_document(mapper)))
    except (ValueError, KeyError, TypeError):
        return None


def _member(path: str, rule: Rule) -> dict[str, Any]:
    if isinstance(rule, Constant):
        return {"path": path.split("."), "constant": rule.value}
    return {"path": path.split("."), "fact": rule}


def plan_document(mapper: SpanMapper) -> dict[str, Any]:
    """The mapping as the native mapper reads it: facts in the order the mapper evaluates them, each source
    with its attribute's registry type, the envelope and events' members, the tags, the options."""
    mapping = mapper.mapping
    ordered = [plan[0] for plan in mapper._order]
    ordered += [name for name in mapping.facts if name not in ordered]
    facts = []
    for name in ordered:
        fact = mapping.facts[name]
        sources = []
        for source in fact.sources:
            known = mapping.attributes.get(source.attribute)
            sources.append({"attribute": source.attribute, "resource": known is not None and known.where == "resource",
                            "wanted": known.type if known is not None and not known.prefix else None,
                            "values": source.values, "keep_others": source.keep_others, "wrap": source.wrap,
                            "scale": None if source.scale is None else float(source.scale), "round": source.round})
        facts.append({"name": name, "sources": sources, "to_float": fact.type == "double",
                      "is_uuid": fact.type == "uuid", "derive": fact.derive, "default": fact.default})
    events = []
    for spec in mapping.events:
        rule = spec.type.partition(".")[2]
        events.append({"kind": spec.kind, "code": ids.KIND_CODES[spec.kind], "payload_type": spec.variant[0],
                       "tag": _TAG_OF[spec.variant[0]], "tag_value": spec.variant[1], "when": list(spec.when),
                       "event_id": spec.event_id, "rule": rule if rule in LEAF_RULES else None,
                       "members": [_member(path, r) for path, r in spec.members]})
    return {"version": mapping.version, "markers": list(mapping.markers), "span_kinds": list(SPAN_KINDS),
            "allowed_kinds": list(mapping.span_kinds), "openinference_kinds": list(mapping.openinference_kinds),
            "model_operations": list(mapping.model_operations), "facts": facts,
            "totals": [[fact.name, list(fact.includes)] for fact in mapping.facts.values() if fact.includes],
            "envelope": [_member(path, r) for path, r in mapping.envelope], "head": list(_HEAD), "events": events,
            "tag_resource": list(mapping.tag_resource), "tag_span": list(mapping.tag_span),
            "tag_prefix": mapping.tag_prefix, "source_module": mapper.source_module,
            "environment": mapper.environment}
