"""Nothing lost, for pipelines: `--valid-out DIR` gets the valid lines unchanged, `--invalid-out DIR`
the invalid documents with their findings, as NDJSON. Every document of the input lands in exactly
one of them.

Output names mirror the inputs below their common folder (`dt=2026-11-29/part-1.ndjson.gz` becomes
`dt=2026-11-29/part-1.ndjson`), so a partitioned lake keeps its layout; invalid documents of a .json
input go to `NAME.ndjson`. Where two inputs would get one name (`a.ndjson` and `a.ndjson.gz`), the
later keeps its whole name plus `.ndjson`. A runner that splits one input into several parts written
by different workers names them `part-1.part-00000.ndjson`, ... Files that would be empty are not written.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

from ..errors import HubError
from .core import BlockOutcome
from .findings import DocumentResult
from .inputs import is_url
from .remote import StorageOptions

STDIN_NAME = "stdin.ndjson"


class OutputNames(NamedTuple):
    """Where one input's documents go, relative to --valid-out and --invalid-out."""

    valid: str
    invalid: str


STDIN_OUTPUT = OutputNames(STDIN_NAME, STDIN_NAME)


def _bare(source: str) -> str:
    """The path part of an input name, with '/' separators."""
    path = source.split("://", 1)[1] if is_url(source) else os.path.abspath(source)
    return path.replace(os.sep, "/")


def output_names(sources: Sequence[str]) -> dict[str, OutputNames]:
    """Input name -> its output names (relative, '/'-separated), distinct across the inputs."""
    named = [s for s in sources if s not in ("<stdin>", "-")]
    parents = {posixpath.dirname(_bare(s)) for s in named}
    try:
        common = posixpath.commonpath(sorted(parents)) if parents else ""
    except ValueError:  # a mix of URLs of several stores and local paths
        common = ""
    names = {"<stdin>": STDIN_OUTPUT, "-": STDIN_OUTPUT}
    taken: tuple[set[str], set[str]] = (set(), set())
    for source in named:
        bare = _bare(source)
        relative = posixpath.relpath(bare, common) if common else posixpath.basename(bare)
        plain = relative[: -len(".gz")] if relative.lower().endswith(".gz") else relative
        choices = (plain, _as_ndjson(plain))
        names[source] = OutputNames(*(name if name not in used else relative + ".ndjson"
                                      for name, used in zip(choices, taken, strict=True)))
        for name, used in zip(names[source], taken, strict=True):
            used.add(name)
    return names


def _as_ndjson(name: str) -> str:
    """Invalid documents are always NDJSON records, even those of a .json input."""
    return name[: -len(".json")] + ".ndjson" if name.lower().endswith(".json") else name


def part_name(name: str, index: int, count: int) -> str:
    """The output of part `index` of an input split into `count` parts."""
    if count <= 1:
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.part-{index:05d}.{suffix}" if dot and "/" not in suffix else f"{name}.part-{index:05d}"


def join(folder: str, name: str) -> str:
    return folder.rstrip("/") + "/" + name if is_url(folder) else os.path.join(folder, *name.split("/"))


def invalid_record(result: DocumentResult, raw: bytes) -> bytes:
    """One line of an --invalid-out file: the --format json record plus the label and the document's text."""
    record = {"file": result.source, "line": result.line, "valid": False, "label": result.label,
              "errors": [f.as_dict() for f in result.errors],
              "document": raw.decode("utf-8", "backslashreplace")}
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n"


def valid_bytes(outcome: BlockOutcome) -> bytes:
    return b"".join(line + b"\n" for line in outcome.valid_lines)


def invalid_bytes(outcome: BlockOutcome) -> bytes:
    return b"".join(invalid_record(r, raw) for r, raw in zip(outcome.invalid, outcome.invalid_lines, strict=True))


def _open_output(location: str, storage_options: StorageOptions | None) -> IO[bytes]:
    if is_url(location):
        from fsspec.core import url_to_fs

        fs, path = url_to_fs(location, **(storage_options or {}))
        handle: Any = fs.open(path, "wb")
        return handle  # type: ignore[no-any-return]
    os.makedirs(os.path.dirname(location) or ".", exist_ok=True)
    return open(location, "wb")


class QuarantineWriter:
    """Writes the outcomes of a run, input by input, in order (local runs; the Dask client's invalid side)."""

    def __init__(self, valid_out: str | None, invalid_out: str | None, names: dict[str, OutputNames], *,
                 write_valid: bool = True, storage_options: StorageOptions | None = None) -> None:
        self.valid_out = valid_out if write_valid else None
        self.invalid_out = invalid_out
        self.names = names
        self.storage_options = storage_options
        self._open: dict[str, _Output] = {}
        self._source = ""

    @property
    def wanted(self) -> bool:
        return bool(self.valid_out or self.invalid_out)

    def add(self, outcome: BlockOutcome) -> None:
        if outcome.source != self._source:
            self.close()
            self._source = outcome.source
        name = self.names.get(outcome.source, STDIN_OUTPUT)
        if self.valid_out and outcome.valid_lines:
            self._handle(join(self.valid_out, name.valid)).write(valid_bytes(outcome))
        if self.invalid_out and outcome.invalid:
            self._handle(join(self.invalid_out, name.invalid)).write(invalid_bytes(outcome))

    def _handle(self, location: str) -> _Output:
        handle = self._open.get(location)
        if handle is None:
            try:
                handle = self._open[location] = _Output(location, _open_output(location, self.storage_options))
            except Exception as exc:
                raise write_error(location, exc) from None
        return handle

    def close(self) -> None:
        try:
            for handle in self._open.values():
                handle.close()
        finally:
            self._open.clear()


class _Output:
    """An open output that reports a failed write as one line naming the output."""

    def __init__(self, location: str, handle: IO[bytes]) -> None:
        self.location = location
        self.handle = handle

    def write(self, data: bytes) -> None:
        try:
            self.handle.write(data)
        except Exception as exc:
            raise write_error(self.location, exc) from None

    def close(self) -> None:
        try:
            self.handle.close()
        except Exception as exc:
            raise write_error(self.location, exc) from None


def write_error(location: str, exc: BaseException) -> HubError:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return HubError(f"{location}: cannot write: {reason}")
