"""The stores `llm-hub load`, `export` and `query` talk to, chosen by URL (`open_store`)."""

from __future__ import annotations

from pathlib import Path

from ...errors import HubError
from .base import Filters, Store, StoreError

DEFAULT_URL = "duckdb:///hub.duckdb"
SCHEMES = "duckdb:///FILE, postgresql://USER@HOST/DB, or parquet://DIR"


def open_store(url: str, *, read_only: bool = False) -> Store:
    """The store a URL names: `duckdb:///hub.duckdb` (relative; `duckdb:////abs/hub.duckdb`),
    `postgresql://...` (or `postgres://`), `parquet://DIR`; a bare path ending in .duckdb or .db is a
    DuckDB file, any other bare path a Parquet folder."""
    if url.startswith("duckdb://"):
        rest = url[len("duckdb://"):]
        if not rest.startswith("/") or rest == "/":
            raise HubError(f"{url}: a DuckDB URL is duckdb:///FILE (relative) or duckdb:////ABSOLUTE/FILE")
        from .duck import DuckDBStore

        return DuckDBStore(Path(rest[1:]), read_only=read_only)
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(url, read_only=read_only)
    if url.startswith("parquet://"):
        from .parquet import ParquetStore

        return ParquetStore(Path(url[len("parquet://"):] or "."), read_only=read_only)
    if "://" in url:
        raise HubError(f"{url}: unknown store; use {SCHEMES}")
    if url.endswith((".duckdb", ".db")):
        from .duck import DuckDBStore

        return DuckDBStore(Path(url), read_only=read_only)
    from .parquet import ParquetStore

    return ParquetStore(Path(url), read_only=read_only)


__all__ = ["DEFAULT_URL", "Filters", "Store", "StoreError", "open_store"]
