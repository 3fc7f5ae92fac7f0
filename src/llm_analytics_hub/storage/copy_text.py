"""Rows in PostgreSQL's COPY text format, one text per table of the layout, built in the workers.

COPY's text format: columns separated by a tab, `\\N` for NULL, and a backslash, tab, newline or carriage
return inside a value escaped with a backslash. Arrays and composite values are written as their text
literals (`{"a","b"}`, `("x",,"y")`), whose own quoting comes before COPY's escaping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from .encode import Columns
from .instants import postgres_instant
from .layout import SqlType, Table
from .types import postgres_type

NULL = "\\N"
_COPY = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

Text = Callable[[Any], str]


def escape(text: str) -> str:
    """COPY's escaping (substring tests first: `translate` costs far more, and most texts need nothing)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY)
    return text


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # an integer past 64 bits in free-form JSON
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json(value: Any) -> str:
    return escape(dumps(value))


def _quoted(text: str) -> str:
    """An element of an array or a field of a composite literal, always double-quoted."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(sql: SqlType) -> Callable[[Any], str]:
    """A non-NULL value as PostgreSQL's text literal of its type (before COPY's escaping)."""
    match sql.kind:
        case "text" | "uuid":
            return str
        case "timestamp":
            return postgres_instant
        case "bool":
            return lambda value: "t" if value else "f"
        case "double":
            return lambda value: repr(float(value))
        case "int":
            return str
        case "json" | "map":
            return dumps
        case "list":
            assert sql.item is not None
            if postgres_type(sql) == "jsonb":
                return dumps
            item = literal(sql.item)
            return lambda value: "{" + ",".join("NULL" if v is None else _quoted(item(v)) for v in value) + "}"
        case "struct":
            fields = [(name, literal(t)) for name, t in sql.fields]
            return lambda value: "(" + ",".join(
                "" if value.get(name) is None else _quoted(convert(value[name])) for name, convert in fields) + ")"


def column_text(sql: SqlType) -> Text:
    """A non-NULL value as it goes into a COPY line."""
    match sql.kind:
        case "text":
            return escape
        case "uuid" | "int":
            return str
        case "bool":
            return lambda value: "t" if value else "f"
        case "double":
            return lambda value: repr(float(value))
        case "json" | "map":
            return _json
        case _:
            convert = literal(sql)
            return lambda value: escape(convert(value))


class CopyEncoder:
    """A batch -> {table name: its COPY text}, converted column by column (a list comprehension per column,
    then one join per line), which costs a third of converting value by value along each row."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.texts = [column_text(c.type) for c in table.columns]
        self.plain = [c.type.kind in ("uuid", "int") for c in table.columns]  # str() is their text

    def _column(self, values: list[Any], position: int) -> list[str]:
        if self.plain[position]:
            return [NULL if v is None else str(v) for v in values]
        text = self.texts[position]
        if text is escape:
            return [NULL if v is None else v if "\\" not in v and "\t" not in v and "\n" not in v and "\r" not in v
                    else v.translate(_COPY) for v in values]
        return [NULL if v is None else text(v) for v in values]

    def _lines(self, columns: list[list[str]]) -> bytes:
        return ("\n".join(map("\t".join, zip(*columns, strict=True))) + "\n").encode("utf-8", "surrogatepass")

    def batch(self, columns: Columns) -> dict[str, bytes]:
        table = self.table
        out = {}
        for number, part in enumerate(table.parts):
            if number == 0:
                out[part.name] = self._lines([self._column(columns.values[p], p) for p in part.columns])
                continue
            own = columns.keys[number]
            if own:
                out[part.name] = self._lines([own] + [self._column(columns.values[p], p) for p in part.columns[1:]])
        return out
