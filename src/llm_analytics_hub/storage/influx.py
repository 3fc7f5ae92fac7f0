"""Stored events as InfluxDB line protocol (`llm-hub export --format influx`): one point per event of a
mapped measurement (schemas/timeseries-mapping), with its tags and fields and the event's time in
nanoseconds:

    llm_latency,environment=production,model_id=gpt-4o latency_ms=1842.6,ttft_ms=312.4 1705314600412000000

Measurement names escape commas and spaces; tag keys, tag values and field keys escape commas, equals
signs and spaces; string fields are double-quoted with `"` and `\\` escaped; integers carry `i` (`u` past
the signed 64-bit range); a tag without a value is left out, as is a point without any field value.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from .export import documents
from .instants import split_instant
from .layout import Table
from .mapping import Measurement, mapping_for
from .reference import value_at, variant_of
from .stores import Filters, Store

I64_MAX = 2**63 - 1


def escape_measurement(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(" ", "\\ ").replace("\n", "\\n")


def escape_key(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")
            .replace("\n", "\\n"))


def field_value(value: Any, kind: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "int":
        return f"{value}u" if value > I64_MAX else f"{value}i"
    if kind == "double":
        return repr(float(value))
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def line_of(document: dict[str, Any], measurement: Measurement) -> str | None:
    tags = {}
    for name, column in measurement.tags.items():
        value = value_at(document, column)
        if value not in (None, ""):
            tags[name] = str(value)
    if measurement.tag_map is not None:
        for name, value in (value_at(document, measurement.tag_map) or {}).items():
            if name not in tags and value != "":
                tags[name] = value
    fields = []
    for name, column in measurement.fields.items():
        value = value_at(document, column)
        if value is not None:
            fields.append(f"{escape_key(name)}={field_value(value, column.type.kind)}")
    if not fields:
        return None
    micros, nanos, _ = split_instant(document["timestamp"])
    head = escape_measurement(measurement.name) + "".join(
        f",{escape_key(name)}={escape_key(tags[name])}" for name in sorted(tags))
    return f"{head} {','.join(fields)} {micros * 1000 + (nanos or 0)}"


def export_influx(store: Store, table: Table, filters: Filters, out: BinaryIO) -> int:
    by_variant = {m.variant: m for m in mapping_for(table).measurements.values()}
    count = 0
    for document in documents(store, table, filters):
        measurement = by_variant.get(variant_of(document))
        if measurement is None:
            continue
        line = line_of(document, measurement)
        if line is not None:
            out.write(line.encode("utf-8") + b"\n")
            count += 1
    return count
