"""What every store does: say which version its table follows, create it, write a batch of rows in one
transaction (idempotent on event_id), read rows back in the neutral form, run a query."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import HubError
from ..blocks import Encoding, Rows
from ..layout import Table


class StoreError(HubError):
    """A store that cannot be opened, read or written: one line naming the store and the reason."""


@dataclass(frozen=True)
class Filters:
    """Which events to read: a closed time range (microseconds since the epoch) and variant tags."""

    start: int | None = None
    end: int | None = None
    tags: tuple[tuple[str, str], ...] = ()  # (tag column, value): payload__payload_type = 'telemetry', ...


class Store:
    url: str
    encoding: Encoding
    dialect: str
    batch_rows = 1  # rows gathered (whole blocks) before one write: one transaction per write
    streams = False  # True: blocks go in (append) a few at a time into a transaction that commit ends
    append_rows = 1  # (a store that streams) rows gathered (whole blocks) before one append

    def table_version(self) -> str | None:
        """The schema version the events table follows; None when the store has no events table yet."""
        raise NotImplementedError

    def create(self, table: Table) -> None:
        raise NotImplementedError

    def write(self, table: Table, rows: Rows) -> int:
        """Write one block's rows in one transaction; returns how many were new."""
        raise NotImplementedError

    def append(self, table: Table, rows: Rows) -> int:
        """(A store that streams) insert one block's rows into the open transaction; returns how many were new."""
        raise NotImplementedError

    def commit(self) -> None:
        """(A store that streams) commit the open transaction."""

    def abort(self) -> None:
        """(A store that streams) roll the open transaction back."""

    def read(self, table: Table, filters: Filters) -> Iterator[Sequence[Any]]:
        """Rows in the neutral form, ordered by time, then event_id."""
        raise NotImplementedError

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def transaction(self, statements: Sequence[str]) -> None:
        """Run statements in one transaction (the SQL stores)."""
        raise StoreError(f"{self.url}: runs no SQL statements")

    def close(self) -> None:
        pass


def one_line(exc: BaseException) -> str:
    """A driver's message on one line (its first line holds the reason; the rest is context)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
