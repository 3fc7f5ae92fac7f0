"""The table layout of a stored type, read from the IR alone: one wide table per top-level type, a
column group per union variant, every declared member a typed column.

Columns are named by the member path, joined with `__`. A tagged union's tag is a column named after
the holder and the tag (`payload__payload_type`); the members of a variant are prefixed by the
variant's tag value instead of the holder's path (`latency__total_latency_ms`, not
`payload__telemetry__latency__total_latency_ms`), which keeps names short and stable: a name
depends only on the member's own path, never on its neighbours, so a minor version that adds a
member only adds a column. A name used twice in one table is a `GeneratorError`.

Flattened (top-level) values that a database type would normalise keep what it loses: a date-time
gets `NAME__ns` (nanoseconds below the microsecond) and `NAME__text` (the original text when it is
not the producers' canonical form of the instant), a uuid gets `NAME__text` (the text when it is not
lower-case). Inside a list, a map or a nested structure, a date-time or uuid is stored as its text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import assert_never

from ..codegen.ir import (
    MISSING as MISSING,
)
from ..codegen.ir import (
    DataEnumType,
    EnumType,
    GeneratorError,
    ListOf,
    MapOf,
    NewType,
    Nullable,
    ObjectType,
    Prim,
    Ref,
    TaggedUnion,
    TypeExpr,
    UntaggedUnion,
    Version,
    build_version,
)
from ..codegen.ir.model import JSON
from .table_model import (
    BOOL as BOOL,
)
from .table_model import (
    EVENTS_TABLE as EVENTS_TABLE,
)
from .table_model import (
    JSON_TYPE as JSON_TYPE,
)
from .table_model import (
    KEY as KEY,
)
from .table_model import (
    NANOS as NANOS,
)
from .table_model import (
    PLAIN as PLAIN,
)
from .table_model import (
    SEP as SEP,
)
from .table_model import (
    STORED as STORED,
)
from .table_model import (
    TEXT as TEXT,
)
from .table_model import (
    VERSION_TABLE as VERSION_TABLE,
)
from .table_model import (
    Choice as Choice,
)
from .table_model import (
    Column as Column,
)
from .table_model import (
    Group as Group,
)
from .table_model import (
    Kind as Kind,
)
from .table_model import (
    Member as Member,
)
from .table_model import (
    Nested as Nested,
)
from .table_model import (
    Node as Node,
)
from .table_model import (
    Part as Part,
)
from .table_model import (
    Role as Role,
)
from .table_model import (
    Scalar as Scalar,
)
from .table_model import (
    Shape as Shape,
)
from .table_model import (
    SqlType as SqlType,
)
from .table_model import (
    Table as Table,
)
from .table_model import (
    Tagged as Tagged,
)
from .table_model import (
    holds_json as holds_json,
)
from .table_model import (  # the model, re-exported: its users import it from here
    prim_type as prim_type,
)
from .table_model import (
    snake as snake,
)
from .table_model import (
    variant_tags as variant_tags,
)


class _Walk:
    def __init__(self, version: Version, type_name: str) -> None:
        self.version = version
        self.type_name = type_name
        self.columns: list[Column] = []
        self.structs: dict[str, SqlType] = {}
        self.variant_labels: list[str] = []
        self.optional = 0  # how many optional members (or data variants) the walk is inside

    def add(self, name: str, sql: SqlType, role: Role, pointer: str, variant: str, description: str) -> int:
        if any(c.name == name for c in self.columns):
            raise GeneratorError(f"storage: column {name!r} of {self.type_name} would be named twice")
        if len(name.encode()) > 63:
            raise GeneratorError(f"storage: column name {name!r} of {self.type_name} is longer than 63 bytes")
        always = self.optional == 0 and role in ("value", "tag", "presence") and sql.kind != "json"  # any: null too
        self.columns.append(Column(name, sql, role, pointer, variant, description, always))
        return len(self.columns) - 1

    # flattened values ---------------------------------------------------------------------------

    def group(self, obj: ObjectType, prefix: str, pointer: str, variant: str) -> tuple[Member, ...]:
        if not obj.closed or obj.extra is not None:
            raise GeneratorError(f"storage: open object {obj.name} cannot be flattened into columns")
        return tuple(self.member(f.wire, f.type, f.required, f.nullable, f.default, f.when_none, f.description,
                                 prefix, pointer, variant) for f in obj.fields)

    def member(self, wire: str, expr: TypeExpr, required: bool, nullable: bool, default: JSON, when_none: str,
               description: str, prefix: str, pointer: str, variant: str) -> Member:
        optional = (not required and default is MISSING) or nullable
        self.optional += optional
        try:
            node = self.value(expr, prefix + wire, f"{pointer}/{wire}", variant, description, optional=optional)
        finally:
            self.optional -= optional
        return Member(wire, node, required, nullable, default, "null" if when_none == "null" else "omit")

    def value(self, expr: TypeExpr, name: str, pointer: str, variant: str, description: str, *,
              optional: bool) -> Node:
        match expr:
            case Prim(kind="any"):
                return Nested(self.add(name, JSON_TYPE, "value", pointer, variant, description), JSON_TYPE, PLAIN)
            case Prim():
                sql = prim_type(expr)
                column = self.add(name, sql, "value", pointer, variant, description)
                nanos = text = -1
                if sql.kind == "timestamp":
                    nanos = self.add(name + SEP + "ns", NANOS, "nanos", pointer, variant,
                                     "Nanoseconds of the instant below the microsecond (0-999).")
                if sql.kind in ("timestamp", "uuid"):
                    text = self.add(name + SEP + "text", TEXT, "text", pointer, variant,
                                    "The original text, when it is not the canonical form of the stored value.")
                return Scalar(column, sql.kind, nanos, text)
            case Nullable(inner=inner):
                return self.value(inner, name, pointer, variant, description, optional=True)
            case ListOf() | MapOf():
                sql = self.nested(expr)
                return Nested(self.add(name, sql, "value", pointer, variant, description), sql, self.shape(expr))
            case Ref():
                return self.ref(expr, name, pointer, variant, description, optional=optional)
            case _:
                assert_never(expr)

    def ref(self, ref: Ref, name: str, pointer: str, variant: str, description: str, *, optional: bool) -> Node:
        typedef = self.version.lookup(ref)
        match typedef:
            case EnumType():
                return Scalar(self.add(name, TEXT, "value", pointer, variant, description or typedef.description),
                              "text")
            case DataEnumType():
                column = self.add(name, TEXT, "value", pointer, variant, description or typedef.description)
                self.optional += 1
                try:
                    keyed = {v.key: self.value(v.type, name + SEP + v.key, f"{pointer}/{v.key}", variant,
                                               v.description, optional=True) for v in typedef.variants}
                finally:
                    self.optional -= 1
                return Choice(column, keyed)
            case ObjectType():
                presence = -1
                if optional:
                    presence = self.add(name, BOOL, "presence", pointer, variant,
                                        f"Whether {ref.name} is present (its members are null when not).")
                return Group(self.group(typedef, name + SEP, pointer, variant), presence)
            case TaggedUnion():
                column = self.add(name + SEP + typedef.tag, TEXT, "tag", f"{pointer}/{typedef.tag}", variant,
                                  typedef.description)
                variants: dict[str, Node] = {}
                for option in typedef.variants:
                    label = f"{variant}/{option.tag}" if variant else option.tag
                    inner = f"{pointer}/{typedef.content}" if typedef.content else pointer
                    variants[option.tag] = self.variant(option.type, option.tag, inner, label, option.description)
                return Tagged(typedef.tag, typedef.content, column, variants)
            case NewType():
                return self.value(typedef.inner, name, pointer, variant, description or typedef.description,
                                  optional=optional)
            case UntaggedUnion():
                raise GeneratorError(f"storage: untagged union {typedef.name} in {self.type_name} has no "
                                     "column layout yet (docs/storage.md)")
            case _:
                assert_never(typedef)

    def variant(self, expr: TypeExpr, tag: str, pointer: str, label: str, description: str) -> Node:
        """A variant's content: an object's members under the tag's prefix, a nested union's columns.
        Whether a column is always there counts from the variant (its own table holds only its events)."""
        outside, self.optional = self.optional, 0
        try:
            return self._variant(expr, tag, pointer, label, description)
        finally:
            self.optional = outside

    def _variant(self, expr: TypeExpr, tag: str, pointer: str, label: str, description: str) -> Node:
        if isinstance(expr, Ref):
            typedef = self.version.lookup(expr)
            if isinstance(typedef, ObjectType):
                self.variant_labels.append(label)
                return Group(self.group(typedef, tag + SEP, pointer, label))
            if isinstance(typedef, TaggedUnion):
                return self.ref(expr, tag, pointer, label, description, optional=False)
        self.variant_labels.append(label)
        return self.value(expr, tag, pointer, label, description, optional=False)

    # values kept whole in one column ------------------------------------------------------------

    def nested(self, expr: TypeExpr) -> SqlType:
        match expr:
            case Prim(kind="any"):
                return JSON_TYPE
            case Prim(kind="datetime") | Prim(kind="uuid"):
                return TEXT
            case Prim():
                return prim_type(expr)
            case Nullable(inner=inner):
                return self.nested(inner)
            case ListOf(item=item):
                return SqlType("list", item=self.nested(item))
            case MapOf(value=value):
                values = self.nested(value)
                return SqlType("map", item=values, exact_json=holds_json(values))
            case Ref():
                return self.nested_ref(expr)
            case _:
                assert_never(expr)

    def nested_ref(self, ref: Ref) -> SqlType:
        typedef = self.version.lookup(ref)
        match typedef:
            case EnumType():
                return TEXT
            case NewType():
                return self.nested(typedef.inner)
            case ObjectType():
                if not typedef.closed or typedef.extra is not None:
                    raise GeneratorError(f"storage: open object {typedef.name} inside a list or map")
                return self.struct(snake(typedef.name), [(f.wire, self.nested(f.type)) for f in typedef.fields])
            case DataEnumType():
                return self.struct(snake(typedef.name), [("unit", TEXT)]
                                   + [(v.key, self.nested(v.type)) for v in typedef.variants])
            case TaggedUnion():
                members: list[tuple[str, SqlType]] = [(typedef.tag, TEXT)]
                for option in typedef.variants:
                    members.append((option.tag, self.nested(option.type)))
                return self.struct(snake(typedef.name), members)
            case UntaggedUnion():
                raise GeneratorError(f"storage: untagged union {typedef.name} in {self.type_name} has no "
                                     "column layout yet (docs/storage.md)")
            case _:
                assert_never(typedef)

    def struct(self, name: str, members: list[tuple[str, SqlType]]) -> SqlType:
        sql = SqlType("struct", fields=tuple(members), name=name)
        known = self.structs.get(name)
        if known is not None and known != sql:
            raise GeneratorError(f"storage: two different structures named {name!r}")
        self.structs[name] = sql
        return sql

    def shape(self, expr: TypeExpr) -> Shape:
        match expr:
            case Prim():
                return PLAIN
            case Nullable(inner=inner):
                return self.shape(inner)
            case ListOf(item=item):
                return Shape("list", item=self.shape(item))
            case MapOf(value=value):
                return Shape("map", item=self.shape(value))
            case Ref():
                typedef = self.version.lookup(expr)
                match typedef:
                    case EnumType() | UntaggedUnion():
                        return PLAIN
                    case NewType():
                        return self.shape(typedef.inner)
                    case ObjectType():
                        return Shape("object", members=tuple(
                            (f.wire, self.shape(f.type), f.required, f.nullable, f.when_none, f.default)
                            for f in typedef.fields))
                    case DataEnumType():
                        return Shape("choice", variants=tuple((v.key, self.shape(v.type)) for v in typedef.variants))
                    case TaggedUnion():
                        return Shape("tagged", tag=typedef.tag, content=typedef.content,
                                     variants=tuple((v.tag, self.shape(v.type)) for v in typedef.variants))
                    case _:
                        assert_never(typedef)
            case _:
                assert_never(expr)






def table_layout(version: Version, area: str, type_name: str) -> Table:
    """The table of a stored type in one version."""
    typedef = version.area(area).get(type_name)
    if not isinstance(typedef, ObjectType):
        raise GeneratorError(f"storage: {type_name} is not an object type")
    walk = _Walk(version, type_name)
    root = Group(walk.group(typedef, "", "", ""))
    ordered: list[SqlType] = []
    for struct in walk.structs.values():
        _dependencies_first(struct, ordered)
    name = STORED[(area, type_name)]
    columns = tuple(walk.columns)
    return Table(name, version.version, type_name, columns, root, tuple(walk.variant_labels), tuple(ordered),
                 _parts(name, columns, walk.variant_labels))


def _parts(name: str, columns: tuple[Column, ...], variants: list[str]) -> tuple[Part, ...]:
    """The envelope holds the members every event has and every tag; each leaf variant's members go to
    a table of their own, `<name>_<label with _>`, keyed by the event's key."""
    key = next(position for position, c in enumerate(columns) if c.name == KEY and not c.variant)
    envelope = tuple(p for p, c in enumerate(columns) if c.variant not in variants or c.role == "tag")
    parts = [Part(name, "", envelope)]
    for variant in variants:
        own = tuple(p for p, c in enumerate(columns) if c.variant == variant and c.role != "tag")
        parts.append(Part(f"{name}_{variant.replace('/', '_')}", variant, (key, *own)))
    for part in parts:
        if len(part.name.encode()) > 63:
            raise GeneratorError(f"storage: table name {part.name!r} is longer than 63 bytes")
    return tuple(parts)


def _dependencies_first(sql: SqlType, ordered: list[SqlType]) -> None:
    for _, member in sql.fields:
        _dependencies_first(member, ordered)
    if sql.item is not None:
        _dependencies_first(sql.item, ordered)
    if sql.kind == "struct" and sql not in ordered:
        ordered.append(sql)


def events_table(version: str) -> Table:
    """The events table as schema version `version` lays it out (the schemas under the current root)."""
    from ..versions import schemas_root

    return events_table_of(schemas_root(), version)


@cache
def events_table_of(root: Path, version: str) -> Table:
    """The events table of a version folder under `root`."""
    from ..schema_store import load_folder

    return table_layout(build_version(load_folder(root / version, version)), "events", "AnalyticsEvent")
