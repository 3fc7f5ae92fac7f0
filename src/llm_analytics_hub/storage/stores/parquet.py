"""A Parquet folder: `parquet:///data/events` (or a folder path). Files carry the generated Arrow schema
and are partitioned by event date and payload type:

    DIR/event_date=2024-03-01/payload_type=telemetry/part-<digest>.parquet

Each file is written under a hidden name and renamed into place, so a killed load leaves no partial
file that readers see. Which version the files follow is in DIR/_hub_storage.json; readers (DuckDB's
`read_parquet('DIR/**/*.parquet')`, pyarrow, Spark) skip names starting with `_` or `.`. Loads are
idempotent on event_id: the ids already in the folder are read once when the load starts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..blocks import Rows
from ..layout import EVENTS_TABLE, KEY, Table, variant_tags
from .base import Filters, Store, StoreError, one_line

MARKER = "_hub_storage.json"


class ParquetStore(Store):
    encoding = "arrow-wide"
    dialect = "parquet"
    batch_rows = 65536  # fewer, larger files

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = folder
        self.url = f"parquet://{folder}"
        if read_only and not (folder / MARKER).is_file():
            raise StoreError(f"{self.url}: no events stored here ({MARKER} is missing)")
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{self.url}: not a folder")
        self._keys: set[str] | None = None
        self._reader: Any = None  # the DuckDB over the files, made on first read, dropped by a write

    def table_version(self) -> str | None:
        marker = self.folder / MARKER
        if not marker.is_file():
            if self.folder.is_dir() and any(self.folder.rglob("*.parquet")):
                raise StoreError(f"{self.url}: holds Parquet files but no {MARKER}: not written by llm-hub")
            return None
        try:
            return str(json.loads(marker.read_text())["tables"][EVENTS_TABLE])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.url}: unreadable {MARKER}: {one_line(exc)}") from None

    def create(self, table: Table) -> None:
        self._write_marker(table.version)

    def set_version(self, version: str) -> None:
        self._write_marker(version)

    def _write_marker(self, version: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{MARKER}.tmp"
            temporary.write_text(json.dumps({"tables": {EVENTS_TABLE: version}}, indent=2) + "\n")
            os.replace(temporary, self.folder / MARKER)
        except OSError as exc:
            raise StoreError(f"{self.url}: cannot write: {one_line(exc)}") from None

    def keys(self) -> set[str]:
        if self._keys is None:
            found: set[str] = set()
            for path in self._files():
                found.update(self._read_file(path, [KEY]).column(0).to_pylist())
            self._keys = found
        return self._keys

    def _files(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*.parquet")
                      if not any(part.startswith((".", "_")) for part in p.relative_to(self.folder).parts))

    def _read_file(self, path: Path, columns: list[str] | None = None) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path, columns=columns)
        except Exception as exc:
            raise StoreError(f"{self.url}: cannot read {path.relative_to(self.folder)}: {one_line(exc)}") from None

    def write(self, table: Table, rows: Rows) -> int:
        import pyarrow as pa
        import pyarrow.compute as pc

        if not rows.count:
            return 0
        self.close()
        known = self.keys()
        keep, fresh = [], set()
        for key in rows.keys:
            new = key not in known and key not in fresh
            keep.append(new)
            if new:
                fresh.add(key)
        if not fresh:
            return 0
        batch = rows.data[table.name].filter(pa.array(keep))
        days = pc.strftime(batch.column("timestamp"), format="%Y-%m-%d").to_pylist()
        kinds = batch.column("payload__payload_type").to_pylist()
        groups: dict[tuple[str, str], list[int]] = {}
        for position, group in enumerate(zip(days, kinds, strict=True)):
            groups.setdefault(group, []).append(position)
        for (day, kind), positions in sorted(groups.items()):
            part = batch.take(pa.array(positions))
            digest = hashlib.sha256("\n".join(part.column(KEY).to_pylist()).encode()).hexdigest()[:20]
            self._write_file(Path(f"event_date={day}") / f"payload_type={kind}" / f"part-{digest}.parquet", part)
        known.update(fresh)
        return len(fresh)

    def _write_file(self, relative: Path, batch: Any) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        target = self.folder / relative
        temporary = target.parent / f".{target.name}.tmp"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            whole = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
            pq.write_table(whole, temporary, compression="zstd")
            os.replace(temporary, target)
        except OSError as exc:
            raise StoreError(f"{self.url}: cannot write: {one_line(exc)}") from None

    def reader(self, table: Table) -> Any:
        """An in-memory DuckDB over the folder's files, with the SQL stores' names: the wide view and one
        view per table of the layout. Files of an older version lack the newer columns: NULL there."""
        from ..ddl import spell
        from ..types import quote
        from .duck import DuckDBStore

        reader = DuckDBStore(None)
        reader.url = self.url
        files = [str(p) for p in self._files()]
        if not files:
            reader.create(table)
            return reader
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        reader.transaction([f"CREATE VIEW hub_files AS SELECT * FROM read_parquet([{listed}], union_by_name = true)"])
        present = {row[0] for row in reader.query("DESCRIBE hub_files")}
        columns = [quote(c.name) if c.name in present else f"CAST(NULL AS {spell(c.type, 'duckdb')}) AS {quote(c.name)}"
                   for c in table.columns]
        statements = [f"CREATE VIEW {table.view} AS SELECT {', '.join(columns)} FROM hub_files"]
        for part in table.parts:
            names = ", ".join(quote(table.columns[p].name) for p in part.columns)
            where = " AND ".join(f"{quote(column)} = '{value}'" for column, value in variant_tags(table, part.variant))
            statements.append(f"CREATE VIEW {part.name} AS SELECT {names} FROM {table.view}"
                              + (f" WHERE {where}" if where else ""))
        reader.transaction(statements)
        return reader

    def _cached_reader(self, table: Table) -> Any:
        if self._reader is None:
            self._reader = self.reader(table)
        return self._reader

    def read(self, table: Table, filters: Filters) -> Iterator[Sequence[Any]]:
        yield from self._cached_reader(table).read(table, filters)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """SQL over the folder (DuckDB's dialect), with the same table and view names as the SQL stores."""
        from ..layout import events_table

        version = self.table_version()
        if version is None:
            raise StoreError(f"{self.url}: no events stored here ({MARKER} is missing)")
        found: list[tuple[Any, ...]] = self._cached_reader(events_table(version)).query(sql, parameters)
        return found
