"""Reporters the Action adds to a validation run: one that fans out, one that keeps the worst findings."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TextIO

from ..errors import InputError
from ..validation.findings import DocumentResult
from ..validation.reporters import Reporter, Tally

# Worst first: an input nobody could read, then a document that is not JSON, then one of an unknown
# version (nothing else about it was checked), then every schema error in input order.
RANK = {"unreadable": 0, "parse": 1, "schema_version": 2}
SCHEMA_ERROR_RANK = 3


@dataclass(frozen=True, order=True)
class Worst:
    rank: int
    order: int  # position in the run, so that equal ranks keep input order
    file: str
    line: int
    pointer: str
    keyword: str
    message: str


class Tee(Reporter):
    """Feeds every event of the run to each of several reporters."""

    def __init__(self, *reporters: Reporter) -> None:
        self.reporters = reporters

    def invalid_document(self, result: DocumentResult) -> None:
        for reporter in self.reporters:
            reporter.invalid_document(result)

    def input_error(self, error: InputError) -> None:
        for reporter in self.reporters:
            reporter.input_error(error)

    def finish(self, tally: Tally) -> None:
        for reporter in self.reporters:
            reporter.finish(tally)


class WorstFindings(Reporter):
    """Keeps the `keep` worst findings of a run, in bounded memory whatever the number of errors."""

    def __init__(self, out: TextIO, err: TextIO, *, keep: int = 10) -> None:
        super().__init__(out, err)
        self.keep = keep
        self.seen = 0
        self.heap: list[tuple[int, int, Worst]] = []  # max-heap by (rank, order) through negation
        self.tally = Tally()

    def _offer(self, worst: Worst) -> None:
        self.seen += 1
        entry = (-worst.rank, -worst.order, worst)
        if len(self.heap) < self.keep:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)

    def invalid_document(self, result: DocumentResult) -> None:
        for finding in result.errors:
            self._offer(Worst(RANK.get(finding.keyword, SCHEMA_ERROR_RANK), self.seen, result.source, result.line,
                              finding.instance_path, finding.keyword, finding.message))

    def input_error(self, error: InputError) -> None:
        self._offer(Worst(RANK["unreadable"], self.seen, error.source, error.line, "", "unreadable", str(error)))

    def finish(self, tally: Tally) -> None:
        self.tally = tally

    @property
    def worst(self) -> list[Worst]:
        return sorted(entry[2] for entry in self.heap)
