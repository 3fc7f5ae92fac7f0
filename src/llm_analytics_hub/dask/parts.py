"""The unit of work of a cluster run: one part of one input, read and checked by one task.

A plain NDJSON input is cut into byte ranges; the task reading a range owns the lines that start
in it (it reads one byte before the range to see whether a line starts there, and past the range's
end to finish its last line), so no process reads the input twice and the parts cover every line
exactly once. A .gz or .json input is one part, read whole. Stdin is read here and shipped as bytes.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError
from ..validation.core import BlockOutcome, ValidatorSpec, check_lines, check_whole_document, validator_for
from ..validation.inputs import BLOCK_BYTES, BOM, InputSource, read_blocks, read_error
from ..validation.quarantine import join, part_name, valid_bytes, write_error
from ..validation.remote import StorageOptions, read_url, size_of, write_url

TAIL_READ = 1 << 16  # bytes read at a time past a range's end, until its last line ends


@dataclass(frozen=True)
class Part:
    source: InputSource
    index: int
    count: int
    start: int = 0
    end: int = -1  # -1: to the end (whole input)
    data: bytes | None = None  # stdin, read by the client


def _size(source: InputSource, storage_options: StorageOptions | None) -> int:
    return size_of(source.url, storage_options) if source.url else os.path.getsize(str(source.path))


def plan(source: InputSource, block_bytes: int = BLOCK_BYTES,
         storage_options: StorageOptions | None = None) -> Iterator[Part]:
    """The parts of one input; raises InputError when it cannot be found."""
    if source.is_stdin:
        blocks = list(read_blocks(source))
        for index, (_, lines) in enumerate(blocks):
            assert isinstance(lines, bytes)
            yield Part(source, index, len(blocks), data=lines)
        return
    if source.path is not None and source.path.is_dir():
        raise InputError(source.name, 0, "is a directory")
    try:
        size = _size(source, storage_options)
    except Exception as exc:
        raise InputError(source.name, 0, read_error(source, exc)) from None
    if source.compressed or source.kind == "json" or size <= block_bytes:
        yield Part(source, 0, 1)
        return
    count = -(-size // block_bytes)
    for index in range(count):
        yield Part(source, index, count, index * block_bytes, min(size, (index + 1) * block_bytes))


def _read(source: InputSource, start: int, end: int, storage_options: StorageOptions | None) -> bytes:
    if source.url:
        return read_url(source.url, storage_options, start, None if end < 0 else end)
    with open(str(source.path), "rb") as handle:
        handle.seek(start)
        return handle.read() if end < 0 else handle.read(end - start)


def read_part(part: Part, storage_options: StorageOptions | None = None) -> bytes:
    """The whole lines a part owns (decompressed; a leading byte order mark dropped)."""
    source = part.source
    if part.data is not None:
        return part.data
    if part.end < 0:
        data = _read(source, 0, -1, storage_options)
        if source.compressed:
            data = gzip.decompress(data)
        return data[len(BOM):] if data.startswith(BOM) else data
    begin = max(part.start - 1, 0)
    data = _read(source, begin, part.end, storage_options)
    if part.start > 0:
        data = data[data.find(b"\n") + 1:] if b"\n" in data else b""  # the line begun before belongs to a part before
        if not data:
            return b""
    elif data.startswith(BOM):
        data = data[len(BOM):]
    position = part.end
    while not data.endswith(b"\n"):
        more = _read(source, position, position + TAIL_READ, storage_options)
        if not more:
            break
        newline = more.find(b"\n")
        data += more if newline < 0 else more[: newline + 1]
        position += len(more)
    return data


def check_part(part: Part, spec: ValidatorSpec, valid_out: str | None, keep_invalid: bool,
               output_name: str, storage_options: StorageOptions | None = None) -> BlockOutcome:
    """A task: read, check and (with valid_out) write the valid lines of one part; line numbers are part-relative."""
    source = part.source
    try:
        data = read_part(part, storage_options)
    except Exception as exc:
        return BlockOutcome(source=source.name, error=read_error(source, exc))
    validator = validator_for(spec)
    keep = bool(valid_out) or keep_invalid
    if source.kind == "json":
        outcome = check_whole_document(data, validator, source.name, keep=keep)
    else:
        outcome = check_lines(data, validator, source.name, keep=keep)
    if valid_out and outcome.valid_lines:
        target = join(valid_out, part_name(output_name, part.index, part.count))
        try:
            write_url(target, valid_bytes(outcome), storage_options)
        except Exception as exc:
            raise write_error(target, exc) from None  # the client reports it as one line
    outcome.valid_lines = []
    if not keep_invalid:
        outcome.invalid_lines = []
    return outcome
