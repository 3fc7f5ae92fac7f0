"""Real engines for the data-lake tests, started once per test session and shared: a Dask
`distributed.LocalCluster` with two worker processes, a local SparkSession (`local[2]`), and two
moto S3 servers on 127.0.0.1 (one open, holding the lake; one enforcing credentials)."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lake_inputs import ROOT, big_stream, build

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    return build(tmp_path_factory.mktemp("lake-inputs"))


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("llm-hub lake tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
               .config("spark.log.level", "ERROR").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    try:
        yield session
    finally:
        session.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _moto(extra_env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               env={**os.environ, **extra_env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.05)


@dataclass(frozen=True)
class S3:
    endpoint: str  # the open server holding bucket "lake"
    guarded_endpoint: str  # a server that checks credentials: every key is unknown to it
    key: str = "lake-test-key"
    secret: str = "lake-test-secret"

    @property
    def storage_options(self) -> dict[str, Any]:
        return {"key": self.key, "secret": self.secret,
                "client_kwargs": {"endpoint_url": self.endpoint, "region_name": "us-east-1"}}

    def env(self, endpoint: str | None = None) -> dict[str, str]:
        """The environment a CLI or spark-submit run reads the lake with."""
        return {**os.environ, "AWS_ACCESS_KEY_ID": self.key, "AWS_SECRET_ACCESS_KEY": self.secret,
                "AWS_ENDPOINT_URL": endpoint or self.endpoint, "AWS_DEFAULT_REGION": "us-east-1",
                "PYSPARK_PYTHON": sys.executable}


# The lake's objects: plain, .gz, empty, corrupt .gz, and one archived to Glacier (it cannot be read).
LAKE_KEYS = ("events/dt=2026-11-29/part-0.ndjson", "events/dt=2026-11-29/part-1.ndjson.gz",
             "events/dt=2026-11-29/part-2.ndjson", "events/dt=2026-11-30/part-0.ndjson.gz",
             "events/dt=2026-11-30/part-1.ndjson.gz")


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    import boto3

    open_server, endpoint = _moto({})
    guarded_server, guarded = _moto({"INITIAL_NO_AUTH_ACTION_COUNT": "0"})
    try:
        lake = S3(endpoint, guarded)
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=lake.key,
                              aws_secret_access_key=lake.secret)
        client.create_bucket(Bucket="lake")
        examples = (ROOT / "examples" / "sample-events-with-mistakes.ndjson").read_bytes()
        big = big_stream(600)
        corrupt = bytearray(gzip.compress(big))
        corrupt[len(corrupt) // 2: len(corrupt) // 2 + 64] = bytes(64)
        bodies = (examples, gzip.compress(big), b"", gzip.compress(examples), bytes(corrupt))
        for key, body in zip(LAKE_KEYS, bodies, strict=True):
            client.put_object(Bucket="lake", Key=key, Body=body)
        client.put_object(Bucket="lake", Key="archive/dt=2026-01-01/part-0.ndjson", Body=examples,
                          StorageClass="GLACIER")
        yield lake
    finally:
        for server in (open_server, guarded_server):
            server.terminate()
            server.wait(timeout=30)
