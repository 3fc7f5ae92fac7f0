"""Load and dump rates of the generated dataclasses against the parse floor and pydantic v2, in one run.

On the valid lines of the benchmark's event mix (bench/make_events.py) it prints events/s of:
  parse floor      orjson.loads alone (one core)
  from_json        AnalyticsEvent.from_json(line)   (target: >= 0.3x the floor)
  from_dict        AnalyticsEvent.from_dict(parsed)  (target: >= 0.15x the floor)
  to_dict/to_json  writing the loaded objects back
  pydantic         model_validate_json / model_dump_json of pydantic v2 models that
                   datamodel-code-generator builds from the same bundles: the generated package
                   `llm_analytics_hub.pydantic` when it is installed, else built here from the bundle
with each rate's ratio to the floor, as medians of --repeat runs. Every object is checked to
round-trip to its input first, so a fast but wrong model cannot win.

    .venv/bin/python bench/bench_models.py [--lines 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from llm_analytics_hub.models.v1_0_0 import events

HERE = Path(__file__).resolve().parent
BUNDLE = HERE.parent / "generated" / "jsonschema" / "1.0.0" / "events" / "AnalyticsEvent.json"


def event_lines(count: int) -> list[bytes]:
    made = subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(count), "--invalid-share",
                           "0"], capture_output=True, check=True)
    return made.stdout.splitlines()


def pydantic_model() -> tuple[Any, str]:
    """The pydantic AnalyticsEvent model and where it came from."""
    try:
        module = importlib.import_module("llm_analytics_hub.pydantic.v1_0_0.events")
        return module.AnalyticsEvent, "llm_analytics_hub.pydantic (generated package)"
    except ImportError:
        pass
    folder = Path(tempfile.mkdtemp(prefix="bench-pydantic-"))
    subprocess.run([sys.executable, "-m", "datamodel_code_generator", "--input", str(BUNDLE), "--input-file-type",
                    "jsonschema", "--output", str(folder / "bench_pydantic_events"), "--output-model-type",
                    "pydantic_v2.BaseModel", "--class-name", "AnalyticsEvent"], check=True, capture_output=True)
    sys.path.insert(0, str(folder))
    module = importlib.import_module("bench_pydantic_events")
    return module.AnalyticsEvent, ("datamodel-code-generator on the canonical bundle, built here (it cannot read "
                                   "if/then, so its payloads are less checked than ours)")


def median_rate(run: Callable[[], int], repeat: int) -> float:
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        count = run()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines = event_lines(args.lines)
    parsed = [orjson.loads(line) for line in lines]
    loaded = [events.AnalyticsEvent.from_json(line) for line in lines]
    assert all(obj.to_dict() == doc for obj, doc in zip(loaded, parsed, strict=True)), "round trip broken"
    model, origin = pydantic_model()
    validated = [model.model_validate_json(line) for line in lines]

    def count(function: Callable[[Any], Any], items: list[Any]) -> Callable[[], int]:
        def run() -> int:
            for item in items:
                function(item)
            return len(items)
        return run

    rows = [
        ("parse floor (orjson.loads)", count(orjson.loads, lines)),
        ("dataclasses from_json", count(events.AnalyticsEvent.from_json, lines)),
        ("dataclasses from_dict", count(events.AnalyticsEvent.from_dict, parsed)),
        ("dataclasses to_dict", count(events.AnalyticsEvent.to_dict, loaded)),
        ("dataclasses to_json", count(events.AnalyticsEvent.to_json, loaded)),
        ("pydantic model_validate_json", count(model.model_validate_json, lines)),
        ("pydantic model_dump_json", count(lambda m: m.model_dump_json(by_alias=True, exclude_unset=True),
                                           validated)),
    ]
    floor = None
    print(f"{len(lines)} valid AnalyticsEvent lines (the benchmark mix); medians of {args.repeat} runs")
    print(f"pydantic models: {origin}")
    for name, run in rows:
        value = median_rate(run, args.repeat)
        floor = floor or value
        print(f"{name:<32} {value:>12,.0f} events/s  {value / floor:6.2f}x floor")


if __name__ == "__main__":
    main()
