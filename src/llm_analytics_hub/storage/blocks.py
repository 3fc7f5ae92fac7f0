"""The loader's block function: what each worker does with one block of NDJSON lines.

It validates the block exactly as `llm-hub validate` does (`validation.core.check_lines`, the native
checker first), then parses the valid lines and turns them into rows of the target table, encoded for
the store (an Arrow batch or COPY text), so the main process only writes. The result rides on the
block's `BlockOutcome.payload`; the counts and findings are the validator's own.
"""

from __future__ import annotations

import gc
import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from ..validation import chunks
from ..validation.core import BlockOutcome, check_lines, check_whole_document
from ..validation.inputs import JSON_WHITESPACE, Block, read_span
from ..validation.validator import Validator
from ..versions import DEFAULT_VERSION, parse_version
from . import handoff
from .columnar import compile_shredder
from .encode import Columns
from .layout import KEY, Table, events_table
from .native_shred import derive_key, native_shredder

Encoding = Literal["arrow", "arrow-wide", "copy"]
# Events without an event_id get one derived from their text, so loading the same line twice stays idempotent.
ID_NAMESPACE = uuid.UUID("6f1d4a52-8c1e-4b8e-9a3e-2f0c5d7b9e11")
_derive_key = derive_key(ID_NAMESPACE, JSON_WHITESPACE)


@dataclass(frozen=True)
class Target:
    """What the rows must fit: the table's schema version and how the store takes them."""

    version: str
    encoding: Encoding


@dataclass
class Rows:
    """The valid documents of one block, ready to write."""

    count: int
    data: Any  # {table name: a pyarrow RecordBatch, or COPY text (bytes)}; handoff.Sent between processes
    keys: list[str]  # event_id of each row, in order
    too_new: tuple[int, str] | None = None  # (line in the block, version) of a document newer than the table


_TARGET: list[Target] = []  # set by the loader before the workers fork
_ENCODERS: dict[Target, Any] = {}


def set_target(target: Target) -> None:
    """The table the rows must fit. Its shredder and encoder are compiled here and run once on the
    version's examples, so that workers forked afterwards inherit them warm (pyarrow's first arrays of
    each type are slow to build)."""
    _TARGET[:] = [target]
    table = events_table(target.version)
    from ..schema_store import load_version

    columns = Columns(table)
    shred = _shredder(table)(columns.values, columns.parts.append, columns.keys)
    for example in load_version(target.version).lookup(table.type_name).examples:
        shred(example)
    columns.count = len(columns.parts)
    _encoder(target).batch(columns)
    shredder = native_shredder(table) if target.encoding == "arrow" else None
    if shredder is not None:  # its first batch imports and warms pyarrow's compute functions
        lines = [orjson.dumps(example) for example in load_version(target.version).lookup(table.type_name).examples]
        shredder.rows(list(enumerate(lines, start=1)), None, target.version, _encoder(target), _parse, _derive_key)


def _encoder(target: Target) -> Any:
    found = _ENCODERS.get(target)
    if found is None:
        table = events_table(target.version)
        if target.encoding == "copy":
            from .copy_text import CopyEncoder

            found = CopyEncoder(table)
        else:
            from .encode import ArrowEncoder

            found = ArrowEncoder(table, wide=target.encoding == "arrow-wide")
        _ENCODERS[target] = found
    return found


def load_block(job: Block, validator: Validator | None = None, keep: bool = False) -> BlockOutcome:
    """`check_block` of the loader: validate the block, then encode its valid documents as rows."""
    checker = validator or chunks._worker_validator
    assert checker is not None and _TARGET, "worker started without a validator or a target"
    source, lines = job
    if not isinstance(lines, bytes):
        try:
            lines = read_span(lines)
        except OSError as exc:
            return BlockOutcome(source=source, error=exc.strerror or str(exc))
    outcome = check_lines(lines, checker, source)
    invalid = {result.line for result in outcome.invalid}
    pieces = lines.split(b"\n")  # the lines check_lines numbered (it cuts after each "\n" too)
    if pieces and not pieces[-1]:
        pieces.pop()
    valid = [(number, raw) for number, raw in enumerate(pieces, start=1)
             if raw and (raw[0] == 123 or raw.strip(JSON_WHITESPACE)) and number not in invalid]
    if keep:
        outcome.invalid_lines = [pieces[result.line - 1] for result in outcome.invalid]
        outcome.valid_lines = [raw for _, raw in valid]
    rows = encode_rows(valid, checker, _TARGET[0])
    sent = handoff.send(rows.data, rows.keys)
    if sent is not None:
        rows.data, rows.keys = sent, []
    outcome.payload = rows
    return outcome


def receive(rows: Rows, channel: handoff.Channel | None) -> Rows:
    """In the loader: the rows of a block as the worker encoded them, taken from shared memory when they
    came that way (handoff.py)."""
    if isinstance(rows.data, handoff.Sent):
        assert channel is not None, "rows sent without a channel"
        rows.data, rows.keys = channel.receive(rows.data, getattr(_encoder(_TARGET[0]), "schemas", {}))
    return rows


def load_document(data: bytes, validator: Validator, source: str, target: Target, keep: bool) -> BlockOutcome:
    """A .json input: one document."""
    outcome = check_whole_document(data, validator, source, keep=True)
    outcome.payload = encode_rows([(1, line) for line in outcome.valid_lines], validator, target)
    if not keep:
        outcome.valid_lines, outcome.invalid_lines = [], []
    return outcome


def encode_rows(lines: list[tuple[int, bytes]], validator: Validator, target: Target) -> Rows:
    """The documents of `lines` as rows of the target table. The cyclic garbage collector is off meanwhile:
    parsing makes a few dicts and lists per document, none in a cycle, and the collections they would
    trigger cost more than the parsing and shredding together (26 µs a line with it on, 12 µs off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        if target.encoding == "arrow":
            shredder = native_shredder(events_table(target.version))
            if shredder is not None:
                found = shredder.rows(lines, validator.forced_version, target.version, _encoder(target), _parse,
                                      _derive_key)
                if found is not None:
                    return Rows(*found)
        return _encode_rows(lines, validator, target)
    finally:
        if enabled:
            gc.enable()


def _encode_rows(lines: list[tuple[int, bytes]], validator: Validator, target: Target) -> Rows:
    table = events_table(target.version)
    columns = Columns(table)
    shred = _shredder(table)(columns.values, columns.parts.append, columns.keys)
    newest = parse_version(target.version)
    seen: dict[str, bool] = {target.version: False}
    for number, raw in lines:
        document = _parse(raw)
        declared = validator.version_of(document)
        too_new = seen.get(declared)
        if too_new is None:
            too_new = seen[declared] = parse_version(declared) > newest
        if too_new:
            return Rows(0, None, [], (number, declared))
        if KEY not in document:
            document[KEY] = str(uuid.uuid5(ID_NAMESPACE, raw.strip(JSON_WHITESPACE).decode("utf-8", "replace")))
        shred(document)
    columns.count = len(columns.parts)
    keys = columns.values[table.parts[0].columns[0]]
    return Rows(columns.count, _encoder(target).batch(columns), keys)


_SHREDDERS: dict[str, Any] = {}


def _shredder(table: Table) -> Any:
    found = _SHREDDERS.get(table.version)
    if found is None:
        found = _SHREDDERS[table.version] = compile_shredder(table)
    return found


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:  # integers past 64 bits inside free-form JSON: Python's parser takes them
        return json.loads(raw)


__all__ = ["DEFAULT_VERSION", "Rows", "Target", "encode_rows", "load_block", "load_document", "set_target"]
