"""Throughput of `llm-hub validate` against the parse floor and python-jsonschema, in one run.

Builds a 200,000-line NDJSON stream of mixed AnalyticsEvents (1% invalid, each with one known
producer mistake) and prints events/s of:
  parse floor   orjson.loads alone over the same lines
  reference     python-jsonschema Draft202012Validator with format assertion (on a subset)
  library       llm_analytics_hub.Validator over the lines (parse + validate, one process)
  cli           `llm-hub validate --format json` end to end, process start included
with ratios, as medians of --repeat runs. It also checks that the CLI's counts are exact and that
its error locations equal the reference's on every invalid line. --rss-mb N also streams an
input of about N MB through the CLI and reports the peak resident memory of its processes.

    .venv/bin/python bench/bench_validate.py [--lines 200000] [--repeat 3] [--rss-mb 500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson

from llm_analytics_hub.pointer import join as pointer
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation import Validator, validate_stream

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CLI = Path(sys.executable).with_name("llm-hub")


def build_stream(path: Path, lines: int, seed: int) -> None:
    with path.open("wb") as out:
        subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(lines), "--seed", str(seed)],
                       stdout=out, check=True)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def time_parse_floor(path: Path) -> tuple[int, float]:
    count = 0
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
            count += 1
    return count, time.perf_counter() - start


def time_library(path: Path) -> tuple[int, float]:
    """validate_stream over the open file: the library's streaming API, one process."""
    validator = Validator()
    count = 0
    start = time.perf_counter()
    with path.open("rb") as handle:
        for _result in validate_stream(handle, validator):
            count += 1
    return count, time.perf_counter() - start


def time_reference(path: Path, subset: int) -> tuple[int, float]:
    schemas = load_version("1.0.0")
    reference = schemas.reference_validator(schemas.lookup("AnalyticsEvent"))
    with path.open("rb") as handle:
        documents = [orjson.loads(next(handle)) for _ in range(subset)]
    start = time.perf_counter()
    for document in documents:
        reference.is_valid(document)
    return subset, time.perf_counter() - start


def run_cli(path: Path) -> tuple[float, list[dict[str, object]]]:
    start = time.perf_counter()
    done = subprocess.run([str(CLI), "validate", "--format", "json", str(path)], capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"llm-hub validate failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return elapsed, [orjson.loads(line) for line in done.stdout.splitlines()]


def check_exactness(path: Path, records: list[dict[str, object]]) -> str:
    """Counts equal the file's; every invalid line's error locations equal the reference's."""
    schemas = load_version("1.0.0")
    reference = schemas.reference_validator(schemas.lookup("AnalyticsEvent"))
    expected_invalid: dict[int, set[str]] = {}
    total = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            total += 1
            document = orjson.loads(line)
            if not reference.is_valid(document):
                expected_invalid[number] = {pointer(e.absolute_path) for e in reference.iter_errors(document)}
    summary = records[-1]["summary"]
    assert isinstance(summary, dict)
    got = {int(r["line"]): {str(e["instance_path"]) for e in r["errors"]} for r in records[:-1]}  # type: ignore[union-attr, call-overload]
    problems = []
    if summary["documents"] != total or summary["invalid"] != len(expected_invalid):
        problems.append(f"counts {summary} != documents {total}, invalid {len(expected_invalid)}")
    if got.keys() != expected_invalid.keys():
        problems.append(f"{len(got.keys() ^ expected_invalid.keys())} lines differ in verdict")
    mismatched = [n for n in got.keys() & expected_invalid.keys() if got[n] != expected_invalid[n]]
    if mismatched:
        problems.append(f"{len(mismatched)} lines report other error locations, e.g. line {mismatched[0]}")
    return "; ".join(problems) or f"exact ({total} documents, {len(expected_invalid)} invalid, locations equal)"


def peak_memory_mb(path: Path) -> tuple[float, float, float, int]:
    """Run the CLI on `path`, sampling its process tree every 20 ms: peak RSS of the largest process,
    peak of the tree's summed PSS (forked workers share pages; RSS would count them once per process),
    seconds, exit code."""
    process = subprocess.Popen([str(CLI), "validate", "-q", str(path)], stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    stop = threading.Event()

    def tree(pid: int) -> list[int]:
        pids = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    for child in handle.read().split():
                        pids.extend(tree(int(child)))
        except OSError:
            pass
        return pids

    def memory_kb(pid: int) -> tuple[int, int]:
        rss = pss = 0
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for row in handle:
                    if row.startswith("Rss:"):
                        rss = int(row.split()[1])
                    elif row.startswith("Pss:"):
                        pss = int(row.split()[1])
        except OSError:
            pass
        return rss, pss

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not stop.is_set():
            readings = [memory_kb(p) for p in tree(process.pid)]
            peak_rss = max(peak_rss, *(rss for rss, _ in readings))
            peak_pss = max(peak_pss, sum(pss for _, pss in readings))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    start = time.perf_counter()
    sampler.start()
    process.wait()
    stop.set()
    sampler.join()
    return peak_rss / 1024, peak_pss / 1024, time.perf_counter() - start, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-subset", type=int, default=2_000)
    parser.add_argument("--rss-mb", type=int, default=0, help="also measure peak RSS on an input of about N MB")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    stream = DATA / f"events-{args.lines}.ndjson"
    if not stream.exists():
        build_stream(stream, args.lines, args.seed)
    size_mb = stream.stat().st_size / 1e6
    print(f"input: {stream.relative_to(HERE.parent)} ({args.lines:,} lines, {size_mb:.0f} MB), "
          f"{os.cpu_count()} cores, median of {args.repeat} runs")

    floor, library, cli, reference = [], [], [], []
    records: list[dict[str, object]] = []
    for _ in range(args.repeat):
        floor.append(rate(*time_parse_floor(stream)))
        library.append(rate(*time_library(stream)))
        elapsed, records = run_cli(stream)
        cli.append(rate(args.lines, elapsed))
        reference.append(rate(*time_reference(stream, args.reference_subset)))
    med = {name: statistics.median(values) for name, values in
           [("floor", floor), ("reference", reference), ("library", library), ("cli", cli)]}
    print(f"{'parse floor (orjson.loads)':34s} {med['floor']:>10,.0f} events/s   1.00x floor")
    print(f"{'python-jsonschema (reference)':34s} {med['reference']:>10,.0f} events/s   "
          f"{med['reference'] / med['floor']:.3f}x floor")
    for name, label in (("library", "library validate_stream (1 process)"), ("cli", "llm-hub validate end to end")):
        print(f"{label:34s} {med[name]:>10,.0f} events/s   {med[name] / med['floor']:.2f}x floor   "
              f"{med[name] / med['reference']:.0f}x python-jsonschema")
    print(f"exactness: {check_exactness(stream, records)}")

    if args.rss_mb:
        copies = max(1, round(args.rss_mb / size_mb))
        big = DATA / f"events-{copies}x{args.lines}.ndjson"
        if not big.exists():
            with big.open("wb") as out:
                for _ in range(copies):
                    out.write(stream.read_bytes())
        for path in (stream, big):
            rss, pss, seconds, code = peak_memory_mb(path)
            print(f"memory streaming {path.stat().st_size / 1e6:>5,.0f} MB: peak RSS {rss:.0f} MB (largest process), "
                  f"peak PSS {pss:.0f} MB (all processes) ({seconds:.1f} s, exit {code})")


if __name__ == "__main__":
    main()
