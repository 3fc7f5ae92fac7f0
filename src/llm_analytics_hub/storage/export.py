"""`llm-hub export`: events back out of a store, as NDJSON in the producers' form (or, in
storage/influx.py, as InfluxDB line protocol)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from ..errors import HubError
from .instants import split_instant
from .layout import EVENTS_TABLE, Table, events_table, variant_tags
from .rows import assembler
from .stores import Filters, Store


def stored_table(store: Store) -> Table:
    version = store.table_version()
    if version is None:
        raise HubError(f"{store.url}: no events stored here (no {EVENTS_TABLE} table)")
    return events_table(version)


def filters_for(table: Table, start: str | None, end: str | None, kind: str | None) -> Filters:
    """--start/--end (RFC 3339, inclusive) and --type (`telemetry`, `telemetry/latency`, `custom`)."""
    return Filters(instant_of(start, "--start"), instant_of(end, "--end"), variant_tags(table, kind))


def instant_of(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    from ..text_checks import is_producer_date_time

    if not is_producer_date_time(text) and not _rfc3339(text):
        raise HubError(f"{option} {text!r}: not an RFC 3339 date-time (e.g. 2024-01-15T10:00:00Z)")
    return split_instant(text)[0]


def _rfc3339(text: str) -> bool:
    from ..formats import format_checker

    return bool(format_checker().conforms(text, "date-time"))




def export_ndjson(store: Store, filters: Filters, out: BinaryIO, table: Table | None = None) -> int:
    table = table or stored_table(store)
    count = 0
    for document in documents(store, table, filters):
        out.write(orjson.dumps(document) + b"\n")
        count += 1
    return count


def documents(store: Store, table: Table, filters: Filters) -> Iterator[dict[str, Any]]:
    assemble = assembler(table)
    for row in store.read(table, filters):
        yield assemble(row)
