"""A TimeSeriesQuery answered in plain Python over events (documents, as `llm-hub export` gives them),
for the tests to hold the SQL engine to. Only the reading of the query and the shape of the result are
shared with query.py (timeseries.plan_of, timeseries.result); selecting, grouping, windows, every
aggregation function and every fill are written out here again, without SQL."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

from ..pointer import split
from .instants import join_instant, split_instant
from .layout import Column
from .mapping import Mapping
from .timeseries import Plan, plan_of, result


def reference_query(documents: Iterable[dict[str, Any]], mapping: Mapping, query: dict[str, Any]) -> dict[str, Any]:
    measurement = mapping.get(query["measurement"])
    plan = plan_of(query, measurement)
    events = []
    for document in documents:
        if variant_of(document) != measurement.variant:
            continue
        micros, nanos, _ = split_instant(document["timestamp"])
        if not plan.start <= micros <= plan.end:
            continue
        if all(_tag(document, plan, name) == value for name, value in plan.tag_filters):
            events.append(((micros, nanos or 0, document["event_id"].lower()), document))
    events.sort(key=lambda item: item[0])
    series: dict[Any, list[Any]] = {}
    for order, document in events:
        key = tuple((name, value) for name in plan.group_by if (value := _tag(document, plan, name)) is not None)
        series.setdefault(key, []).append((order, document))
    answer = {key: (_raw(plan, members) if plan.function is None else _windows(plan, members))
              for key, members in series.items()}
    return result(plan, answer, 0)


def variant_of(document: dict[str, Any]) -> str:
    payload = document["payload"]
    data = payload["data"]
    inner = f"{payload['payload_type']}_type"
    kind = str(payload["payload_type"])
    return kind + (f"/{data[inner]}" if isinstance(data, dict) and inner in data else "")


def value_at(document: dict[str, Any], column: Column) -> Any:
    """The member a column holds, read from the document by its pointer (a data-carrying enum's value:
    its key, `other` of `{"other": "..."}`, as its text column holds it)."""
    value: Any = document
    for token in split(column.pointer):
        if not isinstance(value, dict) or token not in value:
            return None
        value = value[token]
    if column.type.kind == "text" and isinstance(value, dict) and len(value) == 1:
        return next(iter(value))
    return value


def _tag(document: dict[str, Any], plan: Plan, name: str) -> Any:
    column = plan.measurement.tags.get(name)
    if column is not None:
        return value_at(document, column)
    assert plan.measurement.tag_map is not None
    return (value_at(document, plan.measurement.tag_map) or {}).get(name)


def _fields(document: dict[str, Any], plan: Plan) -> dict[str, Any]:
    found = {}
    for name in plan.fields:
        value = value_at(document, plan.measurement.fields[name])
        if value is not None:
            found[name] = float(value) if plan.field_kind(name) == "double" else value
    return found


def _raw(plan: Plan, members: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(join_instant(order[0], order[1] or None), _fields(document, plan)) for order, document in members]


def _windows(plan: Plan, members: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    assert plan.window is not None
    buckets: dict[int, list[dict[str, Any]]] = {}
    for order, document in members:
        buckets.setdefault(plan.window.bucket(order[0]), []).append(_fields(document, plan))
    computed = {}
    for bucket, rows in buckets.items():
        values = {}
        for name in plan.fields:
            present = [row[name] for row in rows if name in row]
            value = _aggregate(plan, present)
            if value is not None:
                values[name] = value
        computed[bucket] = values
    if plan.fill is None:
        return [(plan.window.text(b), computed[b]) for b in sorted(computed)]
    every = []
    bucket, last = plan.window.bucket(plan.start), plan.window.bucket(plan.end)
    while bucket <= last:
        every.append(bucket)
        bucket = plan.window.next(bucket)
    out = []
    for position, bucket in enumerate(every):
        values = dict(computed.get(bucket, {}))
        for name in plan.fields:
            if name not in values:
                filled = _fill(plan, name, every, computed, position)
                if filled is not None:
                    values[name] = filled
        out.append((plan.window.text(bucket), values))
    return out


def _fill(plan: Plan, name: str, every: list[int], computed: dict[int, dict[str, Any]], position: int) -> Any:
    if plan.fill == "zero":
        return 0 if plan.result_kind(name) == "int" else 0.0
    if isinstance(plan.fill, dict):
        return plan.fill["value"]
    before = [(i, computed[b][name]) for i, b in enumerate(every[:position]) if name in computed.get(b, {})]
    if plan.fill == "previous":
        return before[-1][1] if before else None
    if plan.fill == "linear":
        after = [(i, computed[b][name]) for i, b in enumerate(every) if i > position and name in computed.get(b, {})]
        if before and after:
            (i, a), (j, b) = before[-1], after[0]
            return float(a) + (float(b) - float(a)) * (position - i) / (j - i)
    return None


def _aggregate(plan: Plan, values: list[Any]) -> Any:
    function = plan.function
    if function == "count":
        return len(values)
    if not values:
        return None
    if function == "first":
        return values[0]
    if function == "last":
        return values[-1]
    if function == "sum":
        return sum(values) if all(isinstance(v, int) for v in values) else math.fsum(values)
    if function == "min":
        return min(values)
    if function == "max":
        return max(values)
    numbers = [float(v) for v in values]
    if function == "mean":
        return math.fsum(numbers) / len(numbers)
    if function == "stddev":
        return statistics.stdev(numbers) if len(numbers) > 1 else None
    assert plan.quantile is not None
    ordered = sorted(numbers)
    rank = plan.quantile * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
