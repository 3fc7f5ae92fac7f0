"""Peak memory of a process tree and the start-up time of `llm-hub validate`, for bench/bench_validate.py."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PeakMemory:
    largest_rss_mb: float  # peak resident memory of the largest process of the tree
    total_pss_mb: float  # peak of the tree's summed PSS (forked workers share pages; RSS would count them twice)
    seconds: float
    exit_code: int
    cpu_seconds: float = 0.0  # user + system CPU of the process and the children it waited for (its workers)


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                for child in handle.read().split():
                    pids.extend(_tree(int(child)))
    except OSError:
        pass  # the process ended between two reads
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; zeros once it has ended."""
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


def peak_memory(command: list[str], interval: float = 0.02) -> PeakMemory:
    """Run `command` (stdout discarded), sampling its process tree every `interval` seconds."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not stop.is_set():
            readings = [_memory_kb(p) for p in _tree(process.pid)]
            peak_rss = max(peak_rss, *(rss for rss, _ in readings))
            peak_pss = max(peak_pss, sum(pss for _, pss in readings))
            time.sleep(interval)

    sampler = threading.Thread(target=sample)
    start = time.perf_counter()
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    return PeakMemory(peak_rss / 1024, peak_pss / 1024, time.perf_counter() - start, process.returncode,
                      usage.ru_utime + usage.ru_stime)


def startup_seconds(command: list[str], runs: int) -> list[float]:
    """Wall time of `command` (a run on a one-line file: start-up and compilation dominate), `runs` times,
    after one untimed run. Bytecode caching stays on, as in an installed package (pip compiles the
    .pyc files on install), even where the environment sets PYTHONDONTWRITEBYTECODE."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False, env=env)
        if run:
            times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return times


def make_copies(source: Path, target: Path, megabytes: int) -> Path:
    """`target`: `source` repeated to about `megabytes` MB (made once; kept under bench/data)."""
    copies = max(1, round(megabytes * 1e6 / source.stat().st_size))
    if not target.exists() or target.stat().st_size != copies * source.stat().st_size:
        content = source.read_bytes()
        with target.open("wb") as out:
            for _ in range(copies):
                out.write(content)
    return target
