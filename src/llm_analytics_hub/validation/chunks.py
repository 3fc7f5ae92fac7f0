"""Validate NDJSON in blocks of whole lines, in this process or in worker processes.

Blocks keep memory flat whatever the input size, and let a large input use every core: the
main process only reads blocks and reports; workers parse and validate them. Results come back
in input order, so output and line numbers are the same as a single-process run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult

from .findings import DocumentResult
from .inputs import JSON_WHITESPACE, Block
from .stream import check_slowly
from .validator import Validator

IN_FLIGHT_PER_WORKER = 2  # blocks queued per worker: enough to keep it busy, bounded memory


@dataclass
class BlockOutcome:
    """What one block of lines produced: exact counts, and the invalid documents in full."""

    documents: int = 0
    valid_by_label: Counter[str] = field(default_factory=Counter)
    invalid: list[DocumentResult] = field(default_factory=list)


_worker_validator: Validator | None = None


def check_block(job: Block, validator: Validator | None = None) -> BlockOutcome:
    checker = validator or _worker_validator
    assert checker is not None, "worker started without a validator"
    source, first_line, block = job
    outcome = BlockOutcome()
    valid_by_label = outcome.valid_by_label
    fast_label = checker.fast_label
    for offset, raw in enumerate(block.split(b"\n")):
        if not raw.strip(JSON_WHITESPACE):
            continue
        outcome.documents += 1
        label = fast_label(raw)
        if label is not None:
            valid_by_label[label] += 1
            continue
        result = check_slowly(raw, checker, source, first_line + offset)
        if result.errors:
            outcome.invalid.append(result)
        else:
            valid_by_label[result.label] += 1
    return outcome


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def validate_blocks(blocks: Iterator[Block], validator: Validator,
                    jobs: int) -> Iterator[BlockOutcome]:
    """Outcomes of all blocks, in order. Uses worker processes once a second block exists."""
    first = next(blocks, None)
    if first is None:
        return
    second = next(blocks, None)
    if second is None or jobs <= 1:
        yield check_block(first, validator)
        if second is not None:
            yield check_block(second, validator)
            for job in blocks:
                yield check_block(job, validator)
        return
    global _worker_validator
    validator.prepare()
    _worker_validator = validator  # inherited, compiled, by the forked workers
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        pending: deque[AsyncResult[BlockOutcome]] = deque()
        for job in _chain(first, second, blocks):
            pending.append(pool.apply_async(check_block, (job,)))
            if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _chain(first: Block, second: Block,
           rest: Iterator[Block]) -> Iterator[Block]:
    yield first
    yield second
    yield from rest
