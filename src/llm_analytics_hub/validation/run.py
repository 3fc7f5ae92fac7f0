"""Validate a list of inputs and report: the work behind `llm-hub validate`, the CI action and the
cluster runners, without a CLI. `run_validation` returns the exit code; a `Runner` decides where the
documents are checked (this machine's worker processes by default, a Dask cluster in dask/)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TextIO

from ..errors import InputError
from .chunks import validate_blocks
from .core import BlockOutcome, check_whole_document
from .inputs import InputSource, read_blocks, read_documents
from .progress import Progress
from .quarantine import QuarantineWriter
from .reporters import REPORTERS, Reporter, Tally
from .validator import Validator

Runner = Callable[[Sequence["InputSource | InputError"]], Iterator["BlockOutcome | InputError"]]


def local_runner(validator: Validator, jobs: int, *, keep: bool = False) -> Runner:
    """Inputs one after the other, NDJSON in blocks over `jobs` worker processes of this machine."""

    def run(sources: Sequence[InputSource | InputError]) -> Iterator[BlockOutcome | InputError]:
        for source in sources:
            if isinstance(source, InputError):
                yield source
                continue
            try:
                yield from _outcomes(source, validator, jobs, keep)
            except InputError as exc:
                yield exc

    return run


def _outcomes(source: InputSource, validator: Validator, jobs: int, keep: bool) -> Iterator[BlockOutcome]:
    if source.kind == "ndjson":
        yield from validate_blocks(read_blocks(source), validator, jobs, keep=keep)
        return
    for line, raw in read_documents(source):  # a .json input: one document
        assert line == 1
        yield check_whole_document(raw, validator, source.name, keep=keep)
        return
    yield check_whole_document(b"", validator, source.name, keep=keep)


def run_validation(sources: Sequence[InputSource | InputError], validator: Validator, fmt: str, out: TextIO,
                   err: TextIO, *, max_errors: int | None = None, quiet: bool = False,
                   progress: bool = False, jobs: int = 1, runner: Runner | None = None,
                   quarantine: QuarantineWriter | None = None) -> int:
    """Validate every source, report, and return the exit code (0 valid, 1 invalid, 2 unreadable)."""
    reporter = REPORTERS[fmt](out, err, max_errors=max_errors, quiet=quiet)
    return exit_code(report_sources(sources, validator, reporter, err, progress=progress, jobs=jobs, runner=runner,
                                    quarantine=quarantine))


def exit_code(tally: Tally) -> int:
    if tally.unreadable:
        return 2
    return 1 if tally.invalid else 0


def report_sources(sources: Sequence[InputSource | InputError], validator: Validator, reporter: Reporter,
                   err: TextIO, *, progress: bool = False, jobs: int = 1, runner: Runner | None = None,
                   quarantine: QuarantineWriter | None = None) -> Tally:
    """Validate every source, feed each invalid document and unreadable input to `reporter`, count."""
    tally = Tally()
    bar = Progress(err, enabled=progress)
    run = runner or local_runner(validator, jobs, keep=bool(quarantine and quarantine.wanted))
    try:
        for item in run(sources):
            if isinstance(item, InputError):
                tally.unreadable.append(item.source)
                reporter.input_error(item)
                continue
            tally.add_block(item)
            for result in item.invalid:
                reporter.invalid_document(result)
            if quarantine is not None:
                quarantine.add(item)
            bar.tick(tally.documents, tally.invalid)
    finally:
        bar.close()
        if quarantine is not None:
            quarantine.close()
    reporter.finish(tally)
    return tally
