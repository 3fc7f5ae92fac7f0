"""Dask: the same verdicts as a single machine, on a real `distributed.LocalCluster` (two worker processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import S3
from lake_inputs import BIG_BLOCK, Verdict, documents_in, local_verdict, verdict

from llm_analytics_hub.dask import LakeResult, iter_outcomes, validate
from llm_analytics_hub.validation.core import BlockOutcome, ValidatorSpec
from llm_analytics_hub.validation.reporters import Tally


def dask_verdict(result: LakeResult) -> Verdict:
    return verdict(result.tally, result.invalid)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", *args], capture_output=True,
                          text=True, env=env, timeout=600, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_every_input_gets_the_single_machine_verdict(inputs: dict[str, list[str]], dask_client: Any) -> None:
    paths = inputs["corpus"] + inputs["mixed"]
    result = validate(paths, dask_client, block_bytes=BIG_BLOCK)
    expected = local_verdict(paths)
    assert dask_verdict(result) == expected
    assert expected.counts[0] > 3000 and expected.counts[2] > 1000  # the corpus, the samples, the bad lines
    assert [Path(e.source).name for e in result.errors] == ["corrupt.ndjson.gz"]  # named; the rest went on


def test_typed_runs_over_every_catalogue_type_of_the_corpus(inputs: dict[str, list[str]], dask_client: Any) -> None:
    """The validator description (type, forced version) reaches the workers: each type's corpus file."""
    checked = 0
    for path in inputs["types"]:
        version, qualified = Path(path).parent.name, Path(path).name.removesuffix(".ndjson")
        spec = ValidatorSpec(qualified, version)
        tally, invalid = Tally(), []
        for item in iter_outcomes([path], dask_client, spec):
            assert isinstance(item, BlockOutcome)
            tally.add_block(item)
            invalid += item.invalid
        assert verdict(tally, invalid) == local_verdict([path], spec), path
        checked += 1
    assert checked >= 180


def test_cli_on_a_cluster_prints_what_a_local_run_prints(inputs: dict[str, list[str]], dask_client: Any) -> None:
    address = dask_client.scheduler.address
    paths = inputs["mixed"]
    for fmt in ("text", "json"):
        local = cli("--format", fmt, *paths)
        remote = cli("--format", fmt, "--cluster", address, *paths)
        assert remote.returncode == local.returncode == 2  # the corrupt .gz
        assert remote.stdout == local.stdout
        assert remote.stderr.count("\n") == local.stderr.count("\n") == 1
        assert "corrupt.ndjson.gz: cannot read" in remote.stderr



def test_unreachable_scheduler_is_one_line_and_exit_2(inputs: dict[str, list[str]]) -> None:
    done = cli("--cluster", "tcp://127.0.0.1:9", inputs["mixed"][0])
    assert done.returncode == 2
    assert done.stderr.startswith("llm-hub: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert done.stderr.count("\n") == 1


def test_quarantine_outputs_hold_every_document(inputs: dict[str, list[str]], dask_client: Any,
                                                tmp_path: Path) -> None:
    paths = inputs["corpus"] + inputs["mixed"]
    result = validate(paths, dask_client, block_bytes=BIG_BLOCK, valid_out=str(tmp_path / "valid"),
                      invalid_out=str(tmp_path / "invalid"))
    local = cli("-q", "--valid-out", str(tmp_path / "lv"), "--invalid-out", str(tmp_path / "li"), *paths)
    assert local.returncode == 2
    valid, invalid = documents_in(tmp_path / "valid"), documents_in(tmp_path / "invalid")
    assert len(valid) + len(invalid) == result.tally.documents  # documents in = valid out + invalid out
    assert (len(valid), len(invalid)) == (result.tally.valid, result.tally.invalid)
    assert valid == documents_in(tmp_path / "lv")  # the same lines, unchanged
    assert invalid == documents_in(tmp_path / "li")  # the same records
    # One file per part, named after the input (big.ndjson.gz keeps its whole name: big.ndjson is taken).
    split = {p.name for p in (tmp_path / "valid" / "lake" / "dt=2026-11-30").iterdir()}
    assert {"big.part-00000.ndjson", "big.part-00001.ndjson", "big.ndjson.gz.ndjson"} <= split


def test_object_storage_through_dask(s3: S3, dask_client: Any, monkeypatch: Any) -> None:
    urls = ["s3://lake/events/*/*", "s3://lake/archive/dt=2026-01-01/part-0.ndjson", "s3://no-such-bucket/x.ndjson"]
    result = validate(urls, dask_client, storage_options=s3.storage_options, block_bytes=BIG_BLOCK)
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    assert dask_verdict(result) == local_verdict(urls)
    reasons = {e.source.rsplit("/", 2)[-2]: str(e) for e in result.errors}
    assert set(reasons) == {"dt=2026-11-30", "dt=2026-01-01", "no-such-bucket"}
    assert "storage class" in reasons["dt=2026-01-01"] and "bucket does not exist" in reasons["no-such-bucket"]
    assert result.tally.documents > 600


def test_an_output_a_worker_cannot_write_is_one_line(inputs: dict[str, list[str]], dask_client: Any,
                                                     tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    sample = next(p for p in inputs["mixed"] if p.endswith("sample-events.ndjson"))
    done = cli("--cluster", dask_client.scheduler.address, "--valid-out", str(blocked), sample)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"llm-hub: error: {blocked}/sample-events.ndjson: cannot write: "), line


def test_a_worker_killed_mid_run_changes_nothing(inputs: dict[str, list[str]], dask_client: Any) -> None:
    """Kill one worker process after the first results arrive: its tasks are retried, counts stay exact."""
    paths = [p for p in inputs["mixed"] if p.endswith("big.ndjson")] * 6
    expected = local_verdict(paths)
    workers = dask_client.run(os.getpid)
    victim = sorted(workers.values())[0]
    tally, invalid = Tally(), []
    received = 0
    for item in iter_outcomes(paths, dask_client, block_bytes=BIG_BLOCK):
        assert isinstance(item, BlockOutcome), item
        received += 1
        if received == 3:
            os.kill(victim, signal.SIGKILL)
        tally.add_block(item)
        invalid += item.invalid
    assert received > 300
    assert victim not in dask_client.run(os.getpid).values()  # it really died (the nanny started another)
    assert verdict(tally, invalid) == expected
    dask_client.wait_for_workers(2, timeout=120)

