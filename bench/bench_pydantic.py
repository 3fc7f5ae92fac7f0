"""Read rate of the pydantic models beside the validator and the dataclasses, on the same lines.

Builds a reproducible NDJSON stream of mixed AnalyticsEvents (bench/make_events.py, 1% invalid) and
prints events/s and the ratio to the parse floor, as medians of --repeat runs, one process, one core:
  parse floor        orjson.loads alone
  pydantic           llm_analytics_hub.pydantic.v1_0_0.events.AnalyticsEvent.model_validate_json(line)
  validator          llm_analytics_hub.Validator: validate_stream over the file (parse + validate)
  dataclasses        the generated dataclasses: from_json(line) when the models have it, else
                     from_dict(orjson.loads(line)); skipped with a note when neither exists
It also counts the lines each one accepts: pydantic and the validator must agree on every line.

    .venv/bin/python bench/bench_pydantic.py [--lines 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from llm_analytics_hub.pydantic.v1_0_0.events import AnalyticsEvent
from pydantic import ValidationError

from llm_analytics_hub.validation import Validator, validate_stream

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def build_stream(path: Path, lines: int, seed: int) -> None:
    with path.open("wb") as out:
        subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(lines), "--seed", str(seed)],
                       stdout=out, check=True)


def parse_floor(lines: list[bytes]) -> int:
    for line in lines:
        orjson.loads(line)
    return len(lines)


def pydantic_models(lines: list[bytes]) -> int:
    accepted = 0
    for line in lines:
        try:
            AnalyticsEvent.model_validate_json(line)
        except ValidationError:
            continue
        accepted += 1
    return accepted


def make_validator(path: Path) -> Callable[[list[bytes]], int]:
    validator = Validator("AnalyticsEvent", "1.0.0")

    def validate(_lines: list[bytes]) -> int:
        with path.open("rb") as handle:
            return sum(1 for result in validate_stream(handle, validator) if result.valid)

    return validate


def make_dataclasses() -> tuple[Callable[[list[bytes]], int] | None, str]:
    """The generated dataclasses' reader, whichever of from_json / from_dict the current models have."""
    try:
        events = importlib.import_module("llm_analytics_hub.models.v1_0_0.events")
    except ImportError as exc:
        return None, f"dataclasses not importable ({exc})"
    cls: Any = events.AnalyticsEvent
    if hasattr(cls, "from_json"):
        reader: Callable[[bytes], Any] = cls.from_json
        label = "from_json(line)"
    elif hasattr(cls, "from_dict"):
        def reader(line: bytes) -> Any:
            return cls.from_dict(orjson.loads(line))
        label = "from_dict(orjson.loads(line))"
    else:
        return None, "dataclasses have neither from_json nor from_dict"

    def read(lines: list[bytes]) -> int:
        accepted = 0
        for line in lines:
            try:
                reader(line)
            except Exception:  # the dataclasses' own error types differ between generations
                continue
            accepted += 1
        return accepted

    return read, label


def timed(run: Callable[[list[bytes]], int], lines: list[bytes], repeat: int) -> tuple[float, int]:
    seconds = []
    accepted = 0
    for _ in range(repeat):
        start = time.perf_counter()
        accepted = run(lines)
        seconds.append(time.perf_counter() - start)
    return len(lines) / statistics.median(seconds), accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"events-{args.lines}-{args.seed}.ndjson"
    if not path.exists():
        build_stream(path, args.lines, args.seed)
    lines = path.read_bytes().splitlines()

    runs: list[tuple[str, Callable[[list[bytes]], int]]] = [
        ("parse floor (orjson.loads)", parse_floor),
        ("pydantic model_validate_json", pydantic_models),
        ("validator (validate_stream)", make_validator(path)),
    ]
    dataclasses, label = make_dataclasses()
    if dataclasses is not None:
        runs.append((f"dataclasses {label}", dataclasses))
    results = {name: timed(run, lines, args.repeat) for name, run in runs}
    floor = results["parse floor (orjson.loads)"][0]
    print(f"{len(lines)} lines of {path.name}, median of {args.repeat} runs, one process")
    for name, (events_per_second, accepted) in results.items():
        print(f"  {name:44s} {events_per_second:>12,.0f} events/s  {events_per_second / floor:5.2f}x floor"
              f"  accepted {accepted}")
    if dataclasses is None:
        print(f"  dataclasses: not measured, {label}")
    pydantic_ok = results["pydantic model_validate_json"][1]
    validator_ok = results["validator (validate_stream)"][1]
    print("verdicts: " + ("pydantic and the validator accept the same number of lines" if pydantic_ok == validator_ok
                          else f"DIFFER: pydantic accepts {pydantic_ok}, the validator {validator_ok}"))


if __name__ == "__main__":
    main()
