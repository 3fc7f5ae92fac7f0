"""Render validation results: text for people, NDJSON for machines, GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from .chunks import BlockOutcome
from .findings import DocumentResult, Finding
from .inputs import InputError


@dataclass
class Tally:
    """Exact counts of one run."""

    documents: int = 0
    valid: int = 0
    invalid: int = 0
    by_label: dict[str, list[int]] = field(default_factory=dict)  # label -> [valid, invalid]
    by_keyword: Counter[str] = field(default_factory=Counter)
    unreadable: list[str] = field(default_factory=list)

    def add_block(self, outcome: BlockOutcome) -> None:
        self.documents += outcome.documents
        for label, count in outcome.valid_by_label.items():
            self.valid += count
            self.by_label.setdefault(label, [0, 0])[0] += count
        for result in outcome.invalid:
            self.invalid += 1
            self.by_label.setdefault(result.label, [0, 0])[1] += 1
            self.by_keyword.update(f.keyword for f in result.errors)

    def as_dict(self) -> dict[str, object]:
        summary: dict[str, object] = {"documents": self.documents, "valid": self.valid, "invalid": self.invalid}
        if self.unreadable:
            summary["unreadable_inputs"] = list(self.unreadable)
        return summary


class Reporter:
    """Base: prints nothing per document, a short summary at the end."""

    def __init__(self, out: TextIO, err: TextIO, *, max_errors: int | None = None, quiet: bool = False) -> None:
        self.out = out
        self.err = err
        self.max_errors = max_errors
        self.quiet = quiet
        self.shown = 0
        self.hidden = 0

    def _take(self, errors: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The errors still to print under --max-errors; the rest are only counted."""
        if self.quiet:
            self.hidden += len(errors)
            return ()
        room = len(errors) if self.max_errors is None else max(0, self.max_errors - self.shown)
        taken = errors[:room]
        self.shown += len(taken)
        self.hidden += len(errors) - len(taken)
        return taken

    def invalid_document(self, result: DocumentResult) -> None:
        raise NotImplementedError

    def input_error(self, error: InputError) -> None:
        self.err.write(f"llm-hub: error: {error}\n")

    def finish(self, tally: Tally) -> None:
        raise NotImplementedError


def _where(instance_path: str) -> str:
    return instance_path or "(root)"


def _one_line(text: str) -> str:
    """Messages quote member names and values as written; keep each error on its own line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class TextReporter(Reporter):
    def invalid_document(self, result: DocumentResult) -> None:
        for f in self._take(result.errors):
            where = _one_line(_where(f.instance_path))
            self.out.write(f"{result.source}:{result.line}: {where}: {_one_line(f.message)} [{f.keyword}]\n")

    def finish(self, tally: Tally) -> None:
        write = self.out.write
        write(f"{tally.documents} documents: {tally.valid} valid, {tally.invalid} invalid\n")
        if tally.by_label:
            parts = []
            for label, (ok, bad) in sorted(tally.by_label.items(), key=lambda kv: (-sum(kv[1]), kv[0])):
                parts.append(f"{label} {ok + bad}" + (f" ({bad} invalid)" if bad else ""))
            write("by type: " + ", ".join(parts) + "\n")
        if tally.by_keyword:
            ranked = sorted(tally.by_keyword.items(), key=lambda kv: (-kv[1], kv[0]))  # ties: by name, on any engine
            write("errors by keyword: " + ", ".join(f"{k} {n}" for k, n in ranked) + "\n")
        if self.hidden and not self.quiet:
            write(f"({self.hidden} more errors not shown; --max-errors {self.max_errors})\n")
        if tally.unreadable:
            write(f"unreadable inputs: {', '.join(tally.unreadable)}\n")


class JsonReporter(Reporter):
    """NDJSON: one object per invalid document, then a summary object (DESIGN.md §4)."""

    def invalid_document(self, result: DocumentResult) -> None:
        if self.quiet:
            return
        errors = self._take(result.errors)
        record = {"file": result.source, "line": result.line, "valid": False,
                  "errors": [f.as_dict() for f in errors]}
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def finish(self, tally: Tally) -> None:
        self.out.write(json.dumps({"summary": tally.as_dict()}) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: one ::error annotation per error."""

    def invalid_document(self, result: DocumentResult) -> None:
        for f in self._take(result.errors):
            title = _escape_property(f"{f.keyword} at {_where(f.instance_path)}")
            place = f"file={_escape_property(result.source)},line={result.line}," if result.source != "<stdin>" else ""
            self.out.write(f"::error {place}title={title}::{_escape_data(f.message)}\n")

    def input_error(self, error: InputError) -> None:
        self.out.write(f"::error file={_escape_property(error.source)}::{_escape_data(str(error))}\n")

    def finish(self, tally: Tally) -> None:
        self.out.write(f"::notice title=llm-hub validate::{tally.documents} documents: "
                       f"{tally.valid} valid, {tally.invalid} invalid\n")


REPORTERS: dict[str, type[Reporter]] = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter}
