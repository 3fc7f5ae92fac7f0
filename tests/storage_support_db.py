"""Where the storage tests put their events: a DuckDB file, a Parquet folder or a fresh PostgreSQL
database of the session's server (tests/postgres_server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

STORES = ("duckdb", "parquet", "postgres")


def store_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "duckdb":
        return f"duckdb:///{tmp_path / 'hub.duckdb'}"
    if kind == "parquet":
        return f"parquet://{tmp_path / 'lake'}"
    return str(request.getfixturevalue("postgres").fresh_database())
