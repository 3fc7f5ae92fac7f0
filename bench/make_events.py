"""Write a reproducible NDJSON stream of mixed AnalyticsEvents, a given share of them invalid.

Every valid line is one of the schema's AnalyticsEvent examples with fresh ids, timestamps and
numbers; invalid lines carry one realistic producer mistake each.

--version picks what the events declare: 1.0.0 (the examples as they are), 1.1.0 (the same events
converted up by llm_analytics_hub.conversion, which only sets schema_version: every valid 1.0.0 event
is valid under 1.1.0), or interleaved (even lines 1.0.0, odd lines 1.1.0). The random draws do not
depend on it, so with one seed the three streams hold the same events and the same mistakes.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import uuid
from collections.abc import Callable
from typing import Any

import orjson

from llm_analytics_hub.conversion.core import Converter
from llm_analytics_hub.schema_store import load_version

VERSIONS = ("1.0.0", "1.1.0", "interleaved")


def _jitter(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float):
        return round(value * rng.uniform(0.5, 1.5), 3)
    return max(0, int(value * rng.uniform(0.5, 1.5))) if value >= 0 else value


def _vary(event: dict[str, Any], rng: random.Random, index: int) -> dict[str, Any]:
    event = copy.deepcopy(event)
    event["event_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    day, seconds = 1 + index // 86400 % 28, index % 86400
    event["timestamp"] = f"2024-03-{day:02d}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"
    data = event["payload"]["data"]
    for key, value in list(data.items()):
        data[key] = _jitter(value, rng)
    return event


def _break(event: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    data = event["payload"]["data"]
    mistakes: list[Callable[[], object]] = [
        lambda: data.__setitem__("unexpected_field", 1),
        lambda: event.__setitem__("severity", "fatal"),
        lambda: event.__setitem__("timestamp", "2024-03-01 10:00:00"),
        lambda: event.__setitem__("source_module", "llm-costops"),
        lambda: event.pop("environment"),
        lambda: event.__setitem__("event_id", "not-a-uuid"),
    ]
    rng.choice(mistakes)()
    return event


def _declared_version(choice: str, index: int) -> str:
    if choice == "interleaved":
        return "1.1.0" if index % 2 else "1.0.0"
    return choice


def _convert(event: dict[str, Any], converter: Converter) -> dict[str, Any]:
    """The event as the target version declares it; it must stay valid (the invalid share is planted later)."""
    converted = converter.convert(event)
    if converted.errors or not isinstance(converted.document, dict):
        raise SystemExit(f"event {event['event_id']} does not convert to {converter.target}: {converted.errors}")
    return converted.document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--invalid-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--version", choices=VERSIONS, default="1.0.0")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    examples = load_version("1.0.0").lookup("AnalyticsEvent").examples
    converter = Converter("1.1.0")
    out = sys.stdout.buffer
    for index in range(args.count):
        event = _vary(examples[index % len(examples)], rng, index)
        invalid = rng.random() < args.invalid_share
        if _declared_version(args.version, index) == "1.1.0":
            event = _convert(event, converter)
        if invalid:
            event = _break(event, rng)
        out.write(orjson.dumps(event) + b"\n")


if __name__ == "__main__":
    main()
