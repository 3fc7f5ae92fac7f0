"""The two table layouts of docs/storage.md, measured on the same events: one wide table (every column of
every variant) against the envelope plus one table per variant (what `llm-hub load` creates).

    python bench/storage_layout.py --lines 100000

Loads the events with `llm-hub load` (the split layout), then builds the wide table from the wide view,
and prints, for DuckDB and PostgreSQL: the share of NULL cells in the wide table, the storage size of
each layout, the time to fill each from the same rows, and three queries on each: one measurement
(mean latency per model in 5-minute windows), the envelope alone (counts by type and severity), and
whole events (every column of every row, what export reads). Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_storage import Server, hub, make_events

from llm_analytics_hub.storage.layout import events_table
from llm_analytics_hub.storage.types import quote

QUERIES = {
    "one measurement": (
        "SELECT {bucket} AS b, {model}, avg({latency}) FROM {source} {where} GROUP BY 1, 2"),
    "envelope only": "SELECT payload__payload_type, severity, count(*) FROM {envelope} GROUP BY 1, 2",
    "whole events": "SELECT count(*), {checksum} FROM {everything}",
}


def median_time(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(dialect: str, execute: Callable[[str], Any], size_of: Callable[[list[str]], float],
            repeat: int) -> None:
    table = events_table(events_table("1.1.0").version)
    names = [c.name for c in table.columns]
    cells = " + ".join(f"(CASE WHEN {quote(n)} IS NULL THEN 1 ELSE 0 END)" for n in names)
    total, nulls = execute(f"SELECT count(*), sum({cells}) FROM wide")[0]
    print(f"{dialect}: {total:,} events, {len(names)} columns: {int(nulls) / (int(total) * len(names)):.1%} of the "
          "wide table's cells are NULL")
    split_names = [p.name for p in table.parts]
    print(f"  size: wide {size_of(['wide']):.1f} MB, envelope + variant tables {size_of(split_names):.1f} MB")
    fill_wide = median_time(lambda: (execute("DROP TABLE IF EXISTS wide_copy"),
                                     execute("CREATE TABLE wide_copy AS SELECT * FROM wide")), repeat)

    def fill_split() -> None:
        for part in table.parts:
            execute(f"DROP TABLE IF EXISTS copy_{part.name}")
            execute(f"CREATE TABLE copy_{part.name} AS SELECT * FROM {part.name}")

    print(f"  fill from the same rows: wide {fill_wide:.2f} s, split {median_time(fill_split, repeat):.2f} s")
    micros = "epoch_us(e.\"timestamp\")" if dialect == "duckdb" else \
        "(extract(epoch FROM e.\"timestamp\") * 1000000)::bigint"
    bucket = f"({micros} - mod({micros}, 300000000))"
    latency = table.part_of("telemetry/latency").name
    shapes = {
        "wide": {"source": "wide e", "where": "WHERE e.telemetry__telemetry_type = 'latency'", "envelope": "wide",
                 "everything": "wide", "model": "e.latency__model_id", "latency": "e.latency__total_latency_ms"},
        "split": {"source": f"{table.name} e JOIN {latency} v ON v.event_id = e.event_id", "where": "",
                  "envelope": table.name, "everything": table.view, "model": "v.latency__model_id",
                  "latency": "v.latency__total_latency_ms"},
    }
    checksum = "count(latency__total_latency_ms) + count(threat__threat_id) + count(custom__custom_type)"
    for label, template in QUERIES.items():
        seconds = {shape: median_time(lambda s=values, t=template: execute(t.format(
            bucket=bucket, checksum=checksum, **s)), repeat) for shape, values in shapes.items()}
        print(f"  {label:<16} wide {seconds['wide'] * 1000:8.1f} ms   split {seconds['split'] * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-layout-"))
    server = Server()
    try:
        events = work / "events.ndjson"
        make_events(events, args.lines, 2024)
        database = work / "hub.duckdb"
        postgres = server.fresh()
        for url in (f"duckdb:///{database}", postgres):
            subprocess.run(hub("load", str(events), "--into", url, "-q"), check=False, capture_output=True)
        import duckdb

        connection = duckdb.connect(str(database))
        connection.execute("SET threads = 2")
        connection.execute("CREATE TABLE wide AS SELECT * FROM analytics_events_wide")

        split_bytes = database.stat().st_size
        connection.execute(f"ATTACH '{work / 'wide.duckdb'}' AS only_wide")
        connection.execute("CREATE TABLE only_wide.wide AS SELECT * FROM analytics_events_wide")
        connection.execute("DETACH only_wide")
        wide_bytes = (work / "wide.duckdb").stat().st_size

        def duck_size(tables: list[str]) -> float:  # the files: one with the wide table, one as loaded
            return (wide_bytes if tables == ["wide"] else split_bytes) / 1e6

        measure("duckdb", lambda sql: connection.execute(sql).fetchall(), duck_size, args.repeat)
        connection.close()
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as pg:
            pg.execute("CREATE TABLE wide AS SELECT * FROM analytics_events_wide")
            pg.execute("VACUUM ANALYZE")

            def pg_size(tables: list[str]) -> float:
                listed = ", ".join(f"'{t}'" for t in tables)
                return float(pg.execute(f"SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relname IN "
                                        f"({listed})").fetchone()[0]) / 1e6

            def run(sql: str) -> Any:
                return pg.execute(sql).fetchall() if sql.lstrip().upper().startswith("SELECT") else pg.execute(sql)

            measure("postgres", run, pg_size, args.repeat)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
