"""bench/bench_write_checks.py still runs: its Go and Java programs build against the generated packages
and measure every row, on a handful of lines (the benchmark had once stopped running unnoticed when the
Go module moved). The Java package is the session's build (java_build.session_build), the Go build
cache is build/go-cache, so this costs the link of one Go program, one javac and two short runs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
ROWS = {"unchecked", "checked", "read_unchecked", "read_checked"}


def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_write_checks", ROOT / "bench" / "bench_write_checks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_write_checks_benchmark_runs_and_measures_every_row(tmp_path: Path) -> None:
    bench = bench_module()
    # The programs also assert that each checked write equals the unchecked text of the same value.
    rows = bench.measure(bench.event_lines(24), 1, tmp_path)
    assert set(rows) == {"Go", "Java"}
    for language, rates in rows.items():
        assert set(rates) == ROWS, language
        assert all(rate > 0 for rate in rates.values()), (language, rates)
