"""PostgreSQL: `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` (libpq's URL; PGPASSWORD and ~/.pgpass
work too). Each block's rows go into the open transaction: the keys already stored are looked up (the
primary key's index), then each table's rows go in with COPY; a commit every batch of blocks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from ..blocks import Rows
from ..ddl import create_statements
from ..layout import EVENTS_TABLE, KEY, VERSION_TABLE, SqlType, Table
from ..types import postgres_type, quote
from .base import Filters, Store, StoreError, one_line
from .seen import KeysToLookUp


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


class PostgresStore(Store):
    encoding = "copy"
    dialect = "postgres"
    # COPY streams: each block is copied in as it comes (append), a transaction holds about 65,536 rows (a
    # commit waits for the write-ahead log to reach the disk: one per block cost a fsync per 6,000 rows)
    streams = True
    batch_rows = 65536

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        import psycopg

        self.url = _redacted(url)
        self._to_look_up = KeysToLookUp()
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        try:
            self.connection = psycopg.connect(url, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: cannot connect: {one_line(exc)}") from None

    def _run(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        try:
            cursor = self.connection.execute(sql, list(parameters) or None)
        except self.errors as exc:
            self._rollback()
            raise StoreError(f"{self.url}: {one_line(exc)}") from None
        return cursor

    def _rollback(self) -> None:
        with contextlib.suppress(*self.errors):
            self.connection.rollback()

    def table_version(self) -> str | None:
        tables = {row[0] for row in self._run(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}
        self.connection.rollback()
        if EVENTS_TABLE not in tables:
            return None
        if VERSION_TABLE not in tables:
            raise StoreError(f"{self.url}: table {EVENTS_TABLE} was not created by llm-hub "
                             f"(no {VERSION_TABLE} table)")
        found = self._run(f"SELECT schema_version FROM {VERSION_TABLE} WHERE table_name = %s",
                          [EVENTS_TABLE]).fetchone()
        self.connection.rollback()
        if found is None:
            raise StoreError(f"{self.url}: {VERSION_TABLE} does not say which version {EVENTS_TABLE} follows")
        return str(found[0])

    def create(self, table: Table) -> None:
        self.transaction(create_statements(table, "postgres"))

    def transaction(self, statements: Sequence[str]) -> None:
        try:
            with self.connection.transaction():
                for statement in statements:
                    self.connection.execute(statement)
        except self.errors as exc:
            raise StoreError(f"{self.url}: {one_line(exc)}") from None

    def write(self, table: Table, rows: Rows) -> int:
        """One transaction: append, commit."""
        new = self.append(table, rows)
        self.commit()
        return new

    def append(self, table: Table, rows: Rows) -> int:
        """Copy one block's rows into the open transaction (psycopg opens one at the first statement): the
        keys already stored (committed, or copied earlier in this transaction) are left out, and a key
        repeated in the block keeps its first row; then each table's rows are copied in."""
        if not rows.count:
            return 0
        data: dict[str, bytes] = rows.data
        try:
            stored = self._stored(table, rows.keys)
            if stored or len(set(rows.keys)) != len(rows.keys):
                data = {name: _without(text, stored) for name, text in data.items()}
            new = data[table.name].count(b"\n")
            with self.connection.cursor() as cursor:
                for part in table.parts:
                    text = data.get(part.name)
                    if not text:
                        continue
                    names = ", ".join(quote(table.columns[p].name) for p in part.columns)
                    with cursor.copy(f"COPY {part.name} ({names}) FROM STDIN") as copy:
                        copy.write(text)
        except self.errors as exc:
            self._rollback()
            raise StoreError(f"{self.url}: cannot write: {one_line(exc)}") from None
        return new

    def _stored(self, table: Table, keys: list[str]) -> set[str]:
        """The keys among `keys` that the table holds (committed, or copied earlier in this transaction):
        all are looked up when the table held rows before this store's first append, else only those its
        filter of written keys has seen (stores/seen.py)."""
        lookup = self._to_look_up.among(keys, self.connection, table.name)
        if not lookup:
            return set()
        return {str(row[0]) for row in self.connection.execute(
            f"SELECT {KEY} FROM {table.name} WHERE {KEY} = ANY(%s::uuid[])", [lookup]).fetchall()}

    def commit(self) -> None:
        try:
            self.connection.commit()
        except self.errors as exc:
            self._rollback()
            raise StoreError(f"{self.url}: cannot write: {one_line(exc)}") from None

    def abort(self) -> None:
        self._rollback()

    def read(self, table: Table, filters: Filters) -> Iterator[Sequence[Any]]:
        columns = ", ".join(select_expression(c.name, c.type) for c in table.columns)
        where, parameters = where_clause(filters)
        try:
            with self.connection.transaction(), self.connection.cursor(name="hub_export") as cursor:
                cursor.itersize = 4096
                cursor.execute(f"SELECT {columns} FROM {table.view}{where} "
                               'ORDER BY "timestamp", timestamp__ns NULLS FIRST, event_id', parameters or None)
                for record in cursor:
                    yield list(record)
        except self.errors as exc:
            raise StoreError(f"{self.url}: {one_line(exc)}") from None

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows = list(self._run(sql, parameters).fetchall())
        self.connection.rollback()
        return rows

    def close(self) -> None:
        self.connection.close()


def _without(text: bytes, stored: set[str]) -> bytes:
    """COPY lines without those whose key (the first column) is stored, and each key's first line only."""
    seen: set[str] = set()
    kept = []
    for line in text.splitlines(keepends=True):
        key = line[:line.index(b"\t") if b"\t" in line else -1].decode()
        if key not in stored and key not in seen:
            kept.append(line)
        seen.add(key)
    return b"".join(kept)


def select_expression(name: str, sql: SqlType) -> str:
    """Columns as the neutral form wants them: uuids as text, instants as microseconds, composite values
    (and arrays of them) as JSON, which the driver reads into dicts."""
    column = quote(name)
    if sql.kind == "uuid":
        return f"{column}::text"
    if sql.kind == "timestamp":
        return f"(extract(epoch FROM {column}) * 1000000)::bigint"
    if sql.kind in ("struct", "list") and postgres_type(sql).startswith("hub_"):
        return f"to_json({column})"
    return column


def where_clause(filters: Filters) -> tuple[str, list[Any]]:
    from .duck import instant

    conditions: list[str] = []
    parameters: list[Any] = []
    if filters.start is not None:
        conditions.append('"timestamp" >= %s')
        parameters.append(instant(filters.start))
    if filters.end is not None:
        conditions.append('"timestamp" <= %s')
        parameters.append(instant(filters.end))
    for column, value in filters.tags:
        conditions.append(f"{quote(column)} = %s")
        parameters.append(value)
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), parameters
