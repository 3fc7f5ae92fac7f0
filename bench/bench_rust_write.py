"""The Rust crate's checked write against serde's unchecked one (issue 27: checks on write, cheap enough
for producers).

On the valid 1.0.0 lines of the benchmark's event mix (bench/make_events.py) it builds
tests/rust_harness's `write_bench` (release) and prints events/s of:
  serde_json::to_string   the unchecked write (what `to_json` did before it checked)
  to_json                 the checked write: serialize, read back with the crate's reader, check
  validate                the same check, the text dropped
  from_json               the checked read, for scale
as medians of --repeat rounds in which every measure runs once, and each measure's ratio to the
unchecked write (the median of the per-round ratios).

    .venv/bin/python bench/bench_rust_write.py [--lines 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
TARGET = ROOT / "build" / "rust-target"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    events = DATA / f"events-{args.lines}.ndjson"
    if not events.exists():
        with events.open("wb") as out:
            subprocess.run([sys.executable, str(HERE / "make_events.py"), "--count", str(args.lines), "--seed", "2024",
                            "--version", "1.0.0"], stdout=out, check=True)
    env = {**os.environ, "CARGO_TARGET_DIR": str(TARGET)}
    subprocess.run(["cargo", "build", "--release", "--offline", "-q", "-p", "rust-harness", "--bin", "write_bench"],
                   cwd=ROOT, env=env, check=True)
    with events.open("rb") as stdin:
        done = subprocess.run([str(TARGET / "release" / "write_bench"), str(args.repeat)], stdin=stdin,
                              capture_output=True, check=True)
    result = json.loads(done.stdout)
    base = result["serde_json::to_string"]
    print(f"{result['events']:,} valid 1.0.0 AnalyticsEvent lines of {events.name}; medians of {args.repeat} rounds")
    print(f"{'':26}{'events/s':>12}  {'x unchecked':>11}")
    for name in ("serde_json::to_string", "to_json", "validate", "from_json"):
        rates = result[name]
        ratio = statistics.median(r / b for r, b in zip(rates, base, strict=True))
        print(f"{name:26}{statistics.median(rates):>12,.0f}  {ratio:>10.2f}x")


if __name__ == "__main__":
    main()
