"""Whole inputs checked by Spark tasks: exact line numbers and quarantine outputs, like a local run.

Each task reads its inputs itself (fsspec URLs or paths every executor sees), streams their
documents through the core, writes `valid_out` / `invalid_out` for its inputs (deterministic names:
a retried task rewrites the same files) and yields findings rows. An input that cannot be read
gives one row with valid = null, label "(unreadable)" and the reason as its error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import pyarrow as pa

from ..errors import InputError
from ..validation.core import BlockOutcome, ValidatorSpec, check_whole_document, validator_for
from ..validation.findings import Finding
from ..validation.inputs import (
    JSON_WHITESPACE,
    InputSource,
    input_source,
    is_url,
    read_blocks,
    read_documents,
    read_error,
    read_span,
)
from ..validation.quarantine import OutputNames, QuarantineWriter
from ..validation.remote import GLOB_CHARACTERS, StorageOptions
from ..validation.stream import check_raw
from .arrow import UNREADABLE, FindingsBuilder

ROWS_PER_BATCH = 8192
WRITE_EVERY = 4096  # documents buffered before quarantine outputs are written
LAKE_SUFFIXES = (".ndjson", ".jsonl", ".json", ".ndjson.gz", ".jsonl.gz", ".json.gz")
TASK_DDL = "name string, valid_name string, invalid_name string, error string"


def files_under(path: str, storage_options: StorageOptions | None = None) -> list[str]:
    """The inputs a path names: a file or object as is, every NDJSON/JSON input below a folder or prefix."""
    if GLOB_CHARACTERS & set(path):
        return [path]  # expanded with the others
    if is_url(path):
        from fsspec.core import url_to_fs

        if not path.endswith("/") and not any(path.lower().endswith(s) for s in LAKE_SUFFIXES):
            path += "/"
        if not path.endswith("/"):
            return [path]
        fs, root = url_to_fs(path, **(storage_options or {}))
        protocol = path.split("://", 1)[0]
        return [f"{protocol}://{p}" for p in sorted(fs.find(root)) if p.lower().endswith(LAKE_SUFFIXES)]
    if not os.path.isdir(path):
        return [path]
    found = []
    for folder, _, names in os.walk(path):
        found += [os.path.join(folder, n) for n in names if n.lower().endswith(LAKE_SUFFIXES)]
    return sorted(found)


def _documents(source: InputSource) -> Iterator[tuple[int, bytes]]:
    """(line, document) of an NDJSON input, read in the same blocks as a local run (so a damaged input
    fails at the same point), numbered as a local run numbers them."""
    before = 0
    for _, lines in read_blocks(source):
        if not isinstance(lines, bytes):
            try:
                lines = read_span(lines)
            except OSError as exc:
                raise InputError(source.name, before + 1, read_error(source, exc)) from None
        parts = lines.split(b"\n")
        for offset, raw in enumerate(parts):
            if raw.strip(JSON_WHITESPACE):
                yield before + offset + 1, raw
        before += len(parts) - 1 if lines.endswith(b"\n") else len(parts)


def _check_input(name: str, spec: ValidatorSpec, out: FindingsBuilder,
                 writer: QuarantineWriter) -> Iterator[pa.RecordBatch]:
    validator = validator_for(spec)
    pending = BlockOutcome(source=name)
    try:
        source = input_source(name)
        if source.kind == "json":
            whole = check_whole_document(next(read_documents(source))[1], validator, name, keep=writer.wanted)
            for result in whole.invalid:
                out.add_result(result, 1)
            for label in whole.valid_by_label:
                out.add_valid(name, 1, label)
            writer.add(whole)
            return
        for line, raw in _documents(source):
            result = check_raw(raw, validator, name, line)
            out.add_result(result, line)
            if writer.wanted:
                if result.errors:
                    pending.invalid.append(result)
                    pending.invalid_lines.append(raw)
                else:
                    pending.valid_lines.append(raw)
                if len(pending.valid_lines) + len(pending.invalid) >= WRITE_EVERY:
                    writer.add(pending)
                    pending = BlockOutcome(source=name)
            if len(out) >= ROWS_PER_BATCH:
                yield out.batch()
    except InputError as exc:
        out.add(name, None, None, UNREADABLE, [Finding("", "", "read", str(exc))])
    finally:
        writer.add(pending)
        writer.close()


def check_inputs(batches: Iterable[pa.RecordBatch], spec: ValidatorSpec, valid_out: str | None,
                 invalid_out: str | None, storage_options: StorageOptions | None) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: rows (input name, output names, error) -> findings rows of every document of those inputs;
    an input the driver already found unreadable (error) gives its one unreadable row."""
    out = FindingsBuilder()
    for batch in batches:
        names, valid_names, invalid_names, errors = (batch.column(i).to_pylist() for i in range(4))
        for name, valid_name, invalid_name, error in zip(names, valid_names, invalid_names, errors, strict=True):
            if error:
                out.add(name, None, None, UNREADABLE, [Finding("", "", "read", error)])
                continue
            writer = QuarantineWriter(valid_out, invalid_out, {name: OutputNames(valid_name, invalid_name)},
                                      storage_options=storage_options)
            yield from _check_input(name, spec, out, writer)
    if len(out):
        yield out.batch()
