"""DuckDB, the embedded default: `duckdb:///hub.duckdb` (a file; four slashes for an absolute path).

A batch arrives as an Arrow record batch and goes in with one `INSERT OR IGNORE ... SELECT` in one
transaction; `event_id` is the primary key, so a document loaded twice is kept once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from ..blocks import Rows
from ..ddl import create_statements
from ..instants import EPOCH
from ..layout import EVENTS_TABLE, KEY, VERSION_TABLE, SqlType, Table
from ..types import quote
from .base import Filters, Store, StoreError, one_line
from .seen import KeysToLookUp


def _connect(path: Path | None, *, read_only: bool) -> Any:
    import duckdb

    try:
        return duckdb.connect(":memory:" if path is None else str(path), read_only=read_only and path is not None)
    except duckdb.Error as exc:
        hint = ""
        if path is not None and not path.is_absolute() and not path.parent.is_dir():
            # duckdb:///tmp/x.duckdb is tmp/x.duckdb in the current folder (as SQLAlchemy reads it)
            hint = f"; duckdb:///{path} is relative to the current folder, duckdb:////{path} is /{path}"
        raise StoreError(f"duckdb:///{path}: cannot open: {one_line(exc)}{hint}") from None


LOAD_MEMORY_LIMIT = "128MB"


class DuckDBStore(Store):
    encoding = "arrow"
    dialect = "duckdb"
    # DuckDB writes an append of a whole row group (122,880 rows) straight into the file, a smaller one through
    # its write-ahead log first: transactions of 131,072 rows cost a third of the CPU (docs/storage.md).
    batch_rows = 131072
    streams = True  # blocks are appended into the open transaction as they come (append, commit)
    append_rows = 65536  # per append: one INSERT per table for a few blocks (each costs 1.6 ms whatever its size)

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.url = f"duckdb:///{path}" if path is not None else "duckdb://"
        if read_only and path is not None and not path.is_file():
            raise StoreError(f"{self.url}: no such database file")
        self.connection = _connect(path, read_only=read_only)
        import duckdb

        self.errors: tuple[type[BaseException], ...] = (duckdb.Error,)
        self._open = False  # a load's transaction is open (append ... commit)
        self._loading_settings = False  # the load's settings are in force (DuckDB's defaults otherwise)
        self._to_look_up = KeysToLookUp()

    def _run(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        try:
            return self.connection.execute(sql, list(parameters))
        except self.errors as exc:
            raise StoreError(f"{self.url}: {one_line(exc)}") from None

    def table_version(self) -> str | None:
        tables = {row[0] for row in self._run("SELECT table_name FROM information_schema.tables").fetchall()}
        if EVENTS_TABLE not in tables:
            return None
        if VERSION_TABLE not in tables:
            raise StoreError(f"{self.url}: table {EVENTS_TABLE} was not created by llm-hub (no {VERSION_TABLE} table)")
        found = self._run(f"SELECT schema_version FROM {VERSION_TABLE} WHERE table_name = ?", [EVENTS_TABLE]).fetchone()
        if found is None:
            raise StoreError(f"{self.url}: {VERSION_TABLE} does not say which version {EVENTS_TABLE} follows")
        return str(found[0])

    def create(self, table: Table) -> None:
        self.transaction(create_statements(table, "duckdb"))

    def transaction(self, statements: Sequence[str]) -> None:
        try:
            self.connection.execute("BEGIN TRANSACTION")
            for statement in statements:
                self.connection.execute(statement)
            self.connection.execute("COMMIT")
        except self.errors as exc:
            self._rollback()
            raise StoreError(f"{self.url}: {one_line(exc)}") from None

    def _rollback(self) -> None:
        self._open = False
        with contextlib.suppress(*self.errors):
            self.connection.execute("ROLLBACK")
        self._restore()

    def write(self, table: Table, rows: Rows) -> int:
        """One transaction: the envelope rows, then each variant's rows."""
        new = self.append(table, rows)
        self.commit()
        return new

    def append(self, table: Table, rows: Rows) -> int:
        """Insert one block's rows into the open transaction (opening one when none is): the envelope rows,
        then each variant's. Events whose key is stored already (committed, or appended earlier in this
        transaction, which the connection sees), and repeats of a key within the block, are left out first
        (one query on the key column, for the keys `_stored` cannot rule out). DuckDB writes the rows of a
        transaction to the file as each row group fills, so a batch of many blocks is held neither in Arrow
        nor in DuckDB's memory until its commit."""
        if not rows.count:
            return 0
        data = rows.data
        try:
            if not self._open:
                self._loading()
                self.connection.execute("BEGIN TRANSACTION")
                self._open = True
            drop = self._stored(table, rows.keys)
            if drop or len(set(rows.keys)) != len(rows.keys):
                data = {name: _without(batch, drop) for name, batch in data.items()}
            envelope = data[table.name]
            for part in table.parts:
                batch = data.get(part.name)
                if batch is None or not batch.num_rows:
                    continue
                names = ", ".join(quote(table.columns[p].name) for p in part.columns)
                self.connection.register("hub_batch", batch)
                self.connection.execute(f"INSERT INTO {part.name} ({names}) SELECT {names} FROM hub_batch")
                self.connection.unregister("hub_batch")
        except self.errors as exc:
            self._rollback()
            raise StoreError(f"{self.url}: cannot write: {one_line(exc)}") from None
        return int(envelope.num_rows)

    def commit(self) -> None:
        if not self._open:
            return
        try:
            self.connection.execute("COMMIT")
        except self.errors as exc:
            self._rollback()
            raise StoreError(f"{self.url}: cannot write: {one_line(exc)}") from None
        self._open = False
        self._restore()

    def abort(self) -> None:
        if self._open:
            self._rollback()

    def _loading(self) -> None:
        """Settings for a load, made once: one thread (the loader's worker processes have the other cores,
        and DuckDB's own threads only contend with them for an insert from Arrow), insertion order not kept
        (export and queries order by time), and a bounded buffer pool, so the memory stays flat however
        large the file grows (the pages of a written row group are in the file; DuckDB rereads them when
        needed). They hold while the transaction is open: a query afterwards gets DuckDB's defaults back."""
        self._loading_settings = True
        self.connection.execute("SET threads = 1")
        self.connection.execute("SET preserve_insertion_order = false")
        self.connection.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")

    def _restore(self) -> None:
        if self._loading_settings:
            self._loading_settings = False
            for name in ("threads", "preserve_insertion_order", "memory_limit"):
                with contextlib.suppress(*self.errors):
                    self.connection.execute(f"RESET {name}")

    def _stored(self, table: Table, keys: list[str]) -> set[str]:
        """The keys among `keys` that the table holds (committed, or appended earlier in this transaction):
        all are looked up when the table held rows before this store's first append, else only those its
        filter of written keys has seen (stores/seen.py)."""
        import pyarrow as pa

        keys = self._to_look_up.among(keys, self.connection, table.name)
        if not keys:
            return set()
        self.connection.register("hub_keys", pa.table({"k": pa.array(keys, pa.string())}))
        found = self.connection.execute(
            f"SELECT CAST({KEY} AS VARCHAR) FROM {table.name} WHERE {KEY} IN (SELECT CAST(k AS UUID) FROM hub_keys)"
        ).fetchall()
        self.connection.unregister("hub_keys")
        return {row[0] for row in found}

    def read(self, table: Table, filters: Filters) -> Iterator[Sequence[Any]]:
        columns = ", ".join(select_expression(c.name, c.type) for c in table.columns)
        where, parameters = where_clause(filters)
        cursor = self._run(f"SELECT {columns} FROM {table.view}{where} "
                           'ORDER BY "timestamp", timestamp__ns NULLS FIRST, event_id', parameters)
        decoders = [(position, decoder) for position, c in enumerate(table.columns)
                    if (decoder := value_decoder(c.type)) is not None]
        while True:
            try:
                chunk = cursor.fetchmany(4096)
            except self.errors as exc:
                raise StoreError(f"{self.url}: {one_line(exc)}") from None
            if not chunk:
                return
            for record in chunk:
                row = list(record)
                for position, decode in decoders:
                    if row[position] is not None:
                        row[position] = decode(row[position])
                yield row

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._run(sql, parameters).fetchall())

    def close(self) -> None:
        self.connection.close()


def _without(batch: Any, drop: set[str]) -> Any:
    """The batch without the rows whose key is in `drop`, and with each key's first row only."""
    import pyarrow as pa

    seen: set[str] = set()
    keep = []
    for key in batch.column(0).to_pylist():
        keep.append(key not in drop and key not in seen)
        seen.add(key)
    return batch.filter(pa.array(keep))


def select_expression(name: str, sql: SqlType) -> str:
    column = quote(name)
    if sql.kind == "uuid":
        return f"CAST({column} AS VARCHAR)"
    if sql.kind == "timestamp":
        return f"epoch_us({column})"
    return column


def value_decoder(sql: SqlType) -> Callable[[Any], Any] | None:
    if sql.kind == "json":
        return orjson.loads
    if sql.kind == "map" and sql.item is not None and sql.item.kind == "json":
        return lambda value: {k: None if v is None else orjson.loads(v) for k, v in value.items()}
    return None


def where_clause(filters: Filters) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    parameters: list[Any] = []
    if filters.start is not None:
        conditions.append('"timestamp" >= ?')
        parameters.append(instant(filters.start))
    if filters.end is not None:
        conditions.append('"timestamp" <= ?')
        parameters.append(instant(filters.end))
    for column, value in filters.tags:
        conditions.append(f"{quote(column)} = ?")
        parameters.append(value)
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), parameters


def instant(micros: int) -> datetime:
    from datetime import timedelta

    return EPOCH + timedelta(microseconds=micros)
