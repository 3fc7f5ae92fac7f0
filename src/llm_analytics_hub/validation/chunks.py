"""Validate NDJSON in blocks of whole lines, in this process or in worker processes.

Blocks keep memory flat whatever the input size, and let a large input use every core: the
main process only reads blocks and reports; workers parse and validate them. Results come back
in input order, so output and line numbers are the same as a single-process run.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import InputError
from .core import BlockOutcome, check_lines
from .inputs import Block, read_span
from .validator import Validator

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

__all__ = ["BlockOutcome", "check_block", "default_jobs", "validate_blocks"]

IN_FLIGHT_PER_WORKER = 2  # blocks queued per worker: enough to keep it busy, bounded memory


_worker_validator: Validator | None = None


def check_block(job: Block, validator: Validator | None = None, keep: bool = False) -> BlockOutcome:
    """Check the lines of one block; line numbers in the outcome count from the block's start."""
    checker = validator or _worker_validator
    assert checker is not None, "worker started without a validator"
    source, lines = job
    if not isinstance(lines, bytes):
        try:
            lines = read_span(lines)
        except OSError as exc:
            return BlockOutcome(source=source, error=exc.strerror or str(exc))
    return check_lines(lines, checker, source, keep=keep)


def _numbered(outcomes: Iterator[BlockOutcome]) -> Iterator[BlockOutcome]:
    """Turn block-relative line numbers into line numbers of the input (blocks arrive in order)."""
    before = 0
    for outcome in outcomes:
        if outcome.error:
            raise InputError(outcome.source, before + 1, outcome.error)
        if before:
            outcome.invalid = [replace(result, line=result.line + before) for result in outcome.invalid]
        before += outcome.lines
        yield outcome


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


BlockCheck = Callable[[Block, "Validator | None", bool], BlockOutcome]


def validate_blocks(blocks: Iterator[Block], validator: Validator, jobs: int, *,
                    keep: bool = False, check: BlockCheck | None = None) -> Iterator[BlockOutcome]:
    """Outcomes of all blocks, in order, numbered by input line; `keep` also returns the lines themselves.
    `check` replaces `check_block` in the workers (a picklable module-level function with its signature)."""
    return _numbered(_outcomes_in_order(blocks, validator, jobs, keep, check or check_block))


def _outcomes_in_order(blocks: Iterator[Block], validator: Validator, jobs: int,
                       keep: bool, check_block: BlockCheck = check_block) -> Iterator[BlockOutcome]:
    """Uses worker processes once a second block exists."""
    first = next(blocks, None)
    if first is None:
        return
    second = next(blocks, None)
    if second is None or jobs <= 1:
        yield check_block(first, validator, keep)
        if second is not None:
            yield check_block(second, validator, keep)
            for job in blocks:
                yield check_block(job, validator, keep)
        return
    global _worker_validator
    validator.prepare()
    _worker_validator = validator  # inherited, compiled, by the forked workers
    import multiprocessing  # only for inputs of more than one block: a short input starts faster

    context = multiprocessing.get_context("fork")
    # Objects alive now (modules, schemas, compiled validators) are shared with the workers page by
    # page; a collection in a worker would touch (and so copy) every page. Frozen, it skips them.
    gc.freeze()
    try:
        with context.Pool(jobs) as pool:
            pending: deque[AsyncResult[BlockOutcome]] = deque()
            for job in _chain(first, second, blocks):
                pending.append(pool.apply_async(check_block, (job, None, keep)))
                # hand on finished blocks at once (a slow stream shows progress), wait only when full
                while pending and (len(pending) >= jobs * IN_FLIGHT_PER_WORKER or pending[0].ready()):
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        gc.unfreeze()


def _chain(first: Block, second: Block,
           rest: Iterator[Block]) -> Iterator[Block]:
    yield first
    yield second
    yield from rest
