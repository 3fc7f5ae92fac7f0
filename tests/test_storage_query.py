"""TimeSeriesQuery answered by every store: every aggregation function, windows from 1m to 1d, tag
filters, group by, each fill strategy, limit and offset; DuckDB, PostgreSQL, a Parquet folder and the
plain-Python reference (storage/reference.py) give the same results, and every result validates as a
TimeSeriesResult. Also the InfluxDB line protocol export."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_runner import Hub
from postgres_server import Postgres

from llm_analytics_hub.storage.export import documents
from llm_analytics_hub.storage.influx import escape_key, escape_measurement, field_value
from llm_analytics_hub.storage.instants import join_instant, split_instant
from llm_analytics_hub.storage.layout import events_table
from llm_analytics_hub.storage.mapping import mapping_for
from llm_analytics_hub.storage.query import run_query
from llm_analytics_hub.storage.reference import reference_query
from llm_analytics_hub.storage.stores import Filters, open_store
from llm_analytics_hub.validation.validator import Validator

REPO = Path(__file__).resolve().parents[1]
START = 1709251200 * 1_000_000  # 2024-03-01T00:00:00Z
WINDOWS = ("1m", "5m", "15m", "1h", "6h", "1d")
FUNCTIONS: tuple[Any, ...] = ("mean", "sum", "min", "max", "count", "first", "last", "stddev", "median",
                              {"percentile": 95}, {"percentile": 99})
FILLS: tuple[Any, ...] = ("null", "previous", "linear", "zero", {"value": -1})


def dataset(path: Path) -> Path:
    """2,000 generated events spread over three days (a gap of five hours on the second, some nanosecond
    and offset timestamps, some ttft_ms left out), 1.0.0 and 1.1.0 interleaved."""
    raw = subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--count", "2000", "--version",
                          "interleaved", "--invalid-share", "0", "--seed", "11"],
                         capture_output=True, check=True).stdout.decode().splitlines()
    lines = []
    for index, line in enumerate(raw):
        event = json.loads(line)
        micros = START + index * 131_000_000 + (index % 7) * 1_000
        if 30 <= (micros - START) // 3_600_000_000 < 35:
            continue
        stamp = join_instant(micros, 789 if index % 5 == 0 else None)
        if index % 11 == 0:
            stamp = stamp.replace("Z", "+00:00")
        event["timestamp"] = stamp
        data = event["payload"]["data"]
        if data.get("telemetry_type") == "latency" and index % 3 == 0:
            data.pop("ttft_ms", None)
        lines.append(json.dumps(event))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, postgres: Postgres) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("query")
    events = dataset(folder / "events.ndjson")
    urls = {"duckdb": f"duckdb:///{folder / 'hub.duckdb'}", "parquet": f"parquet://{folder / 'lake'}",
            "postgres": postgres.fresh_database()}
    hub = Hub()
    for url in urls.values():
        loaded = hub("load", events, "--into", url, "-q")
        assert loaded.returncode == 0, loaded.stderr
    yield urls


@pytest.fixture(scope="module")
def opened(stores: dict[str, str]) -> Iterator[dict[str, Any]]:
    found = {kind: open_store(url, read_only=True) for kind, url in stores.items()}  # others may read too
    yield found
    for store in found.values():
        store.close()


@pytest.fixture(scope="module")
def events(opened: dict[str, Any]) -> list[dict[str, Any]]:
    return list(documents(opened["postgres"], events_table("1.1.0"), Filters()))


def answers(opened: dict[str, Any], events: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Any]:
    found = {}
    table = events_table("1.1.0")
    for kind, store in opened.items():
        found[kind] = run_query(store, table, query)[0]
    found["reference"] = reference_query(events, mapping_for(table), query)
    return found


def same(one: Any, two: Any) -> bool:
    if isinstance(one, float) or isinstance(two, float):
        return (isinstance(one, (int, float)) and isinstance(two, (int, float))
                and math.isclose(one, two, rel_tol=1e-9, abs_tol=1e-9))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(same(one[k], two[k]) for k in one)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(same(a, b) for a, b in zip(one, two, strict=True))
    return bool(one == two) and type(one) is type(two)


def check_agreement(opened: dict[str, Any], events: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Any]:
    found = answers(opened, events, query)
    validator = Validator("TimeSeriesResult")
    for kind, answer in found.items():
        assert not validator.check(answer), (kind, validator.check(answer))
        answer["metadata"]["execution_time_ms"] = 0
    expected = found["reference"]
    for kind, answer in found.items():
        assert same(answer, expected), f"{kind} differs from the reference for {json.dumps(query)}:\n" \
                                       f"{json.dumps(answer)[:1500]}\n{json.dumps(expected)[:1500]}"
    return expected


def query(**members: Any) -> dict[str, Any]:
    return {"measurement": "llm_latency",
            "time_range": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-03T23:59:59Z"}, **members}


@pytest.mark.parametrize("window", WINDOWS)
def test_every_function_over_every_window(opened: dict[str, Any], events: list[dict[str, Any]], window: str) -> None:
    for function in FUNCTIONS:
        answer = check_agreement(opened, events, query(aggregation={
            "function": function, "window": window, "fields": ["latency_ms", "ttft_ms"]}))
        assert answer["series"] and answer["metadata"]["point_count"] > 0


@pytest.mark.parametrize("fill", FILLS)
def test_every_fill(opened: dict[str, Any], events: list[dict[str, Any]], fill: Any) -> None:
    answer = check_agreement(opened, events, query(aggregation={"function": "mean", "window": "1h",
                                                                "fields": ["latency_ms", "ttft_ms"]},
                                                   fill=fill, group_by=["model_id"]))
    points = answer["series"][0]["points"]
    assert len(points) == 72  # every hour of the three days, the five empty ones included
    empty = [p for p in points if p["timestamp"].startswith("2024-03-02T0") and p["timestamp"][11:13] in
             ("06", "07", "08", "09")]
    assert len(empty) == 4
    if fill == "null":
        assert all(p["values"] == {} for p in empty)
    else:
        assert all("latency_ms" in p["values"] for p in empty)


def test_tag_filters_group_by_limit_and_offset(opened: dict[str, Any], events: list[dict[str, Any]]) -> None:
    grouped = check_agreement(opened, events, query(
        measurement="llm_token_usage", aggregation={"function": "sum", "window": "6h", "fields": []},
        group_by=["environment", "model_id"], tag_filters={"source_module": "llm-observatory"}, limit=3, offset=1))
    assert grouped["metadata"]["truncated"] and len(grouped["series"]) >= 1
    assert all(len(series["points"]) <= 3 for series in grouped["series"])
    assert all(isinstance(v, int) for s in grouped["series"] for p in s["points"] for v in p["values"].values())
    by_region = check_agreement(opened, events, query(
        aggregation={"function": "count", "window": "1d", "fields": ["latency_ms"]}, group_by=["region"],
        tag_filters={"environment": "production"}))
    assert {s["tags"].get("region") for s in by_region["series"]} >= {"us-east-1"}
    raw = check_agreement(opened, events, query(select_fields=["latency_ms", "ttft_ms"], tag_filters={
        "model_id": "gpt-4o"}, limit=50, offset=10))
    assert len(raw["series"][0]["points"]) == 50
    months = check_agreement(opened, events, query(aggregation={"function": "max", "window": "1M", "fields": []}))
    assert months["series"][0]["points"][0]["timestamp"] == "2024-03-01T00:00:00Z"
    nothing = check_agreement(opened, events, query(tag_filters={"model_id": "no-such-model"}))
    assert nothing["series"] == []


def test_the_command_prints_a_valid_result_and_its_sql(stores: dict[str, str], hub: Hub, tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps(query(aggregation={"function": {"percentile": 95}, "window": "15m", "fields": [
        "latency_ms"]}, group_by=["region"], fill="previous", limit=5)))
    for url in stores.values():
        result = hub("query", path, "--from", url, "--sql")
        assert result.returncode == 0, result.stderr
        assert not Validator("TimeSeriesResult").check(json.loads(result.stdout))
        assert "SELECT" in result.stderr and "GROUP BY" in result.stderr
    table = hub("query", path, "--from", stores["duckdb"], "--format", "table")
    assert "latency_ms" in table.stdout and "llm_latency: " in table.stdout
    path.write_text(json.dumps({"measurement": "llm_latency"}))
    invalid = hub("query", path, "--from", stores["duckdb"])
    assert invalid.returncode == 1 and "time_range" in invalid.stderr
    path.write_text(json.dumps(query(measurement="nope")))
    unknown = hub("query", path, "--from", stores["duckdb"])
    assert unknown.returncode == 2 and "unknown measurement 'nope'" in unknown.stderr


def test_influx_line_protocol(stores: dict[str, str], hub: Hub, events: list[dict[str, Any]]) -> None:
    exported = hub("export", "--from", stores["postgres"], "--format", "influx", "--type", "telemetry/latency")
    assert exported.returncode == 0, exported.stderr
    lines = exported.stdout.splitlines()
    latency = [e for e in events if e["payload"]["data"].get("telemetry_type") == "latency"]
    assert len(lines) == len(latency)
    for line, event in zip(lines, latency, strict=True):
        head, fields, stamp = line.rsplit(" ", 2) if "\\ " not in line else _split(line)
        micros, nanos, _ = split_instant(event["timestamp"])
        assert int(stamp) == micros * 1000 + (nanos or 0)
        assert head.startswith("llm_latency,") and f"model_id={event['payload']['data']['model_id']}" in head
        assert f"latency_ms={event['payload']['data']['total_latency_ms']!r}" in fields
    assert escape_measurement("a b,c") == "a\\ b\\,c"
    assert escape_key("k=v, w") == "k\\=v\\,\\ w"
    assert field_value(5, "int") == "5i" and field_value(2**64 - 1, "int") == "18446744073709551615u"
    assert field_value('say "hi" \\o/', "text") == '"say \\"hi\\" \\\\o/"'
    assert field_value(True, "bool") == "true" and field_value(1.5, "double") == "1.5"
    every = hub("export", "--from", stores["duckdb"], "--format", "influx").stdout.splitlines()
    assert {line.split(",", 1)[0] for line in every} == set(mapping_for(events_table("1.1.0")).measurements)
    assert list(itertools.islice(every, 1))


def _split(line: str) -> tuple[str, str, str]:
    parts, current, escaped = [], "", False
    for char in line:
        if char == " " and not escaped:
            parts.append(current)
            current = ""
            continue
        escaped = char == "\\" and not escaped
        current += char
    parts.append(current)
    return parts[0], " ".join(parts[1:-1]), parts[-1]
