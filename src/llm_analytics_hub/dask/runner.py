"""Run a validation on a Dask `distributed` cluster: one task per part, results in input order.

The client plans the parts, keeps a bounded window of tasks in flight (memory stays flat however
large the lake), and numbers lines per input from the parts' line counts, so numbering, counts and
output are those of a single-machine run. A task whose worker dies is retried by the scheduler;
its result counts once, because only finished tasks are read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from ..errors import HubError, InputError
from ..validation.core import BlockOutcome, ValidatorSpec
from ..validation.inputs import BLOCK_BYTES, InputSource, is_url
from ..validation.quarantine import OutputNames
from ..validation.remote import StorageOptions
from .parts import Part, check_part, plan
from .paths import check_visible, local_folder, localize, make_folder, remove_if_empty

TASKS_PER_THREAD = 8  # in flight per worker thread: enough to hide scheduling latency, bounded memory


def connect(cluster: Any) -> tuple[Any, bool]:
    """(Client, whether we opened it) for a scheduler address or an existing Client."""
    try:
        from distributed import Client
    except ImportError:
        raise HubError("--cluster needs Dask: pip install 'llm-analytics-hub[dask]'") from None
    if isinstance(cluster, Client):
        return cluster, False
    try:
        return Client(cluster, timeout="10s", set_as_default=False), True  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise HubError(f"cannot reach the Dask scheduler at {cluster}: {' '.join(str(exc).split())}") from None


def _planned(sources: Sequence[InputSource | InputError], block_bytes: int,
             storage_options: StorageOptions | None) -> Iterator[Part | InputError]:
    for source in sources:
        if isinstance(source, InputError):
            yield source
            continue
        try:
            yield from plan(source, block_bytes, storage_options)
        except InputError as exc:
            yield exc


def run_on_cluster(sources: Sequence[InputSource | InputError], cluster: Any, spec: ValidatorSpec, *,
                   valid_out: str | None = None, keep_invalid: bool = False,
                   names: dict[str, OutputNames] | None = None, storage_options: StorageOptions | None = None,
                   block_bytes: int = BLOCK_BYTES) -> Iterator[BlockOutcome | InputError]:
    """Outcomes (line numbers of the input) and unreadable inputs, in input order."""
    client, owned = connect(cluster)
    created = None
    try:
        sources = localize(sources)  # relative paths mean the client's folder, not the workers'
        valid_out = local_folder(valid_out)
        if valid_out is not None and not is_url(valid_out):
            created = make_folder(valid_out)
        sources = check_visible(client, sources, valid_out)
        window = max(1, TASKS_PER_THREAD * sum(client.nthreads().values()))
        pending: deque[tuple[Part | InputError, Any]] = deque()
        numbering = _Numbering()
        for item in _planned(sources, block_bytes, storage_options):
            future = None
            if isinstance(item, Part):
                known = (names or {}).get(item.source.name)
                name = known.valid if known else item.source.name.rsplit("/", 1)[-1]
                future = client.submit(check_part, item, spec, valid_out, keep_invalid, name, storage_options,
                                       pure=False)
            pending.append((item, future))
            while len(pending) >= window:
                yield from numbering.take(*pending.popleft())
        while pending:
            yield from numbering.take(*pending.popleft())
    finally:
        if created is not None and valid_out is not None:
            remove_if_empty(valid_out, created)
        if owned:
            client.close()


class _Numbering:
    """Per input: lines before the current part, and whether the input already failed."""

    def __init__(self) -> None:
        self.source = ""
        self.before = 0
        self.failed = False

    def take(self, item: Part | InputError, future: Any) -> Iterator[BlockOutcome | InputError]:
        if isinstance(item, InputError):
            yield item
            return
        outcome: BlockOutcome = future.result()
        future.release()
        if item.source.name != self.source or item.index == 0:
            self.source, self.before, self.failed = item.source.name, 0, False
        if self.failed:
            return
        if outcome.error:
            self.failed = True
            yield InputError(item.source.name, self.before + 1 if item.index else 0, outcome.error)
            return
        if self.before:
            outcome.invalid = [replace(r, line=r.line + self.before) for r in outcome.invalid]
        self.before += outcome.lines
        yield outcome


def dask_runner(cluster: Any, spec: ValidatorSpec, *, valid_out: str | None, names: dict[str, OutputNames],
                storage_options: StorageOptions | None = None, keep_invalid: bool = False) -> Any:
    """A `Runner` for `validation.run.run_validation`: the CLI's --cluster."""

    def run(sources: Sequence[InputSource | InputError]) -> Iterator[BlockOutcome | InputError]:
        return run_on_cluster(sources, cluster, spec, valid_out=valid_out, keep_invalid=keep_invalid, names=names,
                              storage_options=storage_options)

    return run
