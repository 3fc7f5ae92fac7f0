"""The loader's fast shredder: a layout compiled into straight-line Python that appends each document's
values to per-column lists, so a batch is already columnar (one list per column of each table).

`rows.shredder` is the plain reading of the same layout (one wide row per document, used to export and
by the tests); `tests/test_storage_layout.py` checks that both give the same values for every example
and corpus event. Here every envelope column gets one value per document, and a variant's columns one
value per document of that variant, in document order; `parts` gets the number of each document's
variant table (Table.parts), so the rows of a variant can be placed among all the batch's rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .instants import split_instant
from .layout import MISSING, Choice, Group, Nested, Node, Scalar, Table, Tagged
from .rows import to_neutral

Shred = Callable[[dict[str, Any]], None]


class _Source:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.part_of = {p: number for number, part in enumerate(table.parts) for p in part.columns[1:] if number}
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"split_instant": split_instant, "MISSING": MISSING}
        self.counter = 0

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def constant(self, value: Any) -> str:
        name = self.fresh("const")
        self.names[name] = value
        return name

    # the columns a node fills -------------------------------------------------------------------

    def columns(self, node: Node) -> list[int]:
        match node:
            case Scalar():
                return [p for p in (node.column, node.nanos, node.text) if p >= 0]
            case Group():
                found = [node.presence] if node.presence >= 0 else []
                for member in node.members:
                    found += self.columns(member.node)
                return found
            case Tagged():
                found = [node.column]
                for variant in node.variants.values():
                    found += self.columns(variant)
                return found
            case Choice():
                found = [node.column]
                for variant in node.variants.values():
                    found += self.columns(variant)
                return found
            case Nested():
                return [node.column]

    def nones(self, depth: int, columns: list[int], part: int) -> None:
        """Append None to every column of `part` among `columns` (the other parts get no row)."""
        for position in columns:
            if self.part_of.get(position, 0) == part:
                self.emit(depth, f"c{position}(None)")

    # values -----------------------------------------------------------------------------------

    def node(self, depth: int, node: Node, value: str, part: int) -> None:
        match node:
            case Scalar():
                self.scalar(depth, node, value)
            case Group():
                if node.presence >= 0:
                    self.emit(depth, f"c{node.presence}(True)")
                for member in node.members:
                    inner = self.fresh("v")
                    if member.required and not member.nullable and not (
                            isinstance(member.node, Nested) and member.node.type.kind == "json"):
                        self.emit(depth, f"{inner} = {value}[{member.wire!r}]")  # validated: it is there
                        self.node(depth, member.node, inner, part)
                        continue
                    self.emit(depth, f"{inner} = {value}.get({member.wire!r})")
                    if member.default is not MISSING:
                        self.emit(depth, f"if {inner} is None: {inner} = {self.constant(member.default)}")
                    self.emit(depth, f"if {inner} is None:")
                    before = len(self.lines)
                    self.nones(depth + 1, self.columns(member.node), part)
                    if len(self.lines) == before:
                        self.emit(depth + 1, "pass")
                    self.emit(depth, "else:")
                    self.node(depth + 1, member.node, inner, part)
            case Tagged():
                tag = self.fresh("t")
                self.emit(depth, f"{tag} = {value}[{node.tag!r}]")
                self.emit(depth, f"c{node.column}({tag})")
                content = self.fresh("d")
                self.emit(depth, f"{content} = {value}[{node.content!r}]" if node.content else f"{content} = {value}")
                for number, (name, variant) in enumerate(node.variants.items()):
                    self.emit(depth, f"{'if' if number == 0 else 'elif'} {tag} == {name!r}:")
                    own = part if isinstance(variant, Tagged) else self.own_part(variant, part)
                    if own != part:
                        self.emit(depth + 1, f"parts({own}); k{own}(K[-1])")
                    self.node(depth + 1, variant, content, own)
                    for other, skipped in node.variants.items():
                        if other != name:
                            self.nones(depth + 1, self.columns(skipped), part)
                self.emit(depth, "else:")
                self.emit(depth + 1, f"raise ValueError('unknown tag ' + repr({tag}))")
            case Choice():
                key = self.fresh("u")
                self.emit(depth, f"if {value}.__class__ is str:")
                self.emit(depth + 1, f"c{node.column}({value})")
                for variant in node.variants.values():
                    self.nones(depth + 1, self.columns(variant), part)
                self.emit(depth, "else:")
                inner = self.fresh("x")
                self.emit(depth + 1, f"(({key}, {inner}),) = {value}.items()")
                self.emit(depth + 1, f"c{node.column}({key})")
                for number, (name, variant) in enumerate(node.variants.items()):
                    self.emit(depth + 1, f"{'if' if number == 0 else 'elif'} {key} == {name!r}:")
                    self.node(depth + 2, variant, inner, part)
                    for other, skipped in node.variants.items():
                        if other != name:
                            self.nones(depth + 2, self.columns(skipped), part)
            case Nested():
                convert = to_neutral(node.type, node.shape)
                if convert.__name__ == "_same":
                    self.emit(depth, f"c{node.column}({value})")
                else:
                    self.emit(depth, f"c{node.column}({self.constant(convert)}({value}))")

    def own_part(self, node: Node, part: int) -> int:
        """The variant table a branch's columns go to (the part of its first column in a variant table)."""
        for position in self.columns(node):
            if self.part_of.get(position, 0):
                return self.part_of[position]
        return part

    def scalar(self, depth: int, node: Scalar, value: str) -> None:
        if node.kind == "timestamp":
            self.emit(depth, f"m, n, t = split_instant({value})")
            self.emit(depth, f"c{node.column}(m); c{node.nanos}(n); c{node.text}(t)")
        elif node.kind == "uuid":
            self.emit(depth, f"low = {value}.lower()")
            self.emit(depth, f"c{node.column}(low); c{node.text}(None if low == {value} else {value})")
        else:
            self.emit(depth, f"c{node.column}({value})")


def compile_shredder(table: Table) -> Callable[..., Shred]:
    """`make(columns, parts, keys)` -> `shred(document)`, appending to `columns[position]`, to `parts` and
    to `keys[n]` the key of each document of variant table n (the envelope's key column is appended first)."""
    source = _Source(table)
    source.node(2, table.root, "doc", 0)
    head = ["def make(columns, parts, keys):", f"    K = columns[{table.parts[0].columns[0]}]"]
    head += [f"    c{p} = columns[{p}].append" for p in range(len(table.columns))]
    head += [f"    k{n} = keys[{n}].append" for n in range(1, len(table.parts))]
    head += ["    def shred(doc):"]
    code = "\n".join(head + source.lines + ["    return shred"])
    namespace = dict(source.names)
    exec(compile(code, f"<shredder of {table.name} {table.version}>", "exec"), namespace)
    make: Callable[..., Shred] = namespace["make"]
    return make
