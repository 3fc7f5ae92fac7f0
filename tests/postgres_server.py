"""One real PostgreSQL server for the whole test session (Debian's `postgresql` package, which `make
test` installs): initdb into a temporary folder, listening on 127.0.0.1 only, on a free port, with a
password, stopped and removed at the end. Each test that needs a database gets a fresh one."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "hub", "hub-test-secret"


@dataclass
class Postgres:
    port: int
    folder: Path
    counter: itertools.count[int]

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"test_{next(self.counter)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def execute(self, url: str, sql: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql)


def binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        pytest.fail("PostgreSQL is not installed: `make postgres-deps` (or apt-get install postgresql) installs it")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the package's `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bin_dir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="llm-hub-pg-"))
    data, password_file = folder / "data", folder / "password"
    password_file.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(password_file, "postgres")
    port = free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=scram-sha-256",
              f"--pwfile={password_file}", "--no-sync", "-E", "UTF8", "--locale=C"]
    subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=60"
    subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(folder / "log"), "-w", "start"]), check=True, capture_output=True)
    try:
        yield Postgres(port, folder, itertools.count(1))
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-t", "20", "stop"]
        subprocess.run(_as_server_user(stop),
                       check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
