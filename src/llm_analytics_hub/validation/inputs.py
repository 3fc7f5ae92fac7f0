"""Where documents come from: .json, .ndjson/.jsonl (optionally .gz) files and stdin."""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

BOM = b"\xef\xbb\xbf"
Kind = Literal["json", "ndjson"]
SUFFIX_KINDS: dict[str, Kind] = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}


class InputError(Exception):
    """An input that cannot be read (missing, a directory, unreadable, corrupt compression)."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}:{line}: cannot read: {reason}" if line else f"{source}: cannot read: {reason}")
        self.source = source
        self.line = line


@dataclass(frozen=True)
class InputSource:
    name: str  # as the user wrote it; "<stdin>" for -
    path: Path | None  # None for stdin
    kind: Kind
    compressed: bool

    def size(self) -> int | None:
        try:
            return self.path.stat().st_size if self.path else None
        except OSError:
            return None


def input_source(argument: str, stdin_kind: Kind = "ndjson") -> InputSource:
    """Classify one command-line path; raises InputError for a name whose kind is unknown."""
    if argument == "-":
        return InputSource("<stdin>", None, stdin_kind, False)
    path = Path(argument)
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    kind = SUFFIX_KINDS.get(suffixes[-2] if compressed and len(suffixes) > 1 else (suffixes or [""])[-1])
    if kind is None:
        raise InputError(argument, 0, "unknown input kind; name it .json, .ndjson or .jsonl (optionally .gz)")
    return InputSource(argument, path, kind, compressed)


def _open(source: InputSource) -> BinaryIO:
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
    handle = _open(source)
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
            if line.strip():
                yield line_no, line
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(source.name, line_no + 1, str(exc) or type(exc).__name__) from None
    finally:
        if source.path is not None:
            handle.close()
