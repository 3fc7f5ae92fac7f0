"""Write a reproducible NDJSON stream of mixed AnalyticsEvents, a given share of them invalid.

Every valid line is one of the schema's AnalyticsEvent examples with fresh ids, timestamps and
numbers; invalid lines carry one realistic producer mistake each.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import uuid
from typing import Any

import orjson

from llm_analytics_hub.schema_store import load_version


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
    mistakes = [
        lambda: data.__setitem__("unexpected_field", 1),
        lambda: event.__setitem__("severity", "fatal"),
        lambda: event.__setitem__("timestamp", "2024-03-01 10:00:00"),
        lambda: event.__setitem__("source_module", "llm-costops"),
        lambda: event.pop("environment"),
        lambda: event.__setitem__("event_id", "not-a-uuid"),
    ]
    rng.choice(mistakes)()
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--invalid-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    examples = load_version("1.0.0").lookup("AnalyticsEvent").examples
    out = sys.stdout.buffer
    for index in range(args.count):
        event = _vary(examples[index % len(examples)], rng, index)
        if rng.random() < args.invalid_share:
            event = _break(event, rng)
        out.write(orjson.dumps(event) + b"\n")


if __name__ == "__main__":
    main()
