"""The statements that create a table of a layout, per dialect, and its Arrow schema.

The same text is committed under generated/storage/<version>/ (codegen/storage.py) and run by
`llm-hub load` on an empty database, so what a user reads is what the loader creates.
"""

from __future__ import annotations

from typing import Any, Literal

from .layout import KEY, MISSING, VERSION_TABLE, Column, SqlType, Table
from .types import arrow_type, composite_name, duckdb_type, postgres_type, quote

Dialect = Literal["duckdb", "postgres"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres")


def spell(sql: SqlType, dialect: Dialect) -> str:
    return duckdb_type(sql) if dialect == "duckdb" else postgres_type(sql)


def not_null(table: Table, column: Column) -> bool:
    """Members every document has (the envelope's required or defaulted ones, the payload's tag)."""
    if column.variant or column.role not in ("value", "tag"):
        return False
    top = column.pointer.split("/")[1]
    member = next(m for m in table.root.members if m.wire == top)
    if member.nullable or (not member.required and member.default is MISSING):
        return False
    return column.pointer == f"/{top}" or column.role == "tag"


def column_definition(table: Table, column: Column, dialect: Dialect) -> str:
    text = f"{quote(column.name)} {spell(column.type, dialect)}"
    if column.name == KEY:
        text += " PRIMARY KEY"
    elif not_null(table, column):
        text += " NOT NULL"
    return text


def comment(column: Column) -> str:
    where = column.pointer + (f" ({column.variant})" if column.variant else "")
    role = {"value": "", "tag": "tag of ", "presence": "presence of ", "nanos": "nanoseconds of ",
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
    """Every statement, in order; each column carries a `--` comment naming the member it holds."""
    statements = [version_table(dialect)]
    if dialect == "postgres":
        statements += composite_types(table)
    width = min(max(len(column_definition(table, c, dialect)) for c in table.columns) + 2, 64)
    lines = []
    for position, column in enumerate(table.columns):
        definition = column_definition(table, column, dialect) + ("," if position < len(table.columns) - 1 else "")
        lines.append(f"    {definition:<{width}}-- {comment(column)}")
    statements.append(f"CREATE TABLE {table.name} (\n" + "\n".join(lines) + "\n)")
    statements.append(f"INSERT INTO {VERSION_TABLE} (table_name, schema_version) "
                      f"VALUES ('{table.name}', '{table.version}')")
    return statements


def arrow_schema(table: Table) -> Any:
    """The table's pyarrow schema (Parquet files, Arrow batches, Spark's mapInArrow)."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c.type), nullable=c.name != KEY,
                               metadata={"pointer": c.pointer, "variant": c.variant, "role": c.role})
                      for c in table.columns],
                     metadata={"llm_hub.table": table.name, "llm_hub.schema_version": table.version})
