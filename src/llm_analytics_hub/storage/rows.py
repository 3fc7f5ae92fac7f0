"""Documents to rows and back, following a table's layout (compiled once into closures).

`shredder(table)` turns a valid document into a list of column values in a neutral Python form:
text and uuids as `str`, date-times as microseconds since the epoch (plus the `__ns` and `__text`
companions), JSON values (`any`) as the parsed value, lists as lists, maps as dicts, structures as
dicts, in their schema's member order. Each store encodes that form for its database (`encode.py`);
reading, each store decodes its driver's values back into it, and `assembler(table)` rebuilds the
document in the producers' output form: members in schema order, an absent optional member left out
or written as `null` as the producers do (`when_none`), the serde defaults written out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .instants import join_instant, split_instant, split_uuid
from .layout import MISSING, PLAIN, Choice, Group, Member, Nested, Node, Scalar, Shape, SqlType, Table, Tagged

Row = list[Any]
Shred = Callable[[Any, Row], None]
Build = Callable[[Any], Any]  # row (a sequence) -> value, or ABSENT

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


# --- document -> row ---------------------------------------------------------------------------

def shredder(table: Table) -> Callable[[dict[str, Any]], Row]:
    fill = _group(table.root)
    width = len(table.columns)

    def shred(document: dict[str, Any]) -> Row:
        row: Row = [None] * width
        fill(document, row)
        return row

    return shred


def _node(node: Node) -> Shred:
    match node:
        case Scalar():
            return _scalar(node)
        case Group():
            return _group(node)
        case Tagged():
            return _tagged(node)
        case Choice():
            return _choice(node)
        case Nested():
            return _nested(node)


def _scalar(node: Scalar) -> Shred:
    column = node.column
    if node.kind == "timestamp":
        nanos, text = node.nanos, node.text

        def timestamp(value: Any, row: Row) -> None:
            row[column], row[nanos], row[text] = split_instant(value)

        return timestamp
    if node.kind == "uuid":
        text = node.text

        def uuid(value: Any, row: Row) -> None:
            row[column], row[text] = split_uuid(value)

        return uuid
    if node.kind == "double":
        def double(value: Any, row: Row) -> None:
            row[column] = float(value)

        return double

    def plain(value: Any, row: Row) -> None:
        row[column] = value

    return plain


def _group(node: Group) -> Shred:
    members = [(m.wire, _node(m.node), m.default) for m in node.members]
    presence = node.presence

    def group(value: Any, row: Row) -> None:
        if value is None:
            return
        if presence >= 0:
            row[presence] = True
        for wire, fill, default in members:
            member = value.get(wire, default)
            if member is not None and member is not MISSING:
                fill(member, row)

    return group


def _tagged(node: Tagged) -> Shred:
    tag, content, column = node.tag, node.content, node.column
    variants = {name: _node(variant) for name, variant in node.variants.items()}

    def tagged(value: Any, row: Row) -> None:
        chosen = value[tag]
        row[column] = chosen
        variants[chosen](value[content] if content is not None else value, row)

    return tagged


def _choice(node: Choice) -> Shred:
    column = node.column
    variants = {key: _node(variant) for key, variant in node.variants.items()}

    def choice(value: Any, row: Row) -> None:
        if value.__class__ is str:
            row[column] = value
            return
        ((key, inner),) = value.items()
        row[column] = key
        variants[key](inner, row)

    return choice


def _nested(node: Nested) -> Shred:
    column = node.column
    convert = to_neutral(node.type, node.shape)

    def nested(value: Any, row: Row) -> None:
        row[column] = convert(value)

    return nested


def to_neutral(sql: SqlType, shape: Shape) -> Callable[[Any], Any]:
    """A nested value as the neutral form holds it: floats as float, a data enum or tagged union inside
    a list or map as its structure ({unit, variant...} / {tag, variant...}), everything else as parsed."""
    if sql.kind == "double":
        return float
    if sql.kind in ("list", "map") and sql.item is not None and _needs_conversion(sql.item):
        item = to_neutral(sql.item, shape.item or PLAIN)
        if sql.kind == "list":
            return lambda value: [None if v is None else item(v) for v in value]
        return lambda value: {k: None if v is None else item(v) for k, v in value.items()}
    if sql.kind == "struct":
        fields = dict(sql.fields)
        if shape.kind == "choice":
            keys = {key: to_neutral(fields[key], inner) for key, inner in shape.variants}
            return lambda value: _choice_struct(value, keys)
        if shape.kind == "tagged":
            tag, content = shape.tag, shape.content
            variants = {key: to_neutral(fields[key], inner) for key, inner in shape.variants}
            return lambda value: _tagged_struct(value, tag, content, variants)
        if shape.kind == "object":
            members = [(wire, to_neutral(fields[wire], inner)) for wire, inner, *_ in shape.members]
            return lambda value: {name: None if value.get(name) is None else convert(value[name])
                                  for name, convert in members}
    return _same


def _choice_struct(value: Any, keys: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    if value.__class__ is str:
        return {"unit": value}
    ((key, inner),) = value.items()
    return {"unit": key, key: keys[key](inner)}


def _tagged_struct(value: Any, tag: str, content: str | None,
                   variants: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    chosen = value[tag]
    inner = value[content] if content is not None else {k: v for k, v in value.items() if k != tag}
    return {tag: chosen, chosen: variants[chosen](inner)}


def _needs_conversion(sql: SqlType) -> bool:
    return sql.kind in ("double", "struct") or (sql.item is not None and _needs_conversion(sql.item))


def _same(value: Any) -> Any:
    return value


# --- row -> document ---------------------------------------------------------------------------

def assembler(table: Table) -> Callable[[Any], dict[str, Any]]:
    """A row in the neutral form (any sequence in column order) -> the document in producer form."""
    build = _build_group(table.root, required=True)

    def assemble(row: Any) -> dict[str, Any]:
        document: dict[str, Any] = build(row)
        return document

    return assemble


def _build(node: Node, required: bool) -> Build:
    match node:
        case Scalar():
            return _build_scalar(node)
        case Group():
            return _build_group(node, required)
        case Tagged():
            return _build_tagged(node)
        case Choice():
            return _build_choice(node)
        case Nested():
            return _build_nested(node)


def _build_scalar(node: Scalar) -> Build:
    column = node.column
    if node.kind == "timestamp":
        nanos, text = node.nanos, node.text
        return lambda row: ABSENT if row[column] is None else join_instant(row[column], row[nanos], row[text])
    if node.kind == "uuid":
        text = node.text
        return lambda row: ABSENT if row[column] is None else (row[text] or row[column])
    if node.kind == "double":
        return lambda row: ABSENT if row[column] is None else float(row[column])
    if node.kind == "int":
        return lambda row: ABSENT if row[column] is None else int(row[column])
    return lambda row: ABSENT if row[column] is None else row[column]


def _build_group(node: Group, required: bool) -> Build:
    members = [(m, _build(m.node, m.required)) for m in node.members]
    presence = node.presence

    def group(row: Any) -> Any:
        if presence >= 0 and not row[presence]:
            return ABSENT
        out: dict[str, Any] = {}
        for member, build in members:
            value = build(row)
            if value is ABSENT:
                if not _absent(member, out):
                    continue
            else:
                out[member.wire] = value
        return out

    return group


def _absent(member: Member, out: dict[str, Any]) -> bool:
    """Write what the producers write for a member without a value; False when they leave it out."""
    if member.default is not MISSING:
        out[member.wire] = member.default
    elif member.required or (member.nullable and member.when_none == "null"):
        out[member.wire] = None
    else:
        return False
    return True


def _build_tagged(node: Tagged) -> Build:
    column, tag, content = node.column, node.tag, node.content
    variants = {name: _build(variant, True) for name, variant in node.variants.items()}

    def tagged(row: Any) -> Any:
        chosen = row[column]
        if chosen is None:
            return ABSENT
        value = variants[chosen](row)
        if content is not None:
            return {tag: chosen, content: None if value is ABSENT else value}
        return {tag: chosen, **value}

    return tagged


def _build_choice(node: Choice) -> Build:
    column = node.column
    variants = {key: _build(variant, True) for key, variant in node.variants.items()}

    def choice(row: Any) -> Any:
        chosen = row[column]
        if chosen is None:
            return ABSENT
        build = variants.get(chosen)
        return chosen if build is None else {chosen: build(row)}

    return choice


def _build_nested(node: Nested) -> Build:
    column = node.column
    rebuild = from_neutral(node.type, node.shape)
    return lambda row: ABSENT if row[column] is None else rebuild(row[column])


def from_neutral(sql: SqlType, shape: Shape) -> Callable[[Any], Any]:
    """A nested value from the neutral form into producer form (member order, omitted members)."""
    if sql.kind == "double":
        return float
    if sql.kind == "int":
        return int
    if sql.kind == "list" and sql.item is not None:
        item = from_neutral(sql.item, shape.item or Shape("plain"))
        return lambda value: [None if v is None else item(v) for v in value]
    if sql.kind == "map" and sql.item is not None:
        item = from_neutral(sql.item, shape.item or Shape("plain"))
        return lambda value: {k: None if v is None else item(v) for k, v in value.items()}
    if sql.kind == "struct":
        fields = dict(sql.fields)
        if shape.kind == "object":
            members = [(wire, from_neutral(fields[wire], inner), required, nullable, when_none, default)
                       for wire, inner, required, nullable, when_none, default in shape.members]
            return lambda value: _object(value, members)
        if shape.kind == "choice":
            keys = [(key, from_neutral(fields[key], inner)) for key, inner in shape.variants]
            return lambda value: _unit_or_variant(value, keys)
        if shape.kind == "tagged":
            tag, content = shape.tag, shape.content
            variants = {key: from_neutral(fields[key], inner) for key, inner in shape.variants}
            return lambda value: _tagged_value(value, tag, content, variants)
    return _same


def _object(value: dict[str, Any], members: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for wire, convert, required, nullable, when_none, default in members:
        member = value.get(wire)
        if member is not None:
            out[wire] = convert(member)
        elif default is not MISSING:
            out[wire] = default
        elif required or (nullable and when_none == "null"):
            out[wire] = None
    return out


def _unit_or_variant(value: dict[str, Any], keys: list[tuple[str, Callable[[Any], Any]]]) -> Any:
    for key, convert in keys:
        if value["unit"] == key:
            return {key: None if value.get(key) is None else convert(value[key])}
    return value["unit"]


def _tagged_value(value: dict[str, Any], tag: str, content: str | None,
                  variants: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    chosen = value[tag]
    inner = variants[chosen](value[chosen]) if value.get(chosen) is not None else {}
    if content is not None:
        return {tag: chosen, content: inner}
    return {tag: chosen, **inner}


def variant_finder(table: Table) -> Callable[[Row], str]:
    """row -> its variant label ("telemetry/latency", "custom"), read from the tag columns."""
    top = next(m.node for m in table.root.members if isinstance(m.node, Tagged))

    def find(row: Row) -> str:
        node: Node = top
        label = []
        while isinstance(node, Tagged):
            chosen = row[node.column]
            label.append(chosen)
            node = node.variants[chosen]
        return "/".join(label)

    return find
