"""Validation against the parse floor, Ajv and the engines underneath, on three inputs, in one run (issue 10).

Inputs (bench/make_events.py, the same events and the same 1% of producer mistakes in each):
  1.0.0 mix     --lines events of every payload variant, declaring 1.0.0
  1.1.0         the same events converted up to 1.1.0 (valid under 1.1.0; the mistakes stay)
  interleaved   even lines 1.0.0, odd lines 1.1.0
On each it prints events/s (medians of --repeat runs, measures interleaved run by run) of:
  floor              orjson.loads of every line, one core: every ratio "x floor" divides by it
  msgspec            the fast path's compiled msgspec type decoding every line (a typed decoder's ceiling)
  jsonschema-rs      is_valid on the parsed documents (the generated bundle, formats asserted)
  python-jsonschema  is_valid on the first --reference-subset parsed documents (the reference)
  ajv                Ajv 2020 + ajv-formats on the same bundle, JSON.parse + validate, timed in one Node process
  stream             the library's validate_stream over the open file, one process
  is_valid           the library's Validator.is_valid on the parsed documents
  cli, cli-j1        `llm-hub validate --format json` end to end (process start included), default jobs / -j 1
  venv:NAME          the same with the llm-hub of another virtualenv (--venv NAME=DIR, repeatable): how an
                     install validates, e.g. `pip install .` next to the release wheel (make bench-install)
and, once:
  exactness          the CLI's counts and error locations equal python-jsonschema's on every line
  startup            `llm-hub validate` on a one-line file (median of max(5, --repeat) runs)
  rss                (with --rss-mb N) peak memory of the CLI on the interleaved input repeated to ~N MB
A ratio is the median over the runs of one run's rate over the same run's other rate (measured at most
minutes apart, so that a change of the machine's load cancels out), not a ratio of the median rates.
Then a "targets" block: each requirement of issue 10 with its measured ratio, PASS or FAIL.

    .venv/bin/python bench/bench_validate.py [--lines 200000] [--repeat 3] [--rss-mb 500] [--only cli,ajv]
        [--venv 'pip install .=build/bench-venvs/source' --venv 'release wheel=build/bench-venvs/wheel']
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import validate_rates as rates
from process_memory import PeakMemory, make_copies, peak_memory, startup_seconds
from validate_exactness import Expected, compare, reference_verdicts

from llm_analytics_hub.validation import native

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CLI = rates.CLI
LABELS = {  # measure -> its row in the table
    "floor": "orjson.loads, 1 core (the floor)",
    "msgspec": "msgspec typed decoding (fast path's type)",
    "jsonschema-rs": "jsonschema-rs is_valid, parsed documents",
    "python-jsonschema": "python-jsonschema is_valid (subset)",
    "ajv": "Ajv 2020 + ajv-formats, 1 Node process",
    "stream": "library validate_stream, 1 process",
    "is_valid": "library Validator.is_valid, parsed",
    "cli": f"llm-hub validate (default: -j {os.cpu_count()})",
    "cli-j1": "llm-hub validate -j 1",
    "cli-msgspec": "llm-hub validate, no native checker",
}
MEASURES = tuple(LABELS)
ONCE = ("exactness", "startup", "rss")
CLI_OPTIONS = {"cli": (), "cli-j1": ("-j", "1"), "cli-msgspec": ()}
# The CLI rows without the native checker (LLM_HUB_NATIVE=0: the msgspec fast path), to show what it buys.
CLI_ENV = {"cli-msgspec": {"LLM_HUB_NATIVE": "0"}}
VENVS: dict[str, Path] = {}  # venv:NAME -> the llm-hub it runs (--venv)


def add_venv(name: str, folder: Path) -> str:
    """A CLI row for the llm-hub of the virtualenv `folder`; its measure name."""
    measure = f"venv:{name}"
    LABELS[measure] = f"llm-hub validate, {name}"
    CLI_OPTIONS[measure] = ()
    VENVS[measure] = folder / "bin" / "llm-hub"
    return measure


@dataclass
class Input:
    label: str
    version: str  # make_events.py --version
    path: Path
    lines: int

    @property
    def decoder_version(self) -> str:
        """The typed decoder for the input: 1.1.0 decodes 1.0.0 events too (it only adds optional members)."""
        return "1.0.0" if self.version == "1.0.0" else "1.1.0"


@dataclass
class Results:
    rates: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    records: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)  # last CLI run's output
    ajv: dict[str, dict[str, Any]] = field(default_factory=dict)  # last ajv_rate.mjs output per input

    def median(self, label: str, measure: str) -> float | None:
        values = self.rates.get((label, measure))
        return statistics.median(values) if values else None

    def ratio(self, numerator: tuple[str, str], denominator: tuple[str, str]) -> float | None:
        """Median over the runs of (input, measure) `numerator` over `denominator` in the same run: the two
        were measured minutes apart at most, so a change of the machine's load cancels out."""
        above, below = self.rates.get(numerator), self.rates.get(denominator)
        if not above or not below or len(above) != len(below):
            return None
        return statistics.median(a / b for a, b in zip(above, below, strict=True))


def build_stream(path: Path, lines: int, seed: int, version: str = "1.0.0") -> None:
    with path.open("wb") as out:
        subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(lines), "--seed", str(seed),
                        "--version", version], stdout=out, check=True)


def build_inputs(lines: int, seed: int) -> list[Input]:
    DATA.mkdir(exist_ok=True)
    found = []
    for label, version, name in (("1.0.0 mix", "1.0.0", f"events-{lines}.ndjson"),
                                 ("1.1.0", "1.1.0", f"events-1.1.0-{lines}.ndjson"),
                                 ("interleaved", "interleaved", f"events-interleaved-{lines}.ndjson")):
        path = DATA / name if seed == 2024 else DATA / name.replace(".ndjson", f"-{seed}.ndjson")
        if not path.exists():
            build_stream(path, lines, seed, version)
        found.append(Input(label, version, path, lines))
    return found


def venv_native_line(cli: Path) -> str:
    """The native checker's line of `llm-hub --version` of another install."""
    done = subprocess.run([str(cli), "--version"], capture_output=True, text=True, env=rates.installed_env(),
                          check=False)
    return done.stdout.strip().splitlines()[-1] if done.returncode == 0 and done.stdout.strip() else done.stderr.strip()


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: above the core count, the machine was busy with other work."""
    return "/".join(f"{load:.1f}" for load in os.getloadavg())


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def measure(name: str, source: Input, results: Results, subset: int) -> None:
    """One run of one measure on one input, its rate appended to `results`."""
    key = (source.label, name)
    if name in CLI_OPTIONS:
        seconds, results.records[key] = rates.run_cli(source.path, *CLI_OPTIONS[name], env=CLI_ENV.get(name),
                                                      cli=VENVS.get(name, CLI))
        results.rates[key].append(rate(source.lines, seconds))
    elif name == "ajv":
        found = results.ajv[source.label] = rates.run_ajv(source.path)
        results.rates[key].append(rate(found["lines"], found["seconds"]))
        results.rates[(source.label, "node-parse")].append(rate(found["lines"], found["parse_seconds"]))
    else:
        timers = {
            "floor": lambda: rates.time_parse_floor(source.path),
            "msgspec": lambda: rates.time_typed_decoding(source.path, source.decoder_version),
            "jsonschema-rs": lambda: rates.time_jsonschema_rs(source.path),
            "python-jsonschema": lambda: rates.time_python_jsonschema(source.path, subset),
            "stream": lambda: rates.time_validate_stream(source.path),
            "is_valid": lambda: rates.time_library_is_valid(source.path),
        }
        results.rates[key].append(rate(*timers[name]()))


def row_note(name: str, source: Input, results: Results, subset: int) -> str:
    med = results.median

    def times(numerator: str, denominator: str, name: str) -> str:
        value = results.ratio((source.label, numerator), (source.label, denominator))
        return "" if value is None else f"{value:.2f}x {name}"

    notes = {
        "python-jsonschema": f"first {subset:,} lines",
        "msgspec": f"the {source.decoder_version} type",
        "is_valid": times("is_valid", "jsonschema-rs", "jsonschema-rs"),
        "cli": times("cli", "ajv", "Ajv"),
        "cli-j1": times("cli-j1", "ajv", "Ajv"),
        "cli-msgspec": times("cli", "cli-msgspec", "with the native checker"),
    }
    if name == "ajv" and source.label in results.ajv:
        found = results.ajv[source.label]
        return (f"JSON.parse alone {med(source.label, 'node-parse') or 0:,.0f}/s; {found['invalid']:,} invalid; "
                f"compile {found['compile_seconds']:.2f} s")
    return notes.get(name, "")


def print_input(source: Input, results: Results, subset: int, expected: Expected | None) -> None:
    size_mb = source.path.stat().st_size / 1e6
    invalid = "" if expected is None else f", {len(expected):,} invalid per python-jsonschema"
    print(f"\n== {source.label}: {source.path.relative_to(HERE.parent)} ({source.lines:,} lines, {size_mb:.0f} MB"
          f"{invalid}) ==")
    print(f"{'':44s} {'events/s':>10s} {'x floor':>8s}  {'range of the runs':>17s}")
    for name in LABELS:
        values = results.rates.get((source.label, name))
        if not values:
            continue
        med = statistics.median(values)
        times_floor = results.ratio((source.label, name), (source.label, "floor")) or 0.0
        shown = f"{times_floor:.3f}x" if times_floor < 0.1 else f"{times_floor:.2f}x"
        spread = f"{min(values):,.0f}-{max(values):,.0f}"
        print(f"{LABELS[name]:44s} {med:>10,.0f} {shown:>8s}  {spread:>17s}  {row_note(name, source, results, subset)}")


def check_exactness(source: Input, results: Results, expected: Expected) -> list[Target]:
    """The last kept output of each CLI measure on the input against the reference, printed."""
    found = []
    for name in CLI_OPTIONS:
        records = results.records.get((source.label, name))
        if records is not None:
            verdict = compare(records, expected, source.lines)
            exact = verdict.startswith("exact")
            print(f"exactness, {source.label}, {LABELS[name]}: {verdict}")
            found.append(Target(f"exact: {LABELS[name]}, {source.label}", "exact" if exact else "differs", exact))
    return found


@dataclass
class Target:
    requirement: str
    shown: str  # the measured value, e.g. "0.43x" or "0.212 s"
    passed: bool | None  # None: not measured in this run


def _target(requirement: str, value: float | None, threshold: float) -> Target:
    """A ratio target: met when the ratio is at least `threshold`."""
    if value is None:
        return Target(requirement, "not measured", None)
    return Target(requirement, f"{value:.3f}x", value >= threshold)  # 3 decimals: a FAIL never shows as 0.35x


def ratio_targets(inputs: list[Input], results: Results) -> list[Target]:
    """The ratios issue 10 requires, from the runs of this invocation."""
    def of(label: str, numerator: str, denominator: str) -> float | None:
        return results.ratio((label, numerator), (label, denominator))

    found = [_target(f"cli >= 0.70x floor (aim 1.0x), {s.label}", of(s.label, "cli", "floor"), 0.70) for s in inputs]
    found += [_target(f"cli -j 1 >= 0.35x floor, {s.label}", of(s.label, "cli-j1", "floor"), 0.35) for s in inputs]
    found.append(_target("cli on interleaved within 10% of the 1.0.0 mix",
                         results.ratio(("interleaved", "cli"), ("1.0.0 mix", "cli")), 0.90))
    found += [_target(f"cli >= 2x Ajv, {s.label}", of(s.label, "cli", "ajv"), 2.0) for s in inputs]
    found += [_target(f"Validator.is_valid >= 1x jsonschema-rs, {s.label}", of(s.label, "is_valid", "jsonschema-rs"),
                      1.0) for s in inputs]
    # issue 23: every install validates at least at the floor
    found += [_target(f"{LABELS[v].removeprefix('llm-hub validate, ')} >= 1.0x floor, {s.label}",
                      of(s.label, v, "floor"), 1.0) for v in VENVS for s in inputs]
    return found


def print_targets(rows: list[Target]) -> None:
    print("\n== targets (issue 10; ratios as above: medians of the per-run ratios) ==")
    for row in rows:
        verdict = "-" if row.passed is None else "PASS" if row.passed else "FAIL"
        print(f"{row.requirement:62s} {row.shown:>14s}  {verdict}")


def print_memory(label: str, size_mb: float, memory: PeakMemory) -> None:
    print(f"memory, {label} ({size_mb:,.0f} MB): peak RSS {memory.largest_rss_mb:.0f} MB (largest process), "
          f"peak PSS {memory.total_pss_mb:.0f} MB (all processes) ({memory.seconds:.1f} s, exit {memory.exit_code})")


def measure_startup(source: Input, runs: int) -> Target:
    one_line = DATA / "one-line.ndjson"
    with source.path.open("rb") as handle:
        one_line.write_bytes(handle.readline())
    times = startup_seconds([str(CLI), "validate", str(one_line)], runs)
    seconds = statistics.median(times)
    print(f"start-up, llm-hub validate on a one-line file: median {seconds:.3f} s of {len(times)} runs "
          f"({min(times):.3f}-{max(times):.3f} s)")
    return Target("start-up on a one-line file <= 0.30 s", f"{seconds * 1e3:.1f} ms", seconds <= 0.30)


def measure_memory(source: Input, megabytes: int) -> Target:
    """Peak memory of the CLI on the input and on the input repeated to about `megabytes` MB."""
    big = make_copies(source.path, DATA / f"{source.path.stem}-{megabytes}MB.ndjson", megabytes)
    for label, path in ((source.label, source.path), (f"{source.label} repeated", big)):
        memory = peak_memory([str(CLI), "validate", "-q", str(path)])
        print_memory(label, path.stat().st_size / 1e6, memory)
    peak = max(memory.largest_rss_mb, memory.total_pss_mb)
    return Target(f"peak memory < 100 MB on {big.stat().st_size / 1e6:,.0f} MB (largest RSS, summed PSS)",
                  f"{memory.largest_rss_mb:.0f}, {memory.total_pss_mb:.0f} MB", peak < 100)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-subset", type=int, default=2_000)
    parser.add_argument("--rss-mb", type=int, default=0, help="also measure peak memory on an input of about N MB")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--venv", action="append", default=[], metavar="NAME=DIR",
                        help="also time the llm-hub of the virtualenv DIR, in a row named NAME (repeatable)")
    parser.add_argument("--only", default=",".join(MEASURES + ONCE),
                        help=f"comma-separated subset of {','.join(MEASURES + ONCE)} (floor is always measured)")
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(MEASURES + ONCE)
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}")
    for given in args.venv:
        name, _, folder = given.partition("=")
        if not name or not (Path(folder) / "bin" / "llm-hub").is_file():
            parser.error(f"--venv {given}: expected NAME=DIR of a virtualenv with llm-hub installed")
    return args


def main() -> None:
    args = parse_args()
    venvs = {add_venv(name, Path(folder)) for name, _, folder in (v.partition("=") for v in args.venv)}
    selected = set(args.only.split(",")) | {"floor"} | venvs
    inputs = build_inputs(args.lines, args.seed)
    print(f"{os.cpu_count()} cores, load average {load_average()} at the start; "
          f"events/s are medians of {args.repeat} runs (range: slowest-fastest run), "
          "ratios medians of the per-run ratios")
    print("native checker (make native): " + ("built, used by the cli rows" if native.available() else
                                               "NOT BUILT: the cli rows run the msgspec fast path"))
    for row, cli in VENVS.items():
        print(f"{LABELS[row]} ({cli}): " + venv_native_line(cli))
    results = Results()
    for run in range(1, args.repeat + 1):
        for source in inputs:
            print(f"run {run}/{args.repeat}: {source.label}", file=sys.stderr, flush=True)
            for name in (m for m in LABELS if m in selected):
                measure(name, source, results, args.reference_subset)
    check = "exactness" in selected and not CLI_OPTIONS.keys().isdisjoint(selected)
    expected = {s.label: reference_verdicts(s.path, os.cpu_count() or 1) for s in inputs} if check else {}
    for source in inputs:
        print_input(source, results, args.reference_subset, expected.get(source.label))
    print()
    rows = ratio_targets(inputs, results)
    for source in inputs if check else []:
        rows += check_exactness(source, results, expected[source.label])
    if "startup" in selected:
        rows.append(measure_startup(inputs[0], max(5, args.repeat)))
    if "rss" in selected and args.rss_mb:
        rows.append(measure_memory(inputs[-1], args.rss_mb))
    print_targets(rows)
    print(f"(load average {load_average()} at the end: other work on the machine makes the rates noisy)")


if __name__ == "__main__":
    main()
