"""The id rule: hub event ids from OpenTelemetry trace and span ids, deterministic and reversible.

- `correlation_id` is the trace id itself, its 32 hex digits written as a UUID (8-4-4-4-12): every
  event of a trace shares it, and it gives the trace id back.
- The `event_id` of the event of kind K made from span S of trace T is the UUID whose 32 hex digits
  are the last 12 hex digits of T (the random part of a W3C trace id), the 4-digit code of K, and the
  16 hex digits of S: `TTTTTTTT-TTTT-KKKK-SSSS-SSSSSSSSSSSS`. Its last 20 digits are the span id.
- `parent_event_id` is the event id the parent span's LatencyMetrics event has (every mapped span has
  one; it stands for the span itself). When the parent span is no model call (an agent or HTTP span),
  no event has that id, but the id still names the parent span and joins when that span is imported.

Importing the same span twice gives the same ids, so a re-import is idempotent for a store keyed by
event_id. These are UUIDs in the schema's sense (hyphenated hex), not RFC 9562 versioned ones.
"""

from __future__ import annotations

KIND_CODES = {"token_usage": "0001", "latency": "0002", "error": "0003"}
SPAN_KIND = "latency"  # the event that stands for its span (parent_event_id points at it)
_KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}


def as_uuid(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def correlation_id(trace_id: str) -> str:
    return as_uuid(trace_id)


def trace_of_correlation(correlation: str) -> str | None:
    """The trace id a correlation_id carries (any UUID does: its 32 hex digits)."""
    digits = correlation.replace("-", "").lower()
    return digits if len(digits) == 32 and digits != "0" * 32 else None


def event_id(trace_id: str, span_id: str, kind: str) -> str:
    return as_uuid(trace_id[20:] + KIND_CODES[kind] + span_id)


def parent_event_id(trace_id: str, parent_span_id: str) -> str | None:
    return event_id(trace_id, parent_span_id, SPAN_KIND) if parent_span_id else None


def read_event_id(value: str, trace_id: str | None = None) -> tuple[str, str] | None:
    """(span id, event kind) when `value` follows the rule (for `trace_id`'s events when given)."""
    digits = value.replace("-", "").lower()
    if len(digits) != 32:
        return None
    kind = _KINDS_BY_CODE.get(digits[12:16])
    if kind is None or (trace_id is not None and digits[:12] != trace_id[20:]):
        return None
    return digits[16:], kind
