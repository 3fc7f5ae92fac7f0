"""`llm-hub validate` on object storage without a cluster: a moto S3 server read through s3fs."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from conftest import S3


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", *args], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def summary(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])["summary"]
    return result


def test_objects_plain_gz_empty_and_the_unreadable(s3: S3) -> None:
    done = cli("--format", "json", "s3://lake/events/*/*", "s3://lake/archive/dt=2026-01-01/part-0.ndjson",
               "s3://no-such-bucket/x.ndjson", "s3://lake/nothing-here/*.ndjson", env=s3.env())
    assert done.returncode == 2
    errors = done.stderr.splitlines()
    assert errors == [
        errors[0], errors[1],
        "llm-hub: error: s3://no-such-bucket/x.ndjson: cannot read: The specified bucket does not exist",
        "llm-hub: error: s3://lake/nothing-here/*.ndjson: cannot read: no object matches"]
    assert errors[0].startswith("llm-hub: error: s3://lake/events/dt=2026-11-30/part-1.ndjson.gz: cannot read: ")
    assert "storage class" in errors[1]
    # 8 sample lines plain, 600 big lines gzipped, nothing in the empty object, 8 sample lines gzipped
    assert summary(done)["documents"] == 8 + 600 + 0 + 8
    assert set(summary(done)["unreadable_inputs"]) == {
        "s3://lake/events/dt=2026-11-30/part-1.ndjson.gz", "s3://lake/archive/dt=2026-01-01/part-0.ndjson",
        "s3://no-such-bucket/x.ndjson", "s3://lake/nothing-here/*.ndjson"}
    records = [json.loads(line) for line in done.stdout.splitlines()[:-1]]
    assert {(r["file"], r["line"]) for r in records} >= {("s3://lake/events/dt=2026-11-29/part-0.ndjson", 7),
                                                         ("s3://lake/events/dt=2026-11-30/part-0.ndjson.gz", 7)}


@pytest.mark.parametrize("target", ["s3://lake/events/dt=2026-11-29/part-0.ndjson", "s3://lake/events/*/*"])
def test_wrong_credentials_are_one_clear_line(s3: S3, target: str) -> None:
    done = cli(target, env=s3.env(s3.guarded_endpoint))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"llm-hub: error: {target}: cannot read: ")
    assert "access denied" in line or "Access Key Id you provided does not exist" in line


def test_quarantine_outputs_to_object_storage(s3: S3) -> None:
    import s3fs

    done = cli("--format", "json", "s3://lake/events/dt=2026-11-29/*", "--valid-out", "s3://lake/out/valid",
               "--invalid-out", "s3://lake/out/invalid/", env=s3.env())
    assert done.returncode == 1
    fs = s3fs.S3FileSystem(**s3.storage_options)
    outputs = {path: fs.cat(path) for path in fs.find("lake/out")}
    assert sorted(outputs) == ["lake/out/invalid/part-0.ndjson", "lake/out/invalid/part-1.ndjson",
                               "lake/out/valid/part-0.ndjson", "lake/out/valid/part-1.ndjson"]  # empty part-2: none
    documents = sum(data.count(b"\n") for data in outputs.values())
    assert documents == summary(done)["documents"] == 8 + 600
    invalid = [json.loads(line) for line in outputs["lake/out/invalid/part-0.ndjson"].splitlines()]
    assert [r["line"] for r in invalid] == list(range(1, 8))
    assert all(r["file"] == "s3://lake/events/dt=2026-11-29/part-0.ndjson" and r["errors"] for r in invalid)
