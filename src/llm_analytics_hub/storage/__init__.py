"""Validated events in typed tables: the layout read from the IR, rows in and out, DuckDB, PostgreSQL
and Parquet stores, `llm-hub load`, `export`, `query` and `migrate` (docs/storage.md)."""
