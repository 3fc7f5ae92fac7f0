"""What goes wrong around a load: a load killed with SIGKILL and run again, a server that refuses the
connection, a wrong password, a read-only database, a table at an older version than the events. Each
failure is one line on stderr and exit code 2, never a traceback; a rerun loads every valid event once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hub_runner import Hub
from postgres_server import Postgres, free_port
from storage_support import make_events
from storage_support_db import STORES, store_url

from llm_analytics_hub.storage.layout import events_table
from llm_analytics_hub.storage.stores import open_store

REPO = Path(__file__).resolve().parents[1]


def one_line_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("llm-hub: schemas ")]
    assert len(lines) == 1 and lines[0].startswith("llm-hub: error: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


def valid_count(hub: Hub, path: Path) -> int:
    summary = hub.validate_json(path)[2]
    return int(summary["valid"])


@pytest.mark.parametrize("kind", STORES)
def test_a_load_killed_mid_way_and_run_again_keeps_every_valid_event_once(
        kind: str, hub: Hub, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = store_url(kind, tmp_path, request)
    events = make_events(tmp_path / "events.ndjson", 40_000)
    # --format json reports a block's invalid documents only once its rows are written: the first record
    # on stdout says a transaction has been committed; the kill comes then, mid-way through the input.
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "load", str(events), "--into", url, "--format", "json",
               "--batch-rows", "3000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=dict(os.environ, PYTHONUNBUFFERED="1"))
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith(b"{"), first
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    partial = count_events(url)
    expected = valid_count(hub, events)
    assert 0 < partial < expected, (partial, expected)
    again = hub("load", events, "--into", url, "-q")
    assert again.returncode == 1, again.stderr  # the file has invalid lines
    assert f"{expected - partial} new event(s), {partial} already there" in again.stderr
    assert count_events(url) == expected
    assert distinct_events(url) == expected


def test_duckdb_keeps_each_key_once_across_the_appends_of_one_transaction(tmp_path: Path) -> None:
    """The loader appends a few blocks at a time into one open DuckDB transaction: a key appended earlier in
    the same transaction (not yet committed) counts as stored, a key repeated within an append keeps its
    first row, and an aborted transaction leaves nothing."""
    from llm_analytics_hub.storage.blocks import Rows, Target, encode_rows, set_target
    from llm_analytics_hub.validation.validator import Validator

    lines = make_events(tmp_path / "e.ndjson", 30, version="1.1.0", invalid_share=0).read_bytes().splitlines()
    url = f"duckdb:///{tmp_path / 'hub.duckdb'}"
    store = open_store(url)
    table = events_table("1.1.0")
    target = Target("1.1.0", "arrow")
    set_target(target)
    validator = Validator()

    def rows(picked: list[bytes]) -> Rows:
        return encode_rows(list(enumerate(picked, start=1)), validator, target)

    try:
        store.create(table)
        before = store.query("SELECT current_setting('threads'), current_setting('memory_limit')")
        for finish in (store.abort, store.commit):
            assert store.append(table, rows(lines[:20])) == 20
            assert store.append(table, rows([*lines[10:], lines[25], lines[3]])) == 10
            finish()
            assert int(store.query(f"SELECT count(*) FROM {table.name}")[0][0]) == (0 if finish == store.abort else 30)
            # the load's settings (one thread, a small buffer pool) hold only while its transaction is open
            assert store.query("SELECT current_setting('threads'), current_setting('memory_limit')") == before
    finally:
        store.close()
    assert distinct_events(url) == 30


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_the_filter_of_written_keys_names_every_key_seen_before(native: bool) -> None:
    from llm_analytics_hub.storage.stores.seen import SeenKeys
    from llm_analytics_hub.validation.native import available

    seen = SeenKeys(native=native)
    assert (seen.native is not None) == (native and available())
    first = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(20_000)]
    assert len(seen.candidates(first)) < 5  # false positives only, and few
    assert seen.candidates([first[7], "new", first[7]]) == [first[7], first[7]]
    assert set(seen.candidates(first[::-1])) == set(first)


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_keys_written_earlier_by_the_load_or_stored_before_it_are_left_out(
        kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """A store looks up only the keys its filter of written keys has seen when the table was empty at its
    first append, and every key when the table held rows: both keep each event once."""
    from llm_analytics_hub.storage.blocks import Rows, Target, encode_rows, set_target
    from llm_analytics_hub.validation.validator import Validator

    lines = make_events(tmp_path / "e.ndjson", 30, version="1.1.0", invalid_share=0).read_bytes().splitlines()
    url = store_url(kind, tmp_path, request)
    table = events_table("1.1.0")
    target = Target("1.1.0", "copy" if kind == "postgres" else "arrow")
    set_target(target)

    def rows(picked: list[bytes]) -> Rows:
        return encode_rows(list(enumerate(picked, start=1)), Validator(), target)

    store = open_store(url)
    try:
        store.create(table)
        assert store.append(table, rows(lines[:20])) == 20
        store.commit()
        assert store.append(table, rows([*lines[15:25], lines[3]])) == 5
        store.commit()
    finally:
        store.close()
    again = open_store(url)  # a new load: the table holds rows, so every key is looked up
    try:
        assert again.append(table, rows(lines)) == 5
        again.commit()
    finally:
        again.close()
    assert count_events(url) == distinct_events(url) == 30


def test_a_duckdb_load_of_many_blocks_and_transactions_run_twice_adds_nothing(hub: Hub, tmp_path: Path) -> None:
    events = make_events(tmp_path / "events.ndjson", 10_000)  # two 4 MiB blocks
    url = f"duckdb:///{tmp_path / 'hub.duckdb'}"
    expected = valid_count(hub, events)
    first = hub("load", events, "--into", url, "-q", "--batch-rows", "8000")  # two appends, one commit
    assert f"{expected} new event(s), 0 already there" in first.stderr, first.stderr
    second = hub("load", events, "--into", url, "-q")
    assert f"0 new event(s), {expected} already there" in second.stderr, second.stderr
    assert distinct_events(url) == expected


def test_a_load_does_not_import_pandas_and_pyarrow_still_can(tmp_path: Path) -> None:
    """The loader answers pyarrow's question whether pandas is installed with pandas hidden (pandas costs
    a load's start 0.2-0.4 s and 40-70 MB); pyarrow still imports it when asked for a DataFrame."""
    events = make_events(tmp_path / "e.ndjson", 20)
    url = f"duckdb:///{tmp_path / 'h.duckdb'}"
    script = (
        "import sys\n"
        "from llm_analytics_hub.cli import main\n"
        f"sys.argv = ['llm-hub', 'load', {str(events)!r}, '--into', {url!r}, '-q']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code in (0, 1), exit.code\n"
        "assert 'pandas' not in sys.modules, 'the load imported pandas'\n"
        "import pyarrow as pa\n"
        "assert pa.table({'a': [1]}).to_pandas()['a'].tolist() == [1]\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def count_events(url: str) -> int:
    store = open_store(url)
    try:
        table = events_table(store.table_version() or "1.0.0")
        return int(store.query(f"SELECT count(*) FROM {table.view}")[0][0])
    finally:
        store.close()


def distinct_events(url: str) -> int:
    store = open_store(url)
    try:
        table = events_table(store.table_version() or "1.0.0")
        found = store.query(" UNION ALL ".join(f"SELECT {n}, count(DISTINCT event_id), count(*) FROM {part.name}"
                                               for n, part in enumerate(table.parts)))
        counts = [int(c) for _, c, _ in sorted(found)]
        rows = [int(r) for _, _, r in sorted(found)]
        assert counts == rows  # no key twice in any table
        assert sum(rows[1:]) == rows[0]  # every event in exactly one variant table
        return counts[0]
    finally:
        store.close()


def test_connection_refused_is_one_line(hub: Hub, tmp_path: Path) -> None:
    events = make_events(tmp_path / "e.ndjson", 10)
    result = hub("load", events, "--into", f"postgresql://hub:secret@127.0.0.1:{free_port()}/nowhere")
    one_line_failure(result, "cannot connect", "***")
    assert "secret" not in result.stderr


def test_a_wrong_password_is_one_line(hub: Hub, tmp_path: Path, postgres: Postgres) -> None:
    events = make_events(tmp_path / "e.ndjson", 10)
    url = postgres.fresh_database().replace(":hub-test-secret@", ":wrong@")
    one_line_failure(hub("load", events, "--into", url), "cannot connect", "password authentication failed")
    one_line_failure(hub("export", "--from", url), "cannot connect")


def test_a_read_only_postgres_database_is_one_line(hub: Hub, tmp_path: Path, postgres: Postgres) -> None:
    events = make_events(tmp_path / "e.ndjson", 10)
    url = postgres.fresh_database()
    assert hub("load", events, "--into", url, "-q").returncode in (0, 1)
    postgres.execute(postgres.url(), f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET default_transaction_read_only = on")
    one_line_failure(hub("load", make_events(tmp_path / "more.ndjson", 10, seed=8), "--into", url),
                     "read-only transaction")
    fresh = postgres.fresh_database()
    postgres.execute(postgres.url(), f"ALTER DATABASE {fresh.rsplit('/', 1)[1]} SET default_transaction_read_only = on")
    one_line_failure(hub("load", events, "--into", fresh), "read-only transaction")


def test_a_read_only_duckdb_file_is_one_line(hub: Hub, tmp_path: Path) -> None:
    events = make_events(tmp_path / "e.ndjson", 10)
    database = tmp_path / "hub.duckdb"
    assert hub("load", events, "--into", f"duckdb:///{database}", "-q").returncode in (0, 1)
    if subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here (a read-only file needs it when tests run as root)")
    try:
        one_line_failure(hub("load", events, "--into", f"duckdb:///{database}"), "cannot open")
        assert hub("export", "--from", f"duckdb:///{database}").returncode == 0  # reading still works
    finally:
        subprocess.run(["chattr", "-i", str(database)], check=True)


@pytest.mark.parametrize("kind", STORES)
def test_newer_events_than_the_table_name_the_migration(kind: str, hub: Hub, tmp_path: Path,
                                                        request: pytest.FixtureRequest) -> None:
    url = store_url(kind, tmp_path, request)
    store = open_store(url)
    try:
        store.create(events_table("1.0.0"))
    finally:
        store.close()
    old = make_events(tmp_path / "old.ndjson", 30, invalid_share=0)
    assert hub("load", old, "--into", url, "-q").returncode == 0
    new = make_events(tmp_path / "new.ndjson", 30, version="1.1.0", invalid_share=0)
    one_line_failure(hub("load", new, "--into", url), "new.ndjson:1: a 1.1.0 event", "follows 1.0.0",
                     "llm-hub migrate 1.0.0 1.1.0")
    forced = hub("load", old, "--into", url, "--schema-version", "1.1.0")
    one_line_failure(forced, "llm-hub migrate 1.0.0 1.1.0")


def test_a_table_of_an_unknown_version_is_one_line(hub: Hub, tmp_path: Path) -> None:
    import duckdb

    database = tmp_path / "hub.duckdb"
    store = open_store(f"duckdb:///{database}")
    store.create(events_table("1.1.0"))
    store.close()
    connection = duckdb.connect(str(database))
    connection.execute("UPDATE hub_storage SET schema_version = '9.0.0'")
    connection.close()
    events = make_events(tmp_path / "e.ndjson", 5)
    one_line_failure(hub("load", events, "--into", f"duckdb:///{database}"), "9.0.0", "does not know")
    one_line_failure(hub("load", events, "--into", "mysql://x/y"), "unknown store")


def test_the_progress_bar_shows_on_a_terminal(tmp_path: Path) -> None:
    """`validate`'s bar, on stderr when it is a terminal and the input is large (a pseudo-terminal here)."""
    import pty

    # past validate's 20 MB (a bar is worth it), and loading for longer than the bar's first 0.5 s: the
    # same 40,000 lines three times (the repeats are "already there")
    lines = make_events(tmp_path / "e.ndjson", 40_000).read_bytes()
    events = tmp_path / "three-times.ndjson"
    events.write_bytes(lines * 3)
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "llm_analytics_hub.cli", "load", str(events), "--into",
                                f"duckdb:///{tmp_path / 'hub.duckdb'}", "-q"], stdout=subprocess.DEVNULL,
                               stderr=secondary, env=dict(os.environ, COLUMNS="80"))
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=120)
    os.close(primary)
    text = seen.decode("utf-8", "replace")
    assert "documents checked" in text and "\r" in text and "new event(s)" in text, text[-500:]


def test_a_duckdb_url_into_a_missing_folder_says_how_the_url_reads(hub: Hub, tmp_path: Path) -> None:
    """duckdb:///data/hub.duckdb is data/hub.duckdb in the current folder; a user who meant /data gets told."""
    events = make_events(tmp_path / "e.ndjson", 5)
    result = hub("load", events, "--into", "duckdb:///data/hub.duckdb", cwd=tmp_path)
    one_line_failure(result, "cannot open", "duckdb:///data/hub.duckdb is relative to the current folder",
                     "duckdb:////data/hub.duckdb is /data/hub.duckdb")
