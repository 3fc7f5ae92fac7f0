"""The loader's native shredder: the table layout as data for the extension (native/src/shred.rs), which
reads a block's valid lines and writes each column's Arrow buffers itself; pyarrow wraps them.

It is one-sided like the native checker: a block it is not certain of (a number or date-time it does not
read exactly as Python does, a default to write out, a key to derive it was not given, a member the
layout does not expect) comes back as None and goes the Python way (`blocks._encode_rows`). Nested values
(lists, maps, JSON) come back as their JSON text and are parsed, converted and encoded here exactly as the
Python path does it, so the batches are the Python path's, value for value
(tests/test_storage_native_shred.py compares the Arrow tables of both on every example and corpus event).
"""

from __future__ import annotations

import json
import uuid
from itertools import pairwise
from typing import Any

from ..validation import native
from ..versions import DEFAULT_VERSION, parse_version
from .columnar import _Source
from .layout import KEY, MISSING, Choice, Group, Nested, Node, Scalar, SqlType, Table, Tagged
from .rows import to_neutral
from .types import arrow_int


class Unsupported(Exception):
    """The layout uses what the native shredder does not model: the Python path does the table."""


def _column_kind(table: Table, position: int, nested: set[int]) -> dict[str, Any]:
    sql = table.columns[position].type
    found = _kind(sql, position in nested, table.columns[position].name)
    found["part"] = table.part_index[position]
    return found


def _kind(sql: SqlType, nested: bool, name: str) -> dict[str, Any]:
    """How the native shredder writes a column: its plain values' buffers, a list or map of plain values
    (offsets over an item column, the Python path's neutral form being the parsed value with floats as
    float), or the JSON text of anything else nested ("raw", which Python converts)."""
    found: dict[str, Any] = {"low": sql.low, "high": sql.high, "item": None}
    item = sql.item
    if nested:
        plain_items = item is not None and item.kind in ("text", "bool", "double", "int") and not sql.exact_json
        if sql.kind in ("list", "map") and plain_items and item is not None:
            found["kind"] = sql.kind
            found["item"] = _kind(item, False, name)
            found["item"]["part"] = 0
            return found
        found["kind"] = "raw"
        return found
    if sql.kind in ("text", "uuid"):
        kind = "str"
    elif sql.kind == "timestamp":
        kind = "ts"
    elif sql.kind == "bool":
        kind = "bool"
    elif sql.kind == "double":
        kind = "f64"
    elif sql.kind == "int":
        name = arrow_int(sql)
        kind = {"int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64"}.get(name, "d128")
        if kind == "d128" and (sql.low is None or sql.high is None or len(str(max(abs(sql.low), abs(sql.high)))) > 38):
            raise Unsupported(name)
    else:
        raise Unsupported(name)
    found["kind"] = kind
    return found


class _Planner:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.source = _Source(table)
        self.nested: dict[int, Nested] = {}

    def own(self, position: int, part: int) -> int:
        if self.table.part_index[position] != part:
            raise Unsupported(f"column {self.table.columns[position].name} outside its part")
        return position

    def node(self, node: Node, part: int) -> dict[str, Any]:
        match node:
            case Scalar():
                if node.kind not in ("text", "uuid", "timestamp", "bool", "double", "int"):
                    raise Unsupported(node.kind)
                return {"t": "scalar", "kind": node.kind, "column": self.own(node.column, part),
                        "nanos": node.nanos if node.nanos < 0 else self.own(node.nanos, part),
                        "text": node.text if node.text < 0 else self.own(node.text, part)}
            case Group():
                members = []
                for member in node.members:
                    json_value = isinstance(member.node, Nested) and member.node.type.kind == "json"
                    members.append({"wire": member.wire, "node": self.node(member.node, part),
                                    "strict": member.required and not member.nullable and not json_value,
                                    "default": None if member.default is MISSING else json.dumps(member.default)})
                presence = node.presence if node.presence < 0 else self.own(node.presence, part)
                return {"t": "group", "presence": presence, "members": members}
            case Tagged():
                variants = []
                for name, variant in node.variants.items():
                    own = part if isinstance(variant, Tagged) else self.source.own_part(variant, part)
                    variants.append((name, own, self.node(variant, own)))
                return {"t": "tagged", "tag": node.tag, "content": node.content,
                        "column": self.own(node.column, part), "variants": variants}
            case Choice():
                return {"t": "choice", "column": self.own(node.column, part),
                        "variants": [(name, self.node(variant, part)) for name, variant in node.variants.items()]}
            case Nested():
                self.nested[node.column] = node
                return {"t": "nested", "column": self.own(node.column, part)}


def plan_document(table: Table) -> tuple[dict[str, Any], dict[int, Nested]]:
    """The layout as the native shredder reads it, and the nested columns' nodes (Unsupported when it cannot)."""
    planner = _Planner(table)
    root = planner.node(table.root, 0)
    parts = [list(part.columns[1 if number else 0:]) for number, part in enumerate(table.parts)]
    columns = [_column_kind(table, position, set(planner.nested)) for position in range(len(table.columns))]
    return {"columns": columns, "parts": parts, "root": root, "key": KEY}, planner.nested


class NativeShredder:
    def __init__(self, table: Table, module: Any) -> None:
        import pyarrow as pa

        document, nested = plan_document(table)
        self.table = table
        self.shredder = module.Shredder(json.dumps(document))
        self.kinds = [c["kind"] for c in document["columns"]]
        self.converters = {p: to_neutral(n.type, n.shape) for p, n in nested.items()}
        from .types import arrow_type

        self.types = [arrow_type(c.type) for c in table.columns]
        self.key_marker = f'"{KEY}"'.encode()
        self.pa = pa

    def rows(self, lines: list[tuple[int, bytes]], forced: str | None, version: str,
             encoder: Any, parse: Any, derive_key: Any) -> tuple[int, dict[str, Any], list[str]] | None:
        """(count, {table name: RecordBatch}, keys) of `lines` for a table of `version` (`forced`: the
        validator's forced version), or None: the block goes the Python way."""
        raws = [raw for _, raw in lines]
        marker = self.key_marker
        keys = [None if marker in raw else derive_key(raw) for raw in raws]
        found = self.shredder.shred(raws, keys)
        if found is None:
            return None
        columns, parts, versions = found
        newest = parse_version(version)
        for declared, _ in versions:
            named = forced or (declared if declared is not None else DEFAULT_VERSION)
            try:
                if parse_version(named) > newest:
                    return None  # the Python path says which line
            except Exception:  # whatever it is, the Python path meets it the same way
                return None
        pa = self.pa
        arrays: list[Any] = [None if kind == "raw" else self._wrap(position, columns[position])
                  for position, kind in enumerate(self.kinds)]
        for position, kind in enumerate(self.kinds):
            if kind == "raw":
                convert = self.converters[position]
                values = [None if r is None else convert(parse(r)) for r in columns[position]]
                arrays[position] = encoder._array(values, position)
        count = len(parts)
        table = self.table
        key = table.parts[0].columns[0]
        batches = {}
        part_of = pa.Array.from_buffers(pa.uint8(), count, [None, pa.py_buffer(parts)])
        import pyarrow.compute as pc

        for number, part in enumerate(table.parts):
            if number == 0:
                chosen = [arrays[p] for p in part.columns]
            else:
                keys_of = pc.filter(arrays[key], pc.equal(part_of, number))
                if not len(keys_of):
                    continue
                chosen = [keys_of] + [arrays[p] for p in part.columns[1:]]
            batches[part.name] = pa.RecordBatch.from_arrays(chosen, schema=encoder.schemas[part.name])
        return count, batches, _texts(arrays[key])

    def _wrap(self, position: int, found: Any) -> Any:
        return self._array(self.types[position], found)

    def _array(self, kind: Any, found: Any, keys: bool = False) -> Any:
        pa = self.pa
        if len(found) == 3:  # a list or map: (length, validity, offsets), keys, items
            (length, valid, offsets), keys, items = found
            buffers = [pa.py_buffer(valid), pa.py_buffer(offsets)]
            if keys is None:
                return pa.Array.from_buffers(kind, length, buffers, children=[self._array(kind.value_type, items)])
            names = self._array(pa.string(), keys, True)
            entries = pa.StructArray.from_arrays([names, self._array(kind.item_type, items)],
                                                 fields=[kind.key_field, kind.item_field])
            return pa.Array.from_buffers(kind, length, buffers, children=[entries])
        length, valid, data, offsets = found
        buffers = [None if keys else pa.py_buffer(valid)]  # a map's keys: never null (Arrow checks it)
        if offsets is not None:
            buffers.append(pa.py_buffer(offsets))
        buffers.append(pa.py_buffer(data))
        return pa.Array.from_buffers(kind, length, buffers, null_count=0 if keys else -1)


def _texts(array: Any) -> list[str]:
    """The values of a string array without nulls, as `to_pylist` gives them, at a seventh of its cost (it
    makes an Arrow scalar of each value first): event ids are ASCII, so byte offsets are text offsets."""
    _, offsets, data = array.buffers()
    if array.null_count or array.offset or data is None:
        return array.to_pylist()  # type: ignore[no-any-return]
    text = data.to_pybytes()
    if not text.isascii():
        return array.to_pylist()  # type: ignore[no-any-return]
    import numpy as np

    bounds = np.frombuffer(offsets, dtype=np.int32, count=len(array) + 1).tolist()
    decoded = text.decode("ascii")
    return [decoded[start:end] for start, end in pairwise(bounds)]


_SHREDDERS: dict[str, NativeShredder | None] = {}


def native_shredder(table: Table) -> NativeShredder | None:
    """The native shredder of a table, or None (no extension, an older one, or a layout it does not model)."""
    if table.version in _SHREDDERS:
        return _SHREDDERS[table.version]
    module = native._NATIVE
    found = None
    if module is not None and hasattr(module, "Shredder"):
        try:
            found = NativeShredder(table, module)
        except (Unsupported, ValueError):
            found = None
    _SHREDDERS[table.version] = found
    return found


def derive_key(namespace: uuid.UUID, strip: bytes) -> Any:
    def derive(raw: bytes) -> str:
        return str(uuid.uuid5(namespace, raw.strip(strip).decode("utf-8", "replace")))

    return derive
