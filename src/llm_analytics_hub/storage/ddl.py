"""The statements that create the tables of a layout, per dialect, and its Arrow schema.

The same text is committed under generated/storage/<version>/ (codegen/storage.py) and run by
`llm-hub load` on an empty database, so what a user reads is what the loader creates.
"""

from __future__ import annotations

from typing import Any, Literal

from .layout import KEY, VERSION_TABLE, Column, Part, SqlType, Table
from .types import arrow_type, composite_name, duckdb_type, postgres_type, quote

Dialect = Literal["duckdb", "postgres"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres")


def spell(sql: SqlType, dialect: Dialect) -> str:
    return duckdb_type(sql) if dialect == "duckdb" else postgres_type(sql)


def column_definition(column: Column, dialect: Dialect, part: Part, key: bool = False) -> str:
    """`name type [PRIMARY KEY | NOT NULL]`: NOT NULL where every event of the part's variant has a value.

    The key is the PRIMARY KEY of the envelope table in PostgreSQL, which keeps it unique when loads run
    side by side; the variant tables' rows are written in the same transaction as their envelope row, so
    an index there would only cost. In DuckDB the key has no index at all: DuckDB's (an ART) makes bulk
    inserts six times slower (docs/storage.md), and a DuckDB file has one writer, the loader, which skips
    the keys already stored."""
    text = f"{quote(column.name)} {spell(column.type, dialect)}"
    if key:
        text += " PRIMARY KEY" if dialect == "postgres" and not part.variant else " NOT NULL"
    elif column.always and column.variant == part.variant:
        text += " NOT NULL"
    return text


def comment(column: Column) -> str:
    where = column.pointer + (f" ({column.variant})" if column.variant else "")
    role = {"value": "", "tag": "tag ", "presence": "presence of ", "nanos": "nanoseconds of ",
            "text": "original text of "}[column.role]
    return f"{role}{where}"


def version_table(dialect: Dialect) -> str:
    text = "text" if dialect == "postgres" else "VARCHAR"
    return (f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\n    table_name {text} PRIMARY KEY,\n"
            f"    schema_version {text} NOT NULL\n)")


def composite_types(table: Table) -> list[str]:
    return [f"CREATE TYPE {composite_name(struct)} AS (\n"
            + ",\n".join(f"    {quote(name)} {postgres_type(t)}" for name, t in struct.fields) + "\n)"
            for struct in table.structs]


def create_statements(table: Table, dialect: Dialect) -> list[str]:
    """Every statement, in order: the version table, (PostgreSQL) the composite types, the envelope
    table, one table per variant, the wide view, the version record. Each column carries a `--`
    comment naming the member it holds."""
    statements = [version_table(dialect)]
    if dialect == "postgres":
        statements += composite_types(table)
    statements += [create_part(table, part, dialect) for part in table.parts]
    statements.append(create_view(table))
    statements.append(f"INSERT INTO {VERSION_TABLE} (table_name, schema_version) "
                      f"VALUES ('{table.name}', '{table.version}')")
    return statements


def create_part(table: Table, part: Part, dialect: Dialect) -> str:
    columns = [table.columns[p] for p in part.columns]
    definitions = [column_definition(c, dialect, part, key=c.name == KEY) for c in columns]
    width = min(max(len(d) for d in definitions) + 2, 64)
    lines = [f"    {d + (',' if n < len(columns) - 1 else ''):<{width}}-- {comment(c)}"
             for n, (d, c) in enumerate(zip(definitions, columns, strict=True))]
    return f"CREATE TABLE {part.name} (\n" + "\n".join(lines) + "\n)"


def create_view(table: Table) -> str:
    """The wide row again, in the layout's column order: the envelope joined with every variant's table
    (an event has a row in at most one of them)."""
    owner = {}
    for number, part in enumerate(table.parts):
        for position in part.columns[1 if number else 0:]:
            owner[position] = f"e.{quote(table.columns[position].name)}" if number == 0 else \
                f"v{number}.{quote(table.columns[position].name)}"
    selected = [owner[position] for position in range(len(table.columns))]
    joins = [f"LEFT JOIN {part.name} v{number} ON v{number}.{KEY} = e.{KEY}"
             for number, part in enumerate(table.parts) if number]
    return (f"CREATE OR REPLACE VIEW {table.view} AS\nSELECT\n    " + ",\n    ".join(selected)
            + f"\nFROM {table.name} e\n" + "\n".join(joins))


def arrow_schema(table: Table) -> Any:
    """The wide row's pyarrow schema (Parquet files, Spark's mapInArrow)."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c.type), nullable=c.name != KEY,
                               metadata={"pointer": c.pointer, "variant": c.variant, "role": c.role})
                      for c in table.columns],
                     metadata={"llm_hub.table": table.name, "llm_hub.schema_version": table.version})


def part_schema(table: Table, part: Part) -> Any:
    import pyarrow as pa

    schema = arrow_schema(table)
    return pa.schema([schema.field(p) for p in part.columns], metadata=schema.metadata)
