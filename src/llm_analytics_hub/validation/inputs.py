"""Where documents come from: .json, .ndjson/.jsonl (optionally .gz) files, fsspec URLs and stdin."""

from __future__ import annotations

import gzip
import os
import select
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ..errors import InputError
from ..json_text import BOM as BOM  # re-exported: the readers here and elsewhere strip it
from .remote import StorageOptions, expand_url, open_url

JSON_WHITESPACE = b" \t\r\n"  # a line of only these is blank; anything else is a document
Kind = Literal["json", "ndjson"]
BLOCK_BYTES = 1 << 22  # 4 MiB of whole lines per block
STREAM_PAUSE = 0.2  # seconds without input after which a stream's lines so far are checked
READ_ERRORS = (OSError, EOFError, zlib.error)
SUFFIX_KINDS: dict[str, Kind] = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}


@dataclass(frozen=True)
class InputSource:
    name: str  # as the user wrote it; "<stdin>" for -
    path: Path | None  # None for stdin and URLs
    kind: Kind
    compressed: bool
    url: str | None = None  # an fsspec URL (s3://bucket/key, gs://..., memory://...)

    @property
    def is_stdin(self) -> bool:
        return self.path is None and self.url is None

    def size(self) -> int | None:
        try:
            return self.path.stat().st_size if self.path else None
        except OSError:
            return None


def input_source(argument: str, stdin_kind: Kind = "ndjson") -> InputSource:
    """Classify one command-line path; raises InputError for a name whose kind is unknown."""
    if argument == "-":
        return InputSource("<stdin>", None, stdin_kind, False)
    url = argument if is_url(argument) else None
    path = Path(argument.split("://", 1)[1] if url else argument)
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    kind = SUFFIX_KINDS.get(suffixes[-2] if compressed and len(suffixes) > 1 else (suffixes or [""])[-1])
    if kind is None:
        raise InputError(argument, 0, "unknown input kind; name it .json, .ndjson or .jsonl (optionally .gz)")
    return InputSource(argument, None if url else path, kind, compressed, url)


def is_url(argument: str) -> bool:
    return "://" in argument


def read_error(source: InputSource, exc: BaseException) -> str:
    """One line saying why an input could not be read (remote stores raise their own exception types)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if source.url is not None and isinstance(exc, PermissionError) and text == "Forbidden":  # a HEAD answer: no reason
        return "access denied (403 Forbidden): check the credentials and the object's permissions"
    return text if isinstance(exc, READ_ERRORS) else f"{type(exc).__name__}: {text}"


def _is_read_error(source: InputSource, exc: Exception) -> bool:
    return isinstance(exc, READ_ERRORS) or source.url is not None


def open_source(source: InputSource) -> BinaryIO:
    if source.url is not None:
        try:
            remote = open_url(source.url)
        except Exception as exc:
            raise InputError(source.name, 0, read_error(source, exc)) from None
        return gzip.GzipFile(fileobj=remote, mode="rb") if source.compressed else remote  # type: ignore[return-value]
    if source.path is None:
        return sys.stdin.buffer
    if source.path.is_dir():
        raise InputError(source.name, 0, "is a directory")
    try:
        handle: BinaryIO = open(source.path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise InputError(source.name, 0, exc.strerror or str(exc)) from None
    if source.compressed:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def read_documents(source: InputSource) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of every document; blank lines are skipped, every other line counts."""
    handle = open_source(source)
    line_no = 0
    try:
        if source.kind == "json":
            data = handle.read()
            if data.startswith(BOM):
                data = data[len(BOM):]
            yield 1, data
            return
        for line_no, line in enumerate(handle, start=1):
            if line_no == 1 and line.startswith(BOM):
                line = line[len(BOM):]
            if line.strip(JSON_WHITESPACE):
                yield line_no, line
    except Exception as exc:
        if not _is_read_error(source, exc):
            raise
        raise InputError(source.name, line_no + 1, read_error(source, exc)) from None
    finally:
        if not source.is_stdin:
            handle.close()


FileSpan = tuple[str, int, int]  # (path, start offset, end offset) of whole lines in a plain file
Block = tuple[str, "bytes | FileSpan"]  # (source name, the lines, or where a worker reads them)


def _split_blocks(handle: BinaryIO, source: str) -> Iterator[Block]:
    """Blocks that end at a line break; a UTF-8 byte order mark at the very start is dropped."""
    pending = b""
    at_start = True
    while True:
        block = handle.read(BLOCK_BYTES)
        if at_start and block.startswith(BOM):
            block = block[len(BOM):]
        at_start = False
        if not block:
            if pending:
                yield source, pending
            return
        block = pending + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:  # one line longer than a block: keep reading until it ends
            pending = block
            continue
        pending = block[cut:]
        yield source, block[:cut]


def _stream_blocks(handle: BinaryIO, source: str) -> Iterator[Block]:
    """Blocks of a pipe or terminal (stdin): up to BLOCK_BYTES, but whatever whole lines have come
    when the writer pauses for STREAM_PAUSE seconds or the block is STREAM_PAUSE * 4 old, so a slow
    or live stream is checked (and its progress drawn) as it arrives, not when 4 MiB have piled up."""
    fd = handle.fileno()  # read unbuffered, so that select() sees exactly what is left to read
    pending = b""
    parts: list[bytes] = []
    size = 0
    at_start = True
    started = 0.0
    while True:
        if size and (time.monotonic() - started > 4 * STREAM_PAUSE or not _ready(fd, STREAM_PAUSE)):
            data, parts, size = pending + b"".join(parts), [], 0
            cut = data.rfind(b"\n") + 1
            pending = data[cut:]
            if cut:
                yield source, data[:cut]
            continue
        chunk = os.read(fd, BLOCK_BYTES - size)
        if at_start and chunk.startswith(BOM):
            chunk = chunk[len(BOM):]
        at_start = False
        if not chunk:
            rest = pending + b"".join(parts)
            if rest:
                yield source, rest
            return
        if not size:
            started = time.monotonic()
        parts.append(chunk)
        size += len(chunk)
        if size >= BLOCK_BYTES:
            data, parts, size = pending + b"".join(parts), [], 0
            cut = data.rfind(b"\n") + 1
            pending = data[cut:]
            if cut:
                yield source, data[:cut]


def _ready(fd: int, timeout: float) -> bool:
    """Whether more of a stream can be read without waiting longer than `timeout`."""
    try:
        readable, _, _ = select.select([fd], [], [], timeout)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _has_fd(handle: BinaryIO) -> bool:
    try:
        handle.fileno()
    except (OSError, ValueError, AttributeError):  # e.g. a test runner's in-memory stdin
        return False
    return True


def _plan_spans(handle: BinaryIO, source: InputSource) -> Iterator[Block]:
    """Spans of a plain file, cut after a line break: the main process reads only the cut points."""
    size = os.fstat(handle.fileno()).st_size
    start = 0
    while start < size:
        end = min(start + BLOCK_BYTES, size)
        handle.seek(end)
        while end < size:
            chunk = handle.read(1 << 16)
            if not chunk:
                end = size
                break
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        yield source.name, (str(source.path), start, end)
        start = end


def read_span(span: FileSpan) -> bytes:
    path, start, end = span
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    return data[len(BOM):] if start == 0 and data.startswith(BOM) else data


def read_blocks(source: InputSource) -> Iterator[Block]:
    """Blocks of whole lines of an NDJSON input; raises InputError if it cannot be read."""
    handle = open_source(source)
    try:
        if source.path is not None and not source.compressed and source.path.is_file():
            yield from _plan_spans(handle, source)
        elif source.is_stdin and _has_fd(handle):
            yield from _stream_blocks(handle, source.name)
        else:
            yield from _split_blocks(handle, source.name)
    except Exception as exc:
        if not _is_read_error(source, exc):
            raise
        raise InputError(source.name, 0, read_error(source, exc)) from None
    finally:
        if not source.is_stdin:
            handle.close()


def collect_sources(paths: Sequence[str], stdin_format: Kind = "ndjson",
                    storage_options: StorageOptions | None = None) -> list[InputSource | InputError]:
    """Classify every argument; URL globs (`s3://bucket/dt=*/*.ndjson.gz`) expand to the objects they match."""
    sources: list[InputSource | InputError] = []
    for path in paths:
        names = [path]
        if is_url(path):
            try:
                names = expand_url(path, storage_options)
            except Exception as exc:
                sources.append(InputError(path, 0, read_error(InputSource(path, None, "ndjson", False, path), exc)))
                continue
            if not names:
                sources.append(InputError(path, 0, "no object matches"))
                continue
        for name in names:
            try:
                sources.append(input_source(name, stdin_format))
            except InputError as exc:
                sources.append(exc)
    return sources
