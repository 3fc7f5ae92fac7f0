"""`llm-hub query`: a TimeSeriesQuery answered by the store's SQL, as a TimeSeriesResult.

The database selects, groups into windows and aggregates (one statement, `--sql` prints it); the fills,
offset and limit, which work on a series' sequence of windows, are applied to its rows in Python
(timeseries.py), the same code for every store. reference.py answers the same query in plain Python
from the exported events; the tests hold the three to the same results.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ..errors import HubError
from .instants import join_instant
from .layout import Column, Table
from .mapping import mapping_for
from .stores import Store
from .stores.duck import instant
from .timeseries import Plan, filled, plan_of, result
from .types import quote


class Dialect:
    """The SQL spellings that differ between DuckDB (also Parquet folders, read by DuckDB) and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.postgres = name == "postgres"

    def parameter(self) -> str:
        return "%s" if self.postgres else "?"

    def micros(self, column: str) -> str:
        if self.postgres:
            return f"(extract(epoch FROM {column}) * 1000000)::bigint"
        return f"epoch_us({column})"

    def month_index(self, column: str) -> str:
        utc = f"({column} AT TIME ZONE 'UTC')"
        if self.postgres:
            return f"((extract(year FROM {utc})::int - 1970) * 12 + extract(month FROM {utc})::int - 1)"
        return f"((year({utc}) - 1970) * 12 + month({utc}) - 1)"

    def map_value(self, column: str, key: str) -> str:
        literal = "'" + key.replace("'", "''") + "'"
        return f"({column} ->> {literal})" if self.postgres else f"{column}[{literal}]"

    def quantile(self, value: str, fraction: float) -> str:
        if self.postgres:
            return f"percentile_cont({fraction!r}) WITHIN GROUP (ORDER BY {value})"
        return f"quantile_cont({value}, {fraction!r})"

    def first(self, value: str, order: str) -> str:
        if self.postgres:
            return f"(array_agg({value} ORDER BY {order}) FILTER (WHERE {value} IS NOT NULL))[1]"
        return f"first({value} ORDER BY {order}) FILTER (WHERE {value} IS NOT NULL)"

    def double(self, value: str) -> str:
        return f"CAST({value} AS DOUBLE PRECISION)" if self.postgres else f"CAST({value} AS DOUBLE)"


class Statement:
    def __init__(self, table: Table, plan: Plan, dialect: Dialect) -> None:
        self.table, self.plan, self.dialect = table, plan, dialect
        self.variant = table.part_of(plan.measurement.variant)
        envelope = table.parts[0]
        self.in_envelope = {table.columns[p].name for p in envelope.columns}
        self.parameters: list[Any] = []

    def column(self, column: Column) -> str:
        return ("e." if column.name in self.in_envelope else "v.") + quote(column.name)

    def tag(self, name: str) -> str:
        column = self.plan.measurement.tags.get(name)
        if column is not None:
            return self.column(column)
        tag_map = self.plan.measurement.tag_map
        assert tag_map is not None
        return self.dialect.map_value(self.column(tag_map), name)

    def bound(self, value: Any) -> str:
        self.parameters.append(value)
        return self.dialect.parameter()

    def where(self) -> str:
        time = 'e."timestamp"'
        conditions = [f"{time} >= {self.bound(instant(self.plan.start))}",
                      f"{time} <= {self.bound(instant(self.plan.end))}"]
        for name, value in self.plan.tag_filters:
            conditions.append(f"{self.tag(name)} = {self.bound(value)}")
        return " AND ".join(conditions)

    def source(self) -> str:
        return f"{self.table.name} e JOIN {self.variant.name} v ON v.event_id = e.event_id"

    def raw(self) -> str:
        tags = [f"{self.tag(name)} AS g{n}" for n, name in enumerate(self.plan.group_by)]
        fields = [f"{self.column(self.plan.measurement.fields[name])} AS f{n}"
                  for n, name in enumerate(self.plan.fields)]
        selected = [f"{self.dialect.micros('e.' + quote('timestamp'))} AS t", "e.timestamp__ns AS ns", *tags, *fields]
        return (f"SELECT {', '.join(selected)}\nFROM {self.source()}\nWHERE {self.where()}\n"
                'ORDER BY t, ns NULLS FIRST, e.event_id')

    def aggregated(self) -> str:
        plan = self.plan
        assert plan.window is not None and plan.function is not None
        time = 'e."timestamp"'
        if plan.window.months:
            index, size = self.dialect.month_index(time), plan.window.size
        else:
            index, size = self.dialect.micros(time), plan.window.size
        bucket = f"({index} - mod(mod({index}, {size}) + {size}, {size}))"  # floor to the window (mod, not %: psycopg)
        tags = [f"{self.tag(name)} AS g{n}" for n, name in enumerate(plan.group_by)]
        values = [f"{self.aggregate(self.column(plan.measurement.fields[name]))} AS f{n}"
                  for n, name in enumerate(plan.fields)]
        groups = ["bucket", *[f"g{n}" for n in range(len(tags))]]
        return (f"SELECT {bucket} AS bucket, {', '.join([*tags, *values])}\nFROM {self.source()}\n"
                f"WHERE {self.where()}\nGROUP BY {', '.join(groups)}\n"
                f"ORDER BY {', '.join([*groups[1:], 'bucket'])}")

    def aggregate(self, value: str) -> str:
        function = self.plan.function
        order = 'e."timestamp", e.timestamp__ns NULLS FIRST, e.event_id'
        match function:
            case "mean":
                return f"avg({self.dialect.double(value)})"
            case "sum" | "min" | "max" | "count":
                return f"{function}({value})"
            case "stddev":
                return f"stddev_samp({self.dialect.double(value)})"
            case "median" | "percentile":
                assert self.plan.quantile is not None
                return self.dialect.quantile(self.dialect.double(value), self.plan.quantile)
            case "first":
                return self.dialect.first(value, order)
            case "last":
                return self.dialect.first(value, 'e."timestamp" DESC, e.timestamp__ns DESC NULLS LAST, '
                                                 "e.event_id DESC")
        raise HubError(f"unknown aggregation function {function!r}")


def convert(value: Any, kind: str) -> Any:
    if kind == "int":
        return int(value)
    if kind == "double":
        return float(value)
    return value


def run_query(store: Store, table: Table, query: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(the TimeSeriesResult, the SQL that ran)."""
    started = time.perf_counter()
    measurement = mapping_for(table).get(query["measurement"])
    plan = plan_of(query, measurement)
    statement = Statement(table, plan, Dialect("postgres" if store.dialect == "postgres" else "duckdb"))
    sql = statement.raw() if plan.function is None else statement.aggregated()
    rows = store.query(sql, statement.parameters)
    series = collect(plan, rows)
    elapsed = int((time.perf_counter() - started) * 1000)
    return result(plan, series, elapsed), sql


def collect(plan: Plan, rows: Sequence[Sequence[Any]]) -> dict[Any, list[tuple[str, dict[str, Any]]]]:
    groups = len(plan.group_by)
    by_series: dict[Any, Any] = {}
    for row in rows:
        key = tuple((name, value) for name, value in zip(plan.group_by, row[2 if plan.function is None else 1:][
            :groups], strict=True) if value is not None)
        fields = row[(2 if plan.function is None else 1) + groups:]
        values = {}
        for name, value in zip(plan.fields, fields, strict=True):
            if value is not None:
                values[name] = convert(value, plan.result_kind(name) if plan.function else plan.field_kind(name))
        if plan.function is None:
            by_series.setdefault(key, []).append((join_instant(int(row[0]), row[1]), values))
        else:
            by_series.setdefault(key, {})[int(row[0])] = values
    if plan.function is None:
        return by_series
    assert plan.window is not None
    window = plan.window
    return {key: [(window.text(bucket), values) for bucket, values in filled(plan, points)]
            for key, points in by_series.items()}
