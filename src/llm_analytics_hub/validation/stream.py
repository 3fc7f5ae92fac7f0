"""Validate a stream of documents, one result per document, in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from .findings import DocumentResult, Finding
from .inputs import BOM, JSON_WHITESPACE
from .parsing import ParseError, parse_document
from .validator import Validator


def check_raw(raw: bytes, validator: Validator, source: str, line: int) -> DocumentResult:
    label = validator.fast_label(raw)
    if label is not None:
        return DocumentResult(source, line, (), label)
    return check_slowly(raw, validator, source, line)


def check_slowly(raw: bytes, validator: Validator, source: str, line: int) -> DocumentResult:
    """Parse fully and run the precise engine: for documents the fast path could not prove valid."""
    try:
        document = parse_document(raw)
    except ParseError as exc:
        return DocumentResult(source, line, (Finding("", "", "parse", str(exc)),), "(not JSON)")
    return DocumentResult(source, line, validator.check_unproven(document), validator.label(document))


def validate_stream(lines: Iterable[bytes | str] | IO[bytes] | IO[str], validator: Validator | None = None,
                    *, name: str = "<stream>") -> Iterator[DocumentResult]:
    """Validate NDJSON lines (bytes or str, e.g. an open file); blank lines are skipped. Read as
    `llm-hub validate` reads a file: a byte order mark at the start of the first line is skipped."""
    checker = validator or Validator()
    for line_no, line in enumerate(lines, start=1):
        raw = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line
        if line_no == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        if raw.strip(JSON_WHITESPACE):
            yield check_raw(raw, checker, name, line_no)
