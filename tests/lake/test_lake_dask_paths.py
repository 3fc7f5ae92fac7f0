"""`--cluster` with local paths: they mean what they mean where the command runs, whatever the workers' folder,
and a path the workers cannot see is one line naming it."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lake_inputs import ROOT, documents_in

from llm_analytics_hub.dask.paths import ADVICE, check_visible, localize
from llm_analytics_hub.errors import InputError
from llm_analytics_hub.validation.inputs import input_source

BIN = Path(sys.executable).parent
MISTAKES = ROOT / "examples" / "sample-events-with-mistakes.ndjson"
SAMPLE = ROOT / "examples" / "sample-events.ndjson"


def cli(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd, timeout=600, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _client_folder(root: Path) -> Path:
    client = root / "client"
    client.mkdir()
    shutil.copy(MISTAKES, client / "a.ndjson")
    (client / "b.ndjson.gz").write_bytes(gzip.compress(SAMPLE.read_bytes()))
    return client


@pytest.fixture
def workers_elsewhere(dask_client: Any, tmp_path: Path) -> Iterator[Path]:
    """The session's workers, moved into a folder of their own for one test (and back)."""
    folder = tmp_path / "workers"
    folder.mkdir()
    before = dask_client.run(os.getcwd)
    dask_client.run(os.chdir, str(folder))
    try:
        assert set(dask_client.run(os.getcwd).values()) == {str(folder)}
        yield folder
    finally:
        for address, cwd in before.items():
            dask_client.run(os.chdir, cwd, workers=[address])


def test_relative_paths_are_the_client_folders(dask_client: Any, workers_elsewhere: Path, tmp_path: Path) -> None:
    client = _client_folder(tmp_path)
    address = dask_client.scheduler.address
    local = cli("--format", "json", "--valid-out", "lv", "--invalid-out", "li", "a.ndjson", "b.ndjson.gz",
                cwd=client)
    remote = cli("--format", "json", "--cluster", address, "--valid-out", "vo", "--invalid-out", "io",
                 "a.ndjson", "b.ndjson.gz", cwd=client)
    assert (remote.returncode, remote.stderr) == (local.returncode, local.stderr) == (1, "")
    assert remote.stdout == local.stdout
    assert json.loads(remote.stdout.splitlines()[-1])["summary"] == {"documents": 48, "valid": 41, "invalid": 7}
    # Both outputs where the user named them, the same documents as the local run's; none in the workers' folder.
    assert documents_in(client / "vo") == documents_in(client / "lv")
    assert documents_in(client / "io") == documents_in(client / "li")
    assert sorted(p.name for p in (client / "vo").iterdir()) == ["a.ndjson", "b.ndjson"]
    assert list(workers_elsewhere.iterdir()) == []


def test_a_missing_input_is_named_before_any_task(dask_client: Any, workers_elsewhere: Path, tmp_path: Path) -> None:
    client = _client_folder(tmp_path)
    local = cli("-q", "missing.ndjson", "a.ndjson", cwd=client)
    remote = cli("-q", "--cluster", dask_client.scheduler.address, "--valid-out", "vo", "missing.ndjson", "a.ndjson",
                 cwd=client)
    assert remote.returncode == local.returncode == 2
    assert remote.stdout == local.stdout
    assert remote.stderr == local.stderr == "llm-hub: error: missing.ndjson: cannot read: No such file or directory\n"
    assert (client / "vo" / "a.ndjson").is_file()


class _Workers:
    """A stand-in for a Client whose workers answer `client.run` from another filesystem."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def run(self, function: Any, files: list[str], folders: list[str]) -> dict[str, Any]:
        return {"tcp://10.0.0.2:4000": self.answer(files, folders), "tcp://10.0.0.1:4000": function(files, folders)}


def test_a_file_a_worker_sees_differently_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(SAMPLE.read_bytes())
    sources = localize([input_source(str(path))])
    [other] = check_visible(_Workers(lambda files, folders: ([7], [])), sources, None)
    assert isinstance(other, InputError)
    assert str(other) == (f"{path}: cannot read: the Dask worker at tcp://10.0.0.2:4000 cannot see {path} "
                          f"(another file there: 7 bytes, {path.stat().st_size} here); {ADVICE}")


# --- A worker that really cannot see the client's files: its own mount namespace hides the test's folder. ---

def _can_hide_folders() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def blind_cluster(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A scheduler and one worker on 127.0.0.1, started and stopped here; the worker sees an empty `seen` folder
    where the client has its files. Yields (address, the client's folder)."""
    if not _can_hide_folders():
        pytest.skip("needs unshare with user namespaces to give a worker its own view of the filesystem")
    from distributed import Client

    hidden = tmp_path / "hidden"
    hidden.mkdir()
    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = tmp_path / "logs"
    logs.mkdir()
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                  address.rsplit(":", 1)[1], "--no-dashboard"], cwd=logs,
                                 stdout=subprocess.DEVNULL, stderr=(logs / "scheduler.log").open("wb"))
    hide = 'mount -t tmpfs none "$0" && exec "$@"'
    worker = subprocess.Popen(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", hide, str(hidden),
                               str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny",
                               "--no-dashboard", "--host", "127.0.0.1"], cwd=logs,
                              stdout=subprocess.DEVNULL, stderr=(logs / "worker.log").open("wb"))
    try:
        with Client(address, timeout="60s", set_as_default=False) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(1, timeout=60)
        yield address, hidden
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=60)


def test_a_path_the_workers_cannot_see_is_one_line(blind_cluster: tuple[str, Path]) -> None:
    address, client = blind_cluster
    shutil.copy(MISTAKES, client / "a.ndjson")
    done = cli("-q", "--cluster", address, "a.ndjson", cwd=client)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("llm-hub: error: a.ndjson: cannot read: the Dask worker at tcp://127.0.0.1:"), line
    assert line.endswith(f" cannot see {client / 'a.ndjson'} (No such file or directory); {ADVICE}"), line
    # An output folder the worker cannot see stops the run before any task; the folder made to ask is removed.
    done = cli("-q", "--cluster", address, "--valid-out", "vo", "-", cwd=client)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"llm-hub: error: {client / 'vo'}: cannot write: the Dask worker at tcp://127.0.0.1:"), line
    assert line.endswith(f" cannot see this folder (no such folder); {ADVICE}"), line
    assert not (client / "vo").exists()
