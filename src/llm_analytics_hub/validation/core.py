"""The engine-agnostic core every runner shares: the CLI's worker processes, Dask tasks, Spark's
mapInArrow batches.

A `ValidatorSpec` is the small, picklable description of a validator; each process compiles it
once (`validator_for`) and keeps it, because compiled validators (msgspec decoders, jsonschema-rs
validators) cannot be shipped between processes. `check_lines` validates one batch of raw lines
and returns exact counts by label plus the invalid documents with their findings.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .findings import DocumentResult, Finding
from .inputs import JSON_WHITESPACE
from .native import BlockChecker
from .stream import check_raw, check_slowly
from .validator import Engine, Validator


@dataclass(frozen=True)
class ValidatorSpec:
    """What to validate against: type, version (None: each document's schema_version), leniency, lint."""

    schema: str | None = None
    version: str | None = None
    lenient: bool = False
    semantic: bool = False
    engine: Engine = "fast"

    def build(self) -> Validator:
        return Validator(self.schema, self.version, lenient=self.lenient, engine=self.engine, semantic=self.semantic)


_COMPILED: dict[ValidatorSpec, Validator] = {}


def validator_for(spec: ValidatorSpec) -> Validator:
    """This process's compiled validator for `spec`, built on first use."""
    found = _COMPILED.get(spec)
    if found is None:
        found = _COMPILED[spec] = spec.build()
        found.prepare()
    return found


@dataclass
class BlockOutcome:
    """What one block of lines produced: exact counts, and the invalid documents in full."""

    documents: int = 0
    lines: int = 0  # lines in the block, blank ones included: where the next block starts
    source: str = ""
    error: str = ""  # the block could not be read
    valid_by_label: Counter[str] = field(default_factory=Counter)
    invalid: list[DocumentResult] = field(default_factory=list)
    # Only with keep=True (quarantine outputs): the valid lines as read, and each invalid document's text.
    valid_lines: list[bytes] = field(default_factory=list)
    invalid_lines: list[bytes] = field(default_factory=list)
    payload: Any = None  # what a runner's own block function adds (`llm-hub load`: the valid rows, encoded)


def check_lines(lines: bytes, validator: Validator, source: str, *, keep: bool = False) -> BlockOutcome:
    """Check a block of whole NDJSON lines; line numbers in the outcome count from the block's start."""
    outcome = BlockOutcome(source=source)
    if not lines:
        return outcome
    native = None if keep else validator.native_checker()
    if native is not None:
        return _check_natively(lines, validator, native, source)
    valid_by_label = outcome.valid_by_label
    prove = validator.prover()
    keep_valid = outcome.valid_lines.append if keep else None
    documents, offset = 0, -1
    # BytesIO finds line ends with memchr (bytes.split walks byte by byte); each line keeps its "\n"
    for offset, raw in enumerate(io.BytesIO(lines)):
        if raw[0] != 123 and not raw.strip(JSON_WHITESPACE):  # 123: "{", the usual first byte
            continue
        documents += 1
        label = prove(raw)
        if label is None:
            raw = raw.rstrip(b"\n")
            result = check_slowly(raw, validator, source, offset + 1)
            if result.errors:
                outcome.invalid.append(result)
                if keep:
                    outcome.invalid_lines.append(raw)
                continue
            label = result.label
        valid_by_label[label] += 1
        if keep_valid is not None:
            keep_valid(raw.rstrip(b"\n"))
    outcome.documents, outcome.lines = documents, offset + 1
    return outcome


def _check_natively(lines: bytes, validator: Validator, checker: BlockChecker, source: str) -> BlockOutcome:
    """`check_lines` with the native checker proving the lines first (validation/native.py)."""
    documents, count, labels, unproven, unplanned = checker.check(lines)
    if unplanned:  # valid documents of a version without a plan yet: plan every version, check again
        wider = validator.native_checker(all_versions=True)
        if wider is not None and wider is not checker:
            documents, count, labels, unproven, _ = wider.check(lines)
    outcome = BlockOutcome(source=source, documents=documents, lines=count)
    valid_by_label = outcome.valid_by_label
    valid_by_label.update(dict(labels))
    for index, start, end in unproven:
        result = check_slowly(lines[start:end], validator, source, index + 1)
        if result.errors:
            outcome.invalid.append(result)
        else:
            valid_by_label[result.label] += 1
    return outcome


def check_whole_document(data: bytes, validator: Validator, source: str, *, keep: bool = False) -> BlockOutcome:
    """Check the content of a .json input: one document, whatever its line breaks (a leading byte
    order mark already dropped by the reader: one only, as for any text)."""
    outcome = BlockOutcome(source=source, documents=1, lines=data.count(b"\n") + 1)
    if not data.strip(JSON_WHITESPACE):
        result = DocumentResult(source, 1, (Finding("", "", "parse", "empty file: no JSON document"),), "(not JSON)")
    else:
        result = check_raw(data, validator, source, 1)
    if result.errors:
        outcome.invalid.append(result)
        if keep:
            outcome.invalid_lines.append(data)
    else:
        outcome.valid_by_label[result.label] += 1
        if keep:
            outcome.valid_lines.append(data)
    return outcome
