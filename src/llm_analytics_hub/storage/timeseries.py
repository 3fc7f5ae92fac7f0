"""What a TimeSeriesQuery asks, read once, shared by the SQL engine (query.py) and the plain-Python
reference (reference.py): windows, aggregation, fills, limits, and how points become a TimeSeriesResult.

Semantics (docs/storage.md, "Queries"):
- the measurement is the events of one variant; their time is the event's `timestamp`;
- `time_range` is closed: start <= time <= end;
- `tag_filters` keep the events whose tag equals the value; `group_by` makes one series per combination
  of the named tags' values (a tag without a value is left out of the series' tags);
- without `aggregation`, each event is a point with the `select_fields` (all fields when empty); with
  it, each window is a point with `function` over each of `aggregation.fields` (all numeric fields
  when empty); windows (`30s`, `1m`, `5m`, `1h`, `1d`, `1w`: aligned to the Unix epoch; `1M`: calendar
  months) start at multiples of the window; `mean`, `stddev` (sample), `median` and percentiles
  (linear interpolation between closest ranks) skip missing values, `first`/`last` take the earliest and
  latest event's value (ties broken by event_id), `count` counts the values;
- `fill` (with an aggregation) gives every window from the one holding `start` to the one holding `end`
  a point, and fills a missing value: `"null"` leaves it out, `"zero"` writes 0, `{"value": n}` writes
  n, `"previous"` repeats the last value before it, `"linear"` interpolates between the values around
  it (none before or after: left out);
- `offset` and `limit` apply to the points of each series; `truncated` says a limit cut some.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..errors import HubError
from .export import instant_of
from .instants import EPOCH, join_instant
from .mapping import Measurement

WINDOW = re.compile(r"^([1-9][0-9]*)(s|m|h|d|w|M)$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
NUMERIC = ("double", "int")
FUNCTIONS = ("mean", "sum", "min", "max", "count", "first", "last", "stddev", "median", "percentile")


@dataclass(frozen=True)
class Window:
    size: int  # microseconds, or months for calendar months
    months: bool

    def bucket(self, micros: int) -> int:
        """The window an instant falls in: its start in microseconds, or a month index."""
        if self.months:
            moment = EPOCH + timedelta(microseconds=micros)
            index = (moment.year - 1970) * 12 + moment.month - 1
            return index - index % self.size
        return micros - micros % self.size

    def next(self, bucket: int) -> int:
        return bucket + self.size

    def text(self, bucket: int) -> str:
        if self.months:
            year, month = divmod(bucket, 12)
            return f"{1970 + year:04d}-{month + 1:02d}-01T00:00:00Z"
        return join_instant(bucket, None)


@dataclass(frozen=True)
class Plan:
    """A TimeSeriesQuery, checked against the measurement."""

    measurement: Measurement
    start: int
    end: int
    tag_filters: tuple[tuple[str, str], ...]
    group_by: tuple[str, ...]
    fields: tuple[str, ...]
    function: str | None  # None: raw points
    quantile: float | None  # median and percentiles: the fraction
    window: Window | None
    fill: Any  # None, "null", "previous", "linear", "zero" or {"value": n}
    limit: int | None
    offset: int
    warnings: tuple[str, ...]

    def field_kind(self, name: str) -> str:
        return self.measurement.fields[name].type.kind

    def result_kind(self, name: str) -> str:
        """What an aggregate of a field is: an integer (counts, sums and extremes of integers) or a float."""
        if self.function == "count":
            return "int"
        if self.function in ("sum", "min", "max", "first", "last"):
            return self.field_kind(name)
        return "double"


def plan_of(query: dict[str, Any], measurement: Measurement) -> Plan:
    warnings = []
    start = instant_of(query["time_range"]["start"], "time_range.start")
    end = instant_of(query["time_range"]["end"], "time_range.end")
    assert start is not None and end is not None
    if end < start:
        raise HubError("time_range: end is before start")
    known_tags = measurement.tags
    for tag in [*query.get("tag_filters", {}), *query.get("group_by", [])]:
        if tag not in known_tags and measurement.tag_map is None:
            raise HubError(f"{measurement.name} has no tag {tag!r}; its tags: {', '.join(sorted(known_tags))}")
    aggregation = query.get("aggregation")
    function = quantile = window = None
    if aggregation is None:
        fields = tuple(query.get("select_fields") or measurement.fields)
        if query.get("fill") is not None:
            warnings.append("fill applies to aggregated windows only; without an aggregation it is ignored")
    else:
        function, quantile = _function(aggregation["function"])
        window_text = aggregation["window"]
        window = window_of(window_text)
        fields = tuple(aggregation.get("fields") or [n for n, c in measurement.fields.items()
                                                     if c.type.kind in NUMERIC])
        if query.get("select_fields") and list(query["select_fields"]) != list(fields):
            warnings.append("select_fields is ignored with an aggregation: the aggregation's fields are returned")
    for name in fields:
        column = measurement.fields.get(name)
        if column is None:
            raise HubError(f"{measurement.name} has no field {name!r}; its fields: "
                           f"{', '.join(sorted(measurement.fields))}")
        if function not in (None, "count", "first", "last") and column.type.kind not in NUMERIC:
            raise HubError(f"{function} of {name!r}: the field is {column.type.kind}, not a number")
    fill = query.get("fill") if aggregation is not None else None
    if fill is not None and window is not None:
        windows = _window_count(window, start, end)
        if windows > 100_000:
            raise HubError(f"fill over {windows} windows of {window_text}: at most 100000")
    return Plan(measurement, start, end, tuple(sorted(query.get("tag_filters", {}).items())),
                tuple(query.get("group_by", [])), fields, function, quantile, window, fill, query.get("limit"),
                int(query.get("offset") or 0), tuple(warnings))


def _function(value: Any) -> tuple[str, float | None]:
    if isinstance(value, dict):
        rank = value["percentile"]
        if rank > 100:
            raise HubError(f"percentile {rank}: a percentile is 0 to 100")
        return "percentile", rank / 100
    if value == "median":
        return "median", 0.5
    return str(value), None


def window_of(text: str) -> Window:
    match = WINDOW.match(text)
    if match is None:
        raise HubError(f"window {text!r}: expected a count and a unit, e.g. 1m, 5m, 15m, 1h, 6h, 1d, 1w, 1M")
    count, unit = int(match.group(1)), match.group(2)
    if unit == "M":
        return Window(count, True)
    return Window(count * UNIT_SECONDS[unit] * 1_000_000, False)


def _window_count(window: Window, start: int, end: int) -> int:
    if window.months:
        return (window.bucket(end) - window.bucket(start)) // window.size + 1
    return (end - start) // window.size + 2


def windows(plan: Plan) -> list[int]:
    assert plan.window is not None
    found, bucket, last = [], plan.window.bucket(plan.start), plan.window.bucket(plan.end)
    while bucket <= last:
        found.append(bucket)
        bucket = plan.window.next(bucket)
    return found


def filled(plan: Plan, points: dict[int, dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """A series' windows with their values (bucket -> {field: value}), filled as the query says."""
    if plan.fill is None:
        return sorted(points.items())
    every = windows(plan)
    out: list[tuple[int, dict[str, Any]]] = [(bucket, dict(points.get(bucket, {}))) for bucket in every]
    for name in plan.fields:
        known = [(i, values[name]) for i, (_, values) in enumerate(out) if name in values]
        if plan.fill == "zero":
            value: Any = 0 if plan.result_kind(name) == "int" else 0.0
            for _, values in out:
                values.setdefault(name, value)
        elif isinstance(plan.fill, dict):
            for _, values in out:
                values.setdefault(name, plan.fill["value"])
        elif plan.fill == "previous":
            last = None
            for _, values in out:
                if name in values:
                    last = values[name]
                elif last is not None:
                    values[name] = last
        elif plan.fill == "linear":
            for (i, a), (j, b) in itertools.pairwise(known):
                for k in range(i + 1, j):
                    out[k][1][name] = float(a) + (float(b) - float(a)) * (k - i) / (j - i)
    return out


def result(plan: Plan, series: dict[tuple[tuple[str, str], ...], list[tuple[str, dict[str, Any]]]],
           elapsed_ms: int) -> dict[str, Any]:
    """The TimeSeriesResult: series ordered by their tags, each cut by offset and limit."""
    out, points, truncated = [], 0, False
    for tags, rows in sorted(series.items()):
        chosen = rows[plan.offset:]
        if plan.limit is not None:
            truncated = truncated or len(chosen) > plan.limit
            chosen = chosen[:plan.limit]
        points += len(chosen)
        out.append({"tags": dict(tags), "points": [{"timestamp": stamp, "values": values} for stamp, values in chosen]})
    return {"measurement": plan.measurement.name, "series": out,
            "metadata": {"execution_time_ms": elapsed_ms, "point_count": points, "series_count": len(out),
                         "truncated": truncated, "warnings": list(plan.warnings)}}
