"""Load and dump rates of the generated dataclasses against the parse floor and pydantic v2, in one run.

On the valid lines of the benchmark's event mix (bench/make_events.py) it prints events/s of:
  parse floor      orjson.loads alone (one core)
  from_json        AnalyticsEvent.from_json(line)   (target: >= 0.3x the floor)
  from_dict        AnalyticsEvent.from_dict(parsed)  (target: >= 0.15x the floor)
  to_dict/to_json  writing the loaded objects back (checked: a value from_dict/from_json would refuse is a
                   ModelError), and once more without the checks, to show what they cost (target: <= 30 %)
beside the same four operations of pydantic v2 models that datamodel-code-generator builds from the
same bundles (model_validate_json, model_validate, model_dump(mode="json"), model_dump_json): the
generated package `llm_analytics_hub.pydantic` when it is installed, else built here from the bundle.
Each rate is printed with its ratio to the floor and ours to pydantic's, as medians of --repeat
rounds in which every row runs once (interleaved, so load on a shared machine hits all rows alike),
timed in CPU seconds of this process (time.process_time), so that time slices taken by other jobs
on a shared machine do not count.
Every object is checked to round-trip to its input first, so a fast but wrong model cannot win.

    .venv/bin/python bench/bench_models.py [--lines 20000] [--repeat 5]
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


def interleaved_rates(rows: list[tuple[str, Callable[[], int]]], repeat: int) -> dict[str, float]:
    """Median events/s of each row; the rows take turns in every round, so a load change on the shared
    machine hits them all alike instead of whichever row happened to run at that moment."""
    rates: dict[str, list[float]] = {name: [] for name, _ in rows}
    for _ in range(repeat):
        for name, run in rows:
            start = time.process_time()  # CPU time of this process: other jobs' time slices do not count
            count = run()
            rates[name].append(count / (time.process_time() - start))
    return {name: statistics.median(values) for name, values in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lines = event_lines(args.lines)
    parsed = [orjson.loads(line) for line in lines]
    loaded = [events.AnalyticsEvent.from_json(line) for line in lines]
    assert all(obj.to_dict() == doc for obj, doc in zip(loaded, parsed, strict=True)), "round trip broken"
    assert all(events.AnalyticsEvent.from_dict(doc) == obj for obj, doc in zip(loaded, parsed, strict=True))
    model, origin = pydantic_model()
    validated = [model.model_validate_json(line) for line in lines]

    def count(function: Callable[[Any], Any], items: list[Any]) -> Callable[[], int]:
        def run() -> int:
            for item in items:
                function(item)
            return len(items)
        return run

    ours = events.AnalyticsEvent
    table = [  # (operation, ours, pydantic's)
        ("from_json", count(ours.from_json, lines), count(model.model_validate_json, lines)),
        ("from_dict", count(ours.from_dict, parsed), count(model.model_validate, parsed)),
        ("to_dict", count(ours.to_dict, loaded),
         count(lambda m: m.model_dump(mode="json", by_alias=True, exclude_unset=True), validated)),
        ("to_json", count(ours.to_json, loaded),
         count(lambda m: m.model_dump_json(by_alias=True, exclude_unset=True), validated)),
    ]
    ours._hub.unchecked_dump(loaded[0])  # compiled on first call: take the compiled function after it
    unchecked = ours._hub.unchecked_dump  # the same dumpers without the checks on write (runtime/writing.py)
    assert all(unchecked(obj) == obj.to_dict() for obj in loaded)
    rows = [("floor", count(orjson.loads, lines))]
    rows += [(f"ours {name}", mine) for name, mine, _ in table]
    rows += [(f"pydantic {name}", theirs) for name, _, theirs in table]
    rows += [("unchecked to_dict", count(unchecked, loaded)),
             ("unchecked to_json", count(lambda obj: orjson.dumps(unchecked(obj)), loaded))]
    rates = interleaved_rates(rows, args.repeat)
    floor = rates["floor"]
    print(f"{len(lines)} valid AnalyticsEvent lines (the benchmark mix); medians of {args.repeat} interleaved runs")
    print(f"pydantic models: {origin}")
    print(f"parse floor (orjson.loads): {floor:,.0f} events/s")
    print(f"{'operation':<11} {'dataclasses':>14} {'vs floor':>9} {'pydantic v2':>14} {'vs floor':>9} "
          f"{'ours/pydantic':>14}")
    for name, _, _ in table:
        mine, theirs = rates[f"ours {name}"], rates[f"pydantic {name}"]
        print(f"{name:<11} {mine:>10,.0f} e/s {mine / floor:>8.2f}x {theirs:>10,.0f} e/s {theirs / floor:>8.2f}x "
              f"{mine / theirs:>13.2f}x")
    for name in ("to_dict", "to_json"):
        checked, plain = rates[f"ours {name}"], rates[f"unchecked {name}"]
        print(f"{name} without the checks on write: {plain:,.0f} e/s; the checks cost "
              f"{(plain / checked - 1) * 100:.0f} % of its time")
    print("targets: from_json >= 0.30x the floor, from_dict >= 0.15x, checks on write <= 30 % of to_json")


if __name__ == "__main__":
    main()
