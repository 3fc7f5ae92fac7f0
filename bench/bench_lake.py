"""The 200,000-line mix through the CLI, Dask and Spark on the same two cores, in one run.

The stream of bench/make_events.py is cut into 8 part files (a lake partition); every engine
validates the same parts:
  cli                  `llm-hub validate -q PARTS` end to end (worker processes, one per core)
  dask                 llm_analytics_hub.dask.validate on a LocalCluster of 2 worker processes
  spark files          llm_analytics_hub.spark.validate_files on SparkSession local[2]
  spark read.text      validate_dataframe(spark.read.text(PARTS)) on the same session
  spark UDF baseline   python-jsonschema in a row-at-a-time Spark UDF, on a subset
Rates are events/s as medians of --repeat warm runs (cluster and session start-up are shown apart:
a one-off cost). Each engine's counts must equal the CLI's. Worker memory is the peak resident
memory of each worker process during a run, on the parts and on the parts twice over.

    .venv/bin/python bench/bench_lake.py [--lines 200000] [--repeat 3] [--udf-subset 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_validate import CLI, DATA, build_stream

PARTS = 8


def split(stream: Path, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    lines = stream.read_bytes().splitlines(keepends=True)
    size = -(-len(lines) // PARTS)
    paths = []
    for index in range(PARTS):
        path = folder / f"part-{index:05d}.ndjson"
        path.write_bytes(b"".join(lines[index * size:(index + 1) * size]))
        paths.append(str(path))
    return paths


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for row in handle:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def spark_python_workers() -> list[int]:
    """Python worker processes of a local Spark (forked by pyspark.daemon)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if b"pyspark.daemon" in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


@contextmanager
def peak_memory(pids: Callable[[], list[int]]) -> Iterator[dict[str, float]]:
    """Samples the resident memory of the worker processes every 20 ms; yields {"peak": MB of the largest}."""
    result = {"peak": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            result["peak"] = max([result["peak"], *(rss_mb(p) for p in pids())])
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = run()
    return time.perf_counter() - start, value


def run_cli(paths: list[str]) -> dict[str, Any]:
    done = subprocess.run([str(CLI), "validate", "-q", "--format", "json", *paths], capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"llm-hub validate failed: {done.stderr.decode()[:500]}")
    summary: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])["summary"]
    return summary


def counts(documents: int, valid: int, invalid: int) -> dict[str, int]:
    return {"documents": documents, "valid": valid, "invalid": invalid}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--udf-subset", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    stream = DATA / f"events-{args.lines}.ndjson"
    if not stream.exists():
        build_stream(stream, args.lines, args.seed)
    paths = split(stream, DATA / f"lake-{args.lines}")
    print(f"input: {PARTS} parts of {stream.name} ({args.lines:,} lines, {stream.stat().st_size / 1e6:.0f} MB), "
          f"{len(os.sched_getaffinity(0))} cores, median of {args.repeat} warm runs")
    rates: dict[str, list[float]] = {}
    memory: dict[str, str] = {}

    def record(name: str, seconds: float, documents: int) -> None:
        rates.setdefault(name, []).append(documents / seconds)

    expected = run_cli(paths)
    for _ in range(args.repeat):
        seconds, summary = timed(lambda: run_cli(paths))
        assert summary == expected, summary
        record("cli", seconds, summary["documents"])

    from distributed import Client, LocalCluster

    from llm_analytics_hub.dask import validate as dask_validate

    start_up, cluster = timed(lambda: LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                    dashboard_address=None, silence_logs=40))
    client = Client(cluster)
    workers = list(client.run(os.getpid).values())
    dask_validate(paths[:1], client)  # warm: each worker compiles its validators once
    print(f"(dask LocalCluster start-up {start_up:.1f} s, once)")
    for _ in range(args.repeat):
        with peak_memory(lambda: workers) as peak:
            seconds, result = timed(lambda: dask_validate(paths, client))
        assert counts(result.tally.documents, result.tally.valid, result.tally.invalid) == expected
        record("dask", seconds, result.tally.documents)
    with peak_memory(lambda: workers) as double:
        dask_validate(paths * 2, client)
    memory["dask"] = f"peak worker RSS {peak['peak']:.0f} MB on the parts, {double['peak']:.0f} MB on them twice over"
    client.close()
    cluster.close()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from llm_analytics_hub.spark import summarize, validate_dataframe, validate_files

    start_up, spark = timed(lambda: SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                            .config("spark.ui.showConsoleProgress", "false").config("spark.log.level", "ERROR")
                            .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    print(f"(SparkSession local[2] start-up {start_up:.1f} s, once)")
    summarize(validate_files(spark, paths[:1]))  # warm the Python workers

    def spark_files() -> Any:
        return summarize(validate_files(spark, paths))

    def spark_text() -> Any:
        return summarize(validate_dataframe(spark.read.option("lineSep", "\n").text(paths)))

    for name, run in (("spark files", spark_files), ("spark read.text", spark_text)):
        for _ in range(args.repeat):
            with peak_memory(spark_python_workers) as peak:
                seconds, tally = timed(run)
            assert counts(tally.documents, tally.valid, tally.invalid) == expected, tally.as_dict()
            record(name, seconds, tally.documents)
        memory[name] = f"peak Python worker RSS {peak['peak']:.0f} MB"

    subset = spark.read.text(paths[0]).limit(args.udf_subset).cache()
    subset.count()
    reference = F.udf(_reference_is_valid, "boolean")
    for _ in range(args.repeat):
        seconds, _ = timed(lambda: subset.select(reference("value").alias("ok")).groupBy("ok").count().collect())
        record("spark UDF baseline", seconds, args.udf_subset)
    spark.stop()

    cli_rate = statistics.median(rates["cli"])
    labels = {"cli": "llm-hub validate (CLI, -j 2)", "dask": "Dask, 2 local workers",
              "spark files": "Spark local[2], validate_files", "spark read.text": "Spark local[2], read.text",
              "spark UDF baseline": "python-jsonschema row-at-a-time UDF"}
    for name, label in labels.items():
        rate = statistics.median(rates[name])
        note = f"   ({args.udf_subset:,}-line subset)" if name == "spark UDF baseline" else ""
        print(f"{label:38s} {rate:>10,.0f} events/s   {rate / cli_rate:6.3f}x CLI{note}")
    for name, text in memory.items():
        print(f"memory, {name}: {text}")
    print(f"exactness: every engine counted {expected}")


_REFERENCE: Any = None


def _reference_is_valid(text: str) -> bool:
    """What users write today: parse and python-jsonschema, one row at a time (validator built once per worker)."""
    global _REFERENCE
    if _REFERENCE is None:
        from llm_analytics_hub.schema_store import load_version

        schemas = load_version("1.0.0")
        _REFERENCE = schemas.reference_validator(schemas.lookup("AnalyticsEvent"))
    try:
        return bool(_REFERENCE.is_valid(json.loads(text)))
    except ValueError:
        return False


if __name__ == "__main__":
    main()
