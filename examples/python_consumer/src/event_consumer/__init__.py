"""Decode an event, match on its payload, build one in code, write it, read it back, and see a
wrong value refused on write: the generated models as a consumer uses them."""

from __future__ import annotations

import dataclasses
import math
import sys
from datetime import UTC, datetime
from uuid import UUID

from llm_analytics_hub.models.v1_0_0.events import (
    AnalyticsEvent,
    ApiCostEvent,
    EventType,
    LatencyMetrics,
    Severity,
    SourceModule,
    ThreatEvent,
    TokenUsageMetrics,
)

from llm_analytics_hub.runtime import ModelError

PRODUCED = (
    b'{"event_id":"6513270e-269e-4d37-b2a7-4de452e6b438","timestamp":"2024-03-01T00:00:00Z",'
    b'"source_module":"llm-observatory","event_type":"telemetry","schema_version":"1.0.0",'
    b'"severity":"info","environment":"production","tags":{"app":"support-bot"},'
    b'"payload":{"payload_type":"telemetry","data":{"telemetry_type":"latency","model_id":"gpt-4o",'
    b'"request_id":"req-7f3a9c2e41b8","total_latency_ms":2120.712,"ttft_ms":178.829}}}'
)


def describe(event: AnalyticsEvent) -> str:
    """One line about an event, by the class of its payload."""
    match event.payload:
        case LatencyMetrics(model_id=model, total_latency_ms=total, ttft_ms=ttft):
            first = "unknown" if ttft is None else f"{ttft:.0f} ms"
            return f"{model}: {total:.0f} ms in all, first token after {first}"
        case TokenUsageMetrics(total_tokens=tokens):
            return f"{tokens} tokens"
        case ThreatEvent(threat_type=threat, threat_level=level):
            return f"threat {threat} ({level.value})"
        case ApiCostEvent(total_cost_usd=cost):
            return f"API cost ${cost:.2f}"
        case other:
            return f"a {type(other).__name__} payload"


def build() -> AnalyticsEvent:
    return AnalyticsEvent(
        event_id=UUID("0b6b0e6a-3f6e-4f38-9e0c-7d1f6c1a2b3c"),
        timestamp=datetime(2024, 3, 1, 12, 30, tzinfo=UTC),
        source_module=SourceModule.LLM_OBSERVATORY,
        event_type=EventType.TELEMETRY,
        severity=Severity.WARNING,
        environment="staging",
        tags={"app": "support-bot"},
        payload=LatencyMetrics(model_id="gpt-4o-mini", request_id="req-1", total_latency_ms=812.5),
    )


def main() -> int:
    read = AnalyticsEvent.from_json(PRODUCED)
    print("read:", describe(read))
    assert read.to_json() == PRODUCED  # what was read is written back byte for byte

    built = build()
    written = built.to_json()
    print("wrote:", written.decode())
    again = AnalyticsEvent.from_json(written)
    assert again == built, (again, built)
    print("read back:", describe(again))

    planted = dataclasses.replace(
        built, payload=LatencyMetrics(model_id="gpt-4o-mini", request_id="req-1", total_latency_ms=math.nan))
    try:
        planted.to_json()
    except ModelError as error:
        print(f"refused on write: {error.path}: {error.reason}")
    else:
        print("a NaN latency was written", file=sys.stderr)
        return 1
    problems = planted.validate()
    assert [problem.path for problem in problems] == ["/payload/data/total_latency_ms"], problems
    return 0


