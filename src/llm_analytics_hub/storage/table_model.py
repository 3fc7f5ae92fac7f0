"""The table model of the storage layout: columns with their SQL types, the member tree of a stored
type (scalars, groups, tagged unions, choices, nested values) and the table itself. `layout` builds
it from the IR; the DDL, the Arrow schema, the row writers and readers read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, assert_never

from ..codegen.ir import Prim
from ..codegen.ir.model import JSON
from ..errors import HubError

SEP = "__"
Kind = Literal["text", "uuid", "timestamp", "bool", "double", "int", "json", "list", "map", "struct"]
Role = Literal["value", "tag", "presence", "nanos", "text"]

# The stored types: (area, catalogue name) -> table name.
STORED = {("events", "AnalyticsEvent"): "analytics_events"}
EVENTS_TABLE = "analytics_events"
VERSION_TABLE = "hub_storage"  # table name -> schema version its columns follow
KEY = "event_id"  # the member loads are idempotent on


@dataclass(frozen=True)
class SqlType:
    """A column's logical type; `types.py` spells it for Arrow, DuckDB and PostgreSQL."""

    kind: Kind
    low: int | None = None  # integers: the inclusive range (None: unbounded)
    high: int | None = None
    item: SqlType | None = None  # list item, map value
    fields: tuple[tuple[str, SqlType], ...] = ()  # struct members
    name: str = ""  # struct: the type's name (PostgreSQL composite type)
    exact_json: bool = False  # map: its values hold JSON of any shape (kept as text, not normalised)


TEXT = SqlType("text")
BOOL = SqlType("bool")
NANOS = SqlType("int", 0, 999)
JSON_TYPE = SqlType("json")


@dataclass(frozen=True)
class Column:
    name: str
    type: SqlType
    role: Role
    pointer: str  # JSON pointer of the member inside a document of the column's variant
    variant: str  # the variant group ("" for members every document has), e.g. "telemetry/latency"
    description: str
    always: bool = False  # every document of the variant has a value here (NOT NULL in the variant's table)


# --- the plan the row converters follow (storage/rows.py) ----------------------------------------

@dataclass(frozen=True)
class Member:
    wire: str
    node: Node
    required: bool
    nullable: bool
    default: JSON  # MISSING: none
    when_none: Literal["omit", "null"]


@dataclass(frozen=True)
class Scalar:
    """A flattened value in one column (plus its companions for date-times and uuids)."""

    column: int
    kind: Kind
    nanos: int = -1  # column index of NAME__ns, -1 when none
    text: int = -1  # column index of NAME__text, -1 when none


@dataclass(frozen=True)
class Group:
    """A flattened object: its members' columns, and a presence column when it may be left out or null."""

    members: tuple[Member, ...]
    presence: int = -1


@dataclass(frozen=True)
class Tagged:
    tag: str
    content: str | None  # adjacent tagging: the member holding the variant's value
    column: int
    variants: dict[str, Node] = field(hash=False)


@dataclass(frozen=True)
class Choice:
    """A data-carrying enum: the unit's wire value, or a data variant's key, in `column`; each data
    variant's value in its own node."""

    column: int
    variants: dict[str, Node] = field(hash=False)


@dataclass(frozen=True)
class Nested:
    """A value kept whole in one column (list, map, struct, JSON); `type` says how to convert it."""

    column: int
    type: SqlType
    shape: Shape


@dataclass(frozen=True)
class Shape:
    """How to rebuild a nested value in producer form (member order, omitted members, tags)."""

    kind: Literal["plain", "object", "tagged", "choice", "list", "map"]
    # (wire, shape, required, nullable, when_none, default) of each member of an object
    members: tuple[tuple[str, Shape, bool, bool, str, JSON], ...] = ()
    tag: str = ""
    content: str | None = None
    variants: tuple[tuple[str, Shape], ...] = ()
    item: Shape | None = None


Node = Scalar | Group | Tagged | Choice | Nested
PLAIN = Shape("plain")


@dataclass(frozen=True)
class Part:
    """A physical table: the envelope (`variant` "") or one variant's column group, keyed by event_id."""

    name: str
    variant: str
    columns: tuple[int, ...]  # positions in Table.columns, the key first


@dataclass(frozen=True)
class Table:
    name: str
    version: str
    type_name: str
    columns: tuple[Column, ...]  # the wide row: every column of every part, in schema order
    root: Group
    variants: tuple[str, ...]  # every variant label, in schema order ("telemetry/latency", ..., "custom")
    structs: tuple[SqlType, ...]  # named struct types, dependencies first (PostgreSQL composite types)
    parts: tuple[Part, ...] = ()  # the envelope table, then one table per variant

    @property
    def part_index(self) -> dict[int, int]:
        """Column position -> the number of the part that holds it (the key: 0, the envelope)."""
        found = {p: number for number, part in enumerate(self.parts) for p in part.columns[1 if number else 0:]}
        return found

    @property
    def view(self) -> str:
        """The view that joins the parts back into the wide row."""
        return self.name + "_wide"

    def part_of(self, variant: str) -> Part:
        for part in self.parts:
            if part.variant == variant:
                return part
        raise KeyError(variant)

    def index(self, name: str) -> int:
        for position, column in enumerate(self.columns):
            if column.name == name:
                return position
        raise KeyError(name)

    def column(self, name: str) -> Column:
        return self.columns[self.index(name)]


def variant_tags(table: Table, kind: str | None) -> tuple[tuple[str, str], ...]:
    """The tag columns and values a variant label selects, walked through the layout's unions."""
    if not kind:
        return ()
    node: Any = next(m.node for m in table.root.members if isinstance(m.node, Tagged))
    found = []
    for part in kind.split("/"):
        if not isinstance(node, Tagged) or part not in node.variants:
            choices = ", ".join(table.variants)
            raise HubError(f"--type {kind!r}: no such payload type; known: {choices}")
        found.append((table.columns[node.column].name, part))
        node = node.variants[part]
    return tuple(found)



def holds_json(sql: SqlType) -> bool:
    return sql.kind == "json" or (sql.item is not None and holds_json(sql.item)) or any(
        holds_json(t) for _, t in sql.fields)


def snake(title: str) -> str:
    out = []
    for position, char in enumerate(title):
        if char.isupper() and position and not title[position - 1].isupper():
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def prim_type(prim: Prim) -> SqlType:
    match prim.kind:
        case "str":
            return TEXT
        case "uuid":
            return SqlType("uuid")
        case "datetime":
            return SqlType("timestamp")
        case "bool":
            return BOOL
        case "float":
            return SqlType("double")
        case "int":
            return SqlType("int", prim.minimum, prim.maximum)
        case "any":
            return JSON_TYPE
        case _:
            assert_never(prim.kind)
