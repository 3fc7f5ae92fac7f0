"""`llm-hub load`: validate like `llm-hub validate` and write the valid events into a store.

The run is `validate`'s: the same sources, validator, block runner (worker processes over blocks of
lines), reporters, quarantine outputs, progress bar and exit codes. The one difference is the block
function (`blocks.load_block`: validate, then encode the valid lines as rows) and that each block's rows
are written, one transaction per block, before its outcome is reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TextIO

from ..errors import HubError, InputError
from ..validation.chunks import validate_blocks
from ..validation.core import BlockOutcome
from ..validation.inputs import InputSource, read_blocks, read_documents
from ..validation.quarantine import QuarantineWriter
from ..validation.reporters import REPORTERS
from ..validation.run import Runner, exit_code, report_sources
from ..validation.validator import Validator
from ..versions import available_versions, parse_version
from .blocks import Rows, Target, load_block, load_document, receive, set_target
from .handoff import Channel, close_channel, open_channel
from .layout import EVENTS_TABLE, Table, events_table
from .stores import Store


@dataclass
class LoadCounts:
    new: int = 0
    present: int = 0


def prepare(store: Store) -> str:
    """The version the store's events table follows, creating the table (newest version) when missing."""
    known = available_versions()
    version = store.table_version()
    if version is None:
        version = known[-1]
        store.create(events_table(version))
    elif version not in known:
        raise HubError(f"{store.url}: table {EVENTS_TABLE} follows schema version {version}, which this llm-hub "
                       f"does not know (known: {', '.join(known)}); use the llm-hub that created it")
    return version


def migration_hint(store: Store, table_version: str, wanted: str) -> str:
    dialect = "postgres" if store.dialect == "postgres" else "duckdb"
    apply = f" --apply {store.url}" if store.dialect != "postgres" else f" --apply '{store.url}'"
    return f"llm-hub migrate {table_version} {wanted} --dialect {dialect}{apply}"


def load_runner(validator: Validator, jobs: int, keep: bool, store: Store, table: Table, target: Target,
                counts: LoadCounts, channel: Channel | None = None) -> Runner:
    def run(sources: Sequence[InputSource | InputError]) -> Iterator[BlockOutcome | InputError]:
        for source in sources:
            if isinstance(source, InputError):
                yield source
                continue
            written = _streamed if store.streams else _written
            try:
                yield from written(source, _outcomes(source, validator, jobs, keep, target, channel), store, table,
                                   counts)
            except InputError as exc:
                yield exc

    return run


def _outcomes(source: InputSource, validator: Validator, jobs: int, keep: bool,
              target: Target, channel: Channel | None) -> Iterator[BlockOutcome]:
    if source.kind == "ndjson":
        for outcome in validate_blocks(read_blocks(source), validator, jobs, keep=keep, check=load_block):
            if outcome.payload is not None:
                outcome.payload = receive(outcome.payload, channel)
            yield outcome
        return
    for _, raw in read_documents(source):
        yield load_document(raw, validator, source.name, target, keep)
        return
    yield load_document(b"", validator, source.name, target, keep)


def _too_new(source: InputSource, line: int, version: str, store: Store, table: Table) -> HubError:
    return HubError(
        f"{source.name}:{line}: a {version} event cannot go into {table.name} of {store.url}, "
        f"which follows {table.version}; migrate the table first: "
        f"{migration_hint(store, table.version, version)} (then load again: events already loaded "
        "are skipped)")


def _streamed(source: InputSource, outcomes: Iterator[BlockOutcome], store: Store, table: Table,
              counts: LoadCounts) -> Iterator[BlockOutcome]:
    """Append the rows of the blocks, about `store.append_rows` at a time, into the store's open transaction
    (in the background thread, at most one append under way, so at most two appends' rows are held), and
    commit once about `store.batch_rows` rows are in; a block's outcome is reported once its rows are
    committed. Appends of a few blocks together cost one key lookup (stores/seen.py) and one insert per table."""
    before = 0
    uncommitted = 0
    waiting: list[BlockOutcome] = []
    gathered: list[Rows] = []
    pending: Future[None] | None = None

    def append(group: list[Rows]) -> None:
        rows = group[0] if len(group) == 1 else merged(group)
        new = store.append(table, rows)
        counts.new += new
        counts.present += rows.count - new

    def flush() -> None:
        nonlocal pending, gathered
        if pending is not None:
            pending.result()
            pending = None
        if gathered:
            pending = writer.submit(append, gathered)
            gathered = []

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-hub-writer") as writer:
            for outcome in outcomes:
                rows: Rows | None = outcome.payload
                outcome.payload = None
                if rows is not None and rows.too_new is not None:
                    if pending is not None:
                        pending.result()
                    store.abort()
                    raise _too_new(source, before + rows.too_new[0], rows.too_new[1], store, table)
                before += outcome.lines
                waiting.append(outcome)
                if rows is not None and rows.count:
                    gathered.append(rows)
                    uncommitted += rows.count
                if sum(r.count for r in gathered) >= store.append_rows or uncommitted >= store.batch_rows:
                    flush()
                if uncommitted >= store.batch_rows:
                    flush()  # waits for the last append
                    store.commit()
                    uncommitted = 0
                    yield from waiting
                    waiting = []
            flush()
            flush()
        store.commit()
    except BaseException:
        store.abort()
        raise
    yield from waiting


def _written(source: InputSource, outcomes: Iterator[BlockOutcome], store: Store, table: Table,
             counts: LoadCounts) -> Iterator[BlockOutcome]:
    """Write the rows of the blocks, whole blocks at a time, about `store.batch_rows` rows per write (one
    transaction each). Writes run in one background thread, so that the workers validate and encode the
    next blocks meanwhile (the databases' drivers release the GIL); at most one write is under way, and a
    block's outcome is reported once its rows are written."""
    before = 0
    waiting: list[BlockOutcome] = []
    gathered: list[Rows] = []
    pending: tuple[Future[None], list[BlockOutcome]] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-hub-writer") as writer:
        for outcome in outcomes:
            rows: Rows | None = outcome.payload
            outcome.payload = None
            if rows is not None and rows.too_new is not None:
                if pending is not None:
                    pending[0].result()
                raise _too_new(source, before + rows.too_new[0], rows.too_new[1], store, table)
            before += outcome.lines
            waiting.append(outcome)
            if rows is not None and rows.count:
                gathered.append(rows)
            if sum(r.count for r in gathered) >= store.batch_rows:
                if pending is not None:
                    pending[0].result()
                    yield from pending[1]
                pending = (writer.submit(_write, store, table, gathered, counts), waiting)
                waiting, gathered = [], []
        if pending is not None:
            pending[0].result()
            yield from pending[1]
    _write(store, table, gathered, counts)
    yield from waiting


def _write(store: Store, table: Table, gathered: list[Rows], counts: LoadCounts) -> None:
    if not gathered:
        return
    rows = gathered[0] if len(gathered) == 1 else merged(gathered)
    new = store.write(table, rows)
    counts.new += new
    counts.present += rows.count - new


def merged(gathered: list[Rows]) -> Rows:
    """Rows of several blocks as one batch: Arrow batches become a table per name, COPY texts are joined."""
    names = list(dict.fromkeys(name for rows in gathered for name in rows.data))
    data = {}
    for name in names:
        pieces = [rows.data[name] for rows in gathered if name in rows.data]
        if isinstance(pieces[0], bytes):
            data[name] = b"".join(pieces)
        else:
            import pyarrow as pa

            data[name] = pa.Table.from_batches([b for piece in pieces for b in (
                piece.to_batches() if isinstance(piece, pa.Table) else [piece])])
    return Rows(sum(r.count for r in gathered), data, [k for rows in gathered for k in rows.keys])


class _HiddenPandas:
    """An import finder that says pandas cannot be imported (a `None` in sys.modules is not enough: the
    compiled import of pyarrow takes it as the module)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is hidden while pyarrow asks for it")


def _skip_pandas_probe() -> None:
    """pyarrow's `pa.array` of a Python list first asks whether pandas is installed, and imports it to know
    (0.4 s of CPU and 70 MB at each load's start, in a virtualenv that has pandas) only to learn that a list
    is not a pandas object. The question is answered here, once, with pandas hidden: pyarrow then takes
    lists as lists, and still imports pandas when it is asked for one (`to_pandas`). Not done when pandas
    is loaded already."""
    import sys

    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    hidden = _HiddenPandas()
    sys.meta_path.insert(0, hidden)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(hidden)


def run_load(sources: Sequence[InputSource | InputError], validator: Validator, store: Store, fmt: str,
             out: TextIO, err: TextIO, *, max_errors: int | None = None, quiet: bool = False, progress: bool = False,
             jobs: int = 1, quarantine: QuarantineWriter | None = None) -> int:
    """Validate and load every source; report like `validate` and return its exit code."""
    version = prepare(store)
    if validator.forced_version is not None and parse_version(validator.forced_version) > parse_version(version):
        raise HubError(f"--schema-version {validator.forced_version}: {EVENTS_TABLE} of {store.url} follows {version}; "
                       f"migrate it first: {migration_hint(store, version, validator.forced_version)}")
    table = events_table(version)
    target = Target(version, store.encoding)
    _skip_pandas_probe()
    set_target(target)
    counts = LoadCounts()
    keep = bool(quarantine and quarantine.wanted)
    channel = open_channel() if jobs > 1 else None
    try:
        runner = load_runner(validator, jobs, keep, store, table, target, counts, channel)
        reporter = REPORTERS[fmt](out, err, max_errors=max_errors, quiet=quiet)
        tally = report_sources(sources, validator, reporter, err, progress=progress, jobs=jobs, runner=runner,
                               quarantine=quarantine)
    finally:
        close_channel(channel)
    err.write(f"loaded into {store.url} ({table.name}, schema {version}): {counts.new} new event(s), "
              f"{counts.present} already there\n")
    return exit_code(tally)
