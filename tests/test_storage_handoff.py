"""Rows from the load's worker processes through shared memory (storage/handoff.py): what is read back is
what was sent, more blocks in flight than a datagram queue holds never block a worker, nothing leaks, and
a load with workers stores exactly what a load in one process stores."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from storage_support import make_events

from llm_analytics_hub.storage import handoff

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="memfd_create is Linux's")


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _send_many(count: int, results: multiprocessing.queues.SimpleQueue) -> None:  # type: ignore[name-defined]
    for number in range(count):
        batch = pa.record_batch({"n": pa.array([number, None, 7], pa.int64()), "s": pa.array(["a", "é\n\"", None])})
        results.put(handoff.send({"numbers": batch, "copy": f"{number}\tx\n".encode()}, [str(number), "é\n"]))


def test_rows_sent_by_a_worker_come_back_as_they_were_sent_and_nothing_leaks() -> None:
    before = _open_fds()
    channel = handoff.open_channel()
    assert channel is not None
    schema = pa.schema([("n", pa.int64()), ("s", pa.string())])
    try:
        results = multiprocessing.get_context("fork").SimpleQueue()
        worker = multiprocessing.get_context("fork").Process(target=_send_many, args=(25, results))
        worker.start()
        worker.join(timeout=60)  # 25 files sent before any is taken: more than a datagram queue holds (10)
        assert worker.exitcode == 0
        sent = [results.get() for _ in range(25)]
        received = [channel.receive(item, {"numbers": schema}) for item in reversed(sent)]  # in another order
        assert all(isinstance(item, handoff.Sent) for item in sent)
        assert handoff.send({"numbers": pa.record_batch({"n": [1]})}, ["1"]) is None  # the loader itself: no handoff
        results.close()
        worker.close()
    finally:
        handoff.close_channel(channel)
    assert _open_fds() == before  # the batches read in place hold no file open
    for number, (data, keys) in zip(reversed(range(25)), received, strict=True):
        assert keys == [str(number), "é\n"]
        assert data["numbers"].to_pydict() == {"n": [number, None, 7], "s": ["a", "é\n\"", None]}
        assert data["copy"] == f"{number}\tx\n".encode()


def test_files_never_taken_are_released_when_the_channel_closes() -> None:
    before = _open_fds()
    channel = handoff.open_channel()
    assert channel is not None
    results = multiprocessing.get_context("fork").SimpleQueue()
    worker = multiprocessing.get_context("fork").Process(target=_send_many, args=(3, results))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == 0
    results.close()
    worker.close()
    handoff.close_channel(channel)
    assert _open_fds() == before


def test_a_load_with_workers_stores_what_a_load_in_one_process_stores(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    events = make_events(tmp_path / "events.ndjson", 8_000)  # two 4 MiB blocks: worker processes
    exported = []
    for jobs in ("1", "2"):
        url = f"duckdb:///{tmp_path / f'hub-{jobs}.duckdb'}"
        loaded = hub("load", events, "--into", url, "-q", "--jobs", jobs, "--batch-rows", "5000")
        assert loaded.returncode == 1 and "new event(s), 0 already there" in loaded.stderr, loaded.stderr
        export = hub("export", "--from", url)
        assert export.returncode == 0, export.stderr
        exported.append(export.stdout)
    assert exported[0] == exported[1] and exported[0].count("\n") > 7_500
