"""Spellings of the layout's logical types: Arrow (pyarrow, also Spark's schema), DuckDB, PostgreSQL.

Integers keep their exact range everywhere. DuckDB has unsigned types (a u64 is UBIGINT); PostgreSQL
has none, so an unsigned range past its signed type becomes NUMERIC(20,0); Arrow keeps to the types
Spark reads (no unsigned integers, no extension types), so a u32 is int64 and a u64 decimal128(20,0).
"""

from __future__ import annotations

from typing import Any, assert_never

from .layout import SqlType

I64 = (-(2**63), 2**63 - 1)
SIGNED = ((-(2**7), 2**7 - 1, "TINYINT", None, "int8"), (-(2**15), 2**15 - 1, "SMALLINT", "smallint", "int16"),
          (-(2**31), 2**31 - 1, "INTEGER", "integer", "int32"), (*I64, "BIGINT", "bigint", "int64"))
UNSIGNED = ((255, "UTINYINT"), (65535, "USMALLINT"), (2**32 - 1, "UINTEGER"), (2**64 - 1, "UBIGINT"))


def _fits(sql: SqlType, low: int, high: int) -> bool:
    return sql.low is not None and sql.high is not None and low <= sql.low and sql.high <= high


def _digits(sql: SqlType) -> int:
    return max(len(str(abs(sql.low or 0))), len(str(abs(sql.high or 0))))


def duckdb_type(sql: SqlType) -> str:
    match sql.kind:
        case "text":
            return "VARCHAR"
        case "uuid":
            return "UUID"
        case "timestamp":
            return "TIMESTAMPTZ"
        case "bool":
            return "BOOLEAN"
        case "double":
            return "DOUBLE"
        case "json":
            return "JSON"
        case "int":
            if sql.low is not None and sql.low >= 0:
                for high, name in UNSIGNED:
                    if _fits(sql, 0, high):
                        return name
            for low, high, name, _, _ in SIGNED:
                if _fits(sql, low, high):
                    return name
            return "HUGEINT" if _fits(sql, -(2**127), 2**127 - 1) else "DECIMAL(38,0)"
        case "list":
            assert sql.item is not None
            return duckdb_type(sql.item) + "[]"
        case "map":
            assert sql.item is not None
            return f"MAP(VARCHAR, {duckdb_type(sql.item)})"
        case "struct":
            return "STRUCT(" + ", ".join(f"{quote(name)} {duckdb_type(t)}" for name, t in sql.fields) + ")"
        case _:
            assert_never(sql.kind)


def postgres_type(sql: SqlType) -> str:
    match sql.kind:
        case "text":
            return "text"
        case "uuid":
            return "uuid"
        case "timestamp":
            return "timestamptz"
        case "bool":
            return "boolean"
        case "double":
            return "double precision"
        case "json":
            return "json"  # kept as written: jsonb would reorder members and respell numbers
        case "int":
            for low, high, _, name, _ in SIGNED:
                if name is not None and _fits(sql, low, high):
                    return name
            return f"numeric({_digits(sql)},0)" if sql.low is not None and sql.high is not None else "numeric"
        case "list":
            assert sql.item is not None
            if sql.item.kind in ("list", "map"):
                return "jsonb"  # PostgreSQL arrays are rectangular: a list of lists or maps is JSON
            return postgres_type(sql.item) + "[]"
        case "map":
            return "json" if sql.exact_json else "jsonb"
        case "struct":
            return composite_name(sql)
        case _:
            assert_never(sql.kind)


def composite_name(sql: SqlType) -> str:
    return "hub_" + sql.name


def arrow_type(sql: SqlType) -> Any:
    """The pyarrow DataType of a column (pyarrow is imported here, on first use)."""
    import pyarrow as pa

    match sql.kind:
        case "text" | "uuid" | "json":
            return pa.string()
        case "timestamp":
            return pa.timestamp("us", tz="UTC")
        case "bool":
            return pa.bool_()
        case "double":
            return pa.float64()
        case "int":
            return getattr(pa, arrow_int(sql))() if not arrow_int(sql).startswith("decimal") else pa.decimal128(
                _digits(sql) if sql.low is not None and sql.high is not None else 38, 0)
        case "list":
            assert sql.item is not None
            return pa.list_(arrow_type(sql.item))
        case "map":
            assert sql.item is not None
            return pa.map_(pa.string(), arrow_type(sql.item))
        case "struct":
            return pa.struct([(name, arrow_type(t)) for name, t in sql.fields])
        case _:
            assert_never(sql.kind)


def arrow_int(sql: SqlType) -> str:
    """The pyarrow factory name of an integer column: the narrowest signed type, else a decimal."""
    for low, high, _, _, name in SIGNED:
        if _fits(sql, low, high):
            return name
    if sql.low is not None and sql.high is not None and _digits(sql) <= 38:
        return f"decimal128({_digits(sql)}, 0)"
    return "decimal128(38, 0)"


def arrow_spelling(sql: SqlType) -> str:
    """The pyarrow expression of a column type, as the generated schema module writes it."""
    match sql.kind:
        case "text" | "uuid" | "json":
            return "pa.string()"
        case "timestamp":
            return 'pa.timestamp("us", tz="UTC")'
        case "bool":
            return "pa.bool_()"
        case "double":
            return "pa.float64()"
        case "int":
            return f"pa.{arrow_int(sql)}" + ("" if arrow_int(sql).startswith("decimal") else "()")
        case "list":
            assert sql.item is not None
            return f"pa.list_({arrow_spelling(sql.item)})"
        case "map":
            assert sql.item is not None
            return f"pa.map_(pa.string(), {arrow_spelling(sql.item)})"
        case "struct":
            return "pa.struct([" + ", ".join(f"({name!r}, {arrow_spelling(t)})" for name, t in sql.fields) + "])"
        case _:
            assert_never(sql.kind)


def quote(name: str) -> str:
    """An SQL identifier, quoted only when it must be (both dialects quote with double quotes)."""
    if name.isidentifier() and name.islower() and name.upper() not in RESERVED_WORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


# Words either dialect reserves that a member could be called (the schemas use `timestamp`, `window`, ...).
RESERVED_WORDS = frozenset({
    "ALL", "ANALYSE", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "BOTH", "CASE", "CAST", "CHECK",
    "COLLATE", "COLUMN", "CONSTRAINT", "CREATE", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_TIME",
    "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT", "DEFERRABLE", "DESC", "DISTINCT", "DO", "ELSE", "END", "EXCEPT",
    "FALSE", "FETCH", "FOR", "FOREIGN", "FROM", "GRANT", "GROUP", "HAVING", "IN", "INITIALLY", "INTERSECT", "INTO",
    "LATERAL", "LEADING", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "NOT", "NULL", "OFFSET", "ON", "ONLY", "OR",
    "ORDER", "PLACING", "PRIMARY", "REFERENCES", "RETURNING", "SELECT", "SESSION_USER", "SOME", "SYMMETRIC", "TABLE",
    "THEN", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE", "USER", "USING", "VARIADIC", "WHEN", "WHERE", "WINDOW",
    "WITH", "TIMESTAMP", "TIME", "VALUES", "MAP", "STRUCT", "PIVOT", "UNPIVOT", "QUALIFY", "SUMMARIZE", "ASOF",
    "POSITIONAL", "SEMI", "ANTI",
})
