"""Findings as Arrow record batches: what Spark's mapInArrow tasks yield (no row-at-a-time UDF).

One row per document: file, line (null where unknown), valid (null: the input could not be read),
label, and errors as a list of structs. Imports pyarrow only; Spark itself is not needed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from ..validation.core import ValidatorSpec, validator_for
from ..validation.findings import DocumentResult, Finding
from ..validation.inputs import JSON_WHITESPACE
from ..validation.stream import check_slowly

FINDINGS_DDL = ("file string, line long, valid boolean, label string, "
                "errors array<struct<instance_path:string,schema_path:string,keyword:string,message:string,"
                "hint:string>>")
ERROR_TYPE = pa.struct([("instance_path", pa.string()), ("schema_path", pa.string()), ("keyword", pa.string()),
                        ("message", pa.string()), ("hint", pa.string())])
FINDINGS_SCHEMA = pa.schema([("file", pa.string()), ("line", pa.int64()), ("valid", pa.bool_()),
                             ("label", pa.string()), ("errors", pa.list_(ERROR_TYPE))])
UNREADABLE = "(unreadable)"


class FindingsBuilder:
    """Accumulates rows column by column; `batch()` turns them into one RecordBatch."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.files: list[str | None] = []
        self.lines: list[int | None] = []
        self.valid: list[bool | None] = []
        self.labels: list[str] = []
        self.offsets: list[int] = [0]
        self.errors: list[list[str | None]] = [[], [], [], [], []]

    def __len__(self) -> int:
        return len(self.labels)

    def add_valid(self, file: str | None, line: int | None, label: str) -> None:
        self.files.append(file)
        self.lines.append(line)
        self.valid.append(True)
        self.labels.append(label)
        self.offsets.append(self.offsets[-1])

    def add(self, file: str | None, line: int | None, valid: bool | None, label: str,
            errors: Iterable[Finding]) -> None:
        self.files.append(file)
        self.lines.append(line)
        self.valid.append(valid)
        self.labels.append(label)
        count = 0
        for f in errors:
            count += 1
            self.errors[0].append(f.instance_path)
            self.errors[1].append(f.schema_path)
            self.errors[2].append(f.keyword)
            self.errors[3].append(f.message)
            self.errors[4].append(f.hint)
        self.offsets.append(self.offsets[-1] + count)

    def add_result(self, result: DocumentResult, line: int | None) -> None:
        if result.errors:
            self.add(result.source, line, False, result.label, result.errors)
        else:
            self.add_valid(result.source, line, result.label)

    def batch(self) -> pa.RecordBatch:
        values = pa.StructArray.from_arrays([pa.array(column, pa.string()) for column in self.errors],
                                            fields=list(ERROR_TYPE))
        errors = pa.ListArray.from_arrays(pa.array(self.offsets, pa.int32()), values, type=pa.list_(ERROR_TYPE))
        columns = [pa.array(self.files, pa.string()), pa.array(self.lines, pa.int64()),
                   pa.array(self.valid, pa.bool_()), pa.array(self.labels, pa.string()), errors]
        self._reset()
        return pa.RecordBatch.from_arrays(columns, schema=FINDINGS_SCHEMA)


def findings_of_batches(batches: Iterable[pa.RecordBatch], spec: ValidatorSpec) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: input columns (document, file, line) -> one findings row per non-blank document."""
    validator = validator_for(spec)
    fast_label = validator.prover()
    for batch in batches:
        documents = batch.column(0).cast(pa.binary()).to_pylist()
        files: list[Any] = batch.column(1).to_pylist()
        lines: list[Any] = batch.column(2).to_pylist()
        out = FindingsBuilder()
        for raw, file, line in zip(documents, files, lines, strict=True):
            if raw is None or not raw.strip(JSON_WHITESPACE):
                continue
            label = fast_label(raw)
            if label is not None:
                out.add_valid(file, line, label)
            else:
                out.add_result(check_slowly(raw, validator, file or "", line or 0), line)
        yield out.batch()
