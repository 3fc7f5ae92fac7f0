"""`--into URL`: the events of `otel import` and `otel serve` go into the store through the loader of
`llm-hub load` (storage/): the same table (created at the newest version when missing), the same rows
(`blocks.encode_rows`), the same transactions (`Store.write`: one per batch, idempotent on event_id).

`import` gathers whole requests until the store's batch size (`Store.batch_rows`) and writes them in one
transaction; `serve` writes each request's events in one transaction before `write` returns, so the 200
goes out only once the store has committed them. The store holds events only: the metric documents go
to a file beside it (`--metrics-out`, or `metrics-*.ndjson` in `serve --out-dir`), or are counted as not
written.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import TYPE_CHECKING, Protocol

from ..errors import HubError
from ..versions import parse_version
from .sinks import Sink, open_output

if TYPE_CHECKING:  # the storage modules load only when --into is given
    from ..storage.stores.base import Store


class MetricsOut(Protocol):
    """Where metric documents go beside a store (which holds events only)."""

    def write(self, data: bytes, now: float) -> None: ...

    def close(self) -> None: ...


def open_store(url: str, version: str, *, metrics: MetricsOut | None = None, each_write: bool = False) -> Sink:
    """`--into URL`: validated events of `version` into the store that `llm-hub load --into URL` fills."""
    return StoreSink(url, version, metrics=metrics, each_write=each_write)


class StoreSink:
    """Events into a store (DuckDB, PostgreSQL, Parquet); thread-safe (one write at a time)."""

    def __init__(self, url: str, version: str, *, metrics: MetricsOut | None = None, each_write: bool = False) -> None:
        from ..storage.blocks import Target, set_target
        from ..storage.layout import EVENTS_TABLE, events_table
        from ..storage.load import migration_hint, prepare
        from ..storage.stores import open_store
        from ..validation import Validator

        self.url = url
        self.store: Store | None = open_store(url)
        try:
            table_version = prepare(self.store)
            if parse_version(version) > parse_version(table_version):
                raise HubError(f"--schema-version {version}: {EVENTS_TABLE} of {self.store.url} follows "
                               f"{table_version}; migrate it first: "
                               f"{migration_hint(self.store, table_version, version)}, or import with "
                               f"--schema-version {table_version}")
        except BaseException:
            self.store.close()
            raise
        self.shown_url, self.batch_rows = self.store.url, self.store.batch_rows
        self.table = events_table(table_version)
        self.target = Target(table_version, self.store.encoding)
        set_target(self.target)
        self.validator = Validator(schema="AnalyticsEvent", version=version)
        self.metrics = metrics
        self.takes_metrics = metrics is not None
        self.each_write = each_write
        self.new = self.present = 0
        self._waiting: list[bytes] = []
        self._lock = threading.Lock()

    def write(self, events: list[bytes], metrics: list[bytes]) -> None:
        with self._lock:
            if events:
                self._waiting.extend(events)
                if self.each_write or len(self._waiting) >= self.batch_rows:
                    self._flush()
            if metrics and self.metrics is not None:
                self.metrics.write(b"".join(metrics), time.time())

    def _flush(self) -> None:
        from ..storage.blocks import encode_rows

        lines, self._waiting = self._waiting, []
        if not lines:
            return
        rows = encode_rows([(number, line) for number, line in enumerate(lines, start=1)], self.validator,
                           self.target)
        store = self.store if self.store is not None else self._reopen()
        try:
            new = store.write(self.table, rows)  # one transaction; returns once committed
        except HubError:
            # A failed write may leave the connection unusable (a restarted server, a terminated session):
            # drop it, so that the next request opens a fresh one instead of failing until a restart.
            self.store = None
            _close_quietly(store)
            raise
        self.new += new
        self.present += rows.count - new

    def _reopen(self) -> Store:
        """The store again after a failed write: the same URL and table, still at the version we write."""
        from ..storage.load import prepare
        from ..storage.stores import open_store

        store = open_store(self.url)
        try:
            table_version = prepare(store)
            if table_version != self.table.version:
                raise HubError(f"{store.url}: {self.table.name} now follows {table_version}, not "
                               f"{self.table.version}; restart the receiver")
        except BaseException:
            _close_quietly(store)
            raise
        self.store = store
        return store

    def close(self) -> None:
        with self._lock:
            try:
                self._flush()
            finally:
                if self.store is not None:
                    self.store.close()
                if self.metrics is not None:
                    self.metrics.close()

    def stored(self) -> dict[str, object]:
        """For the summary: where the events went and how many were new."""
        return {"into": self.shown_url, "table": self.table.name, "schema_version": self.table.version,
                "new_events": self.new, "already_there": self.present}


def _close_quietly(store: Store) -> None:
    with contextlib.suppress(Exception):  # a connection that already failed: the write reported its error
        store.close()


class MetricsFile:
    """`--metrics-out PATH` beside a store: the metric documents as NDJSON."""

    def __init__(self, location: str) -> None:
        self._handle = open_output(location)

    def write(self, data: bytes, now: float) -> None:
        self._handle.write(data)
        self._handle.flush()

    def close(self) -> None:
        import sys

        if self._handle is not sys.stdout.buffer:
            self._handle.close()
