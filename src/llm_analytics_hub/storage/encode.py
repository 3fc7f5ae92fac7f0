"""Rows in the neutral form (storage/rows.py) encoded for a store: Arrow record batches, one per table
of the layout (DuckDB) or one wide batch (Parquet, Spark), or the text of PostgreSQL's COPY
(storage/copy_text.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from .layout import SqlType, Table
from .types import arrow_type


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def arrow_encoder(sql: SqlType) -> Callable[[Any], Any] | None:
    """How one value of a column goes into Arrow (None: as it is). JSON values become their text."""
    if sql.kind == "json":
        return _dumps
    if sql.kind == "map" and sql.item is not None and sql.item.kind == "json":
        return lambda value: {k: None if v is None else _dumps(v) for k, v in value.items()}
    if sql.kind in ("list", "map", "struct") and _holds_json(sql):
        raise NotImplementedError("JSON values inside lists or structures")  # no stored type has one
    return None


def _holds_json(sql: SqlType) -> bool:
    return sql.kind == "json" or (sql.item is not None and _holds_json(sql.item)) or any(
        _holds_json(t) for _, t in sql.fields)


class Columns:
    """One batch, columnar: `values[position]` holds a column's values (every document's for an envelope
    column, its variant's documents' for a variant column), `parts[i]` the variant table of document i."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.values: list[list[Any]] = [[] for _ in table.columns]
        self.parts: list[int] = []
        self.keys: list[list[Any]] = [[] for _ in table.parts]  # [n]: the key of each row of variant table n
        self.count = 0

    def wide(self, position: int) -> list[Any]:
        """A variant column spread over every document of the batch (None for the other variants)."""
        number = self.table.part_index[position]
        values = self.values[position]
        if number == 0:
            return values
        spread: list[Any] = [None] * self.count
        taken = iter(values)
        for row, part in enumerate(self.parts):
            if part == number:
                spread[row] = next(taken)
        return spread


class ArrowEncoder:
    """A batch -> {table name: pyarrow RecordBatch} with each part's columns (`wide`: one batch of the
    whole row, under the layout's name, with the generated Arrow schema)."""

    def __init__(self, table: Table, *, wide: bool = False) -> None:
        from .ddl import arrow_schema, part_schema

        self.table = table
        self.wide = wide
        self.types = [arrow_type(c.type) for c in table.columns]
        self.encoders = [arrow_encoder(c.type) for c in table.columns]
        self.schemas = {table.name: arrow_schema(table)} if wide else {
            part.name: part_schema(table, part) for part in table.parts}

    def _array(self, values: list[Any], position: int) -> Any:
        import pyarrow as pa

        encode = self.encoders[position]
        if encode is not None:
            values = [None if v is None else encode(v) for v in values]
        return pa.array(values, self.types[position])

    def batch(self, columns: Columns) -> dict[str, Any]:
        import pyarrow as pa

        if self.wide:
            arrays = [self._array(columns.wide(p), p) for p in range(len(self.table.columns))]
            return {self.table.name: pa.RecordBatch.from_arrays(arrays, schema=self.schemas[self.table.name])}
        key = self.table.parts[0].columns[0]
        batches = {}
        for number, part in enumerate(self.table.parts):
            if number == 0:
                arrays = [self._array(columns.values[p], p) for p in part.columns]
            else:
                own = columns.keys[number]
                if not own:
                    continue
                arrays = [self._array(own, key)] + [self._array(columns.values[p], p) for p in part.columns[1:]]
            batches[part.name] = pa.RecordBatch.from_arrays(arrays, schema=self.schemas[part.name])
        return batches
