"""`llm-hub migrate`: 1.0.0 tables, migrated by the statements it writes, take 1.1.0 events (and keep
the 1.0.0 ones as they were); a planted breaking change is refused by its compat rule; a planted new
optional member becomes one ADD COLUMN."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
from hub_runner import Hub
from storage_support import documents, producer_form
from storage_support_db import STORES, store_url

from llm_analytics_hub.storage.layout import events_table
from llm_analytics_hub.storage.stores import open_store

REPO = Path(__file__).resolve().parents[1]


def events_of(version: str, salt: str) -> list[dict[str, Any]]:
    found = []
    for index, document in enumerate(documents(version)):
        if "event_id" in document:
            document = {**document, "event_id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{salt}{version}{index}"))}
        found.append(document)
    return found


def write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


def run_script(url: str, script: str) -> None:
    """Apply the statements as a user would: the SQL text itself, through the database's own driver."""
    if url.startswith("duckdb:///"):
        connection = duckdb.connect(url[len("duckdb:///"):])
        connection.execute(script)
        connection.close()
    else:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(script.encode())


@pytest.mark.parametrize("kind", STORES)
def test_old_tables_migrated_by_the_statements_take_new_events(kind: str, hub: Hub, tmp_path: Path,
                                                               request: pytest.FixtureRequest) -> None:
    url = store_url(kind, tmp_path, request)
    store = open_store(url)
    store.create(events_table("1.0.0"))
    store.close()
    old, new = events_of("1.0.0", "m"), events_of("1.1.0", "m")
    assert hub("load", write(tmp_path / "old.ndjson", old), "--into", url, "-q").returncode == 0
    assert hub("load", write(tmp_path / "new.ndjson", new), "--into", url).returncode == 2
    if kind == "parquet":
        migrated = hub("migrate", "1.0.0", "1.1.0", "--apply", url)
        assert migrated.returncode == 0, migrated.stderr
    else:
        script = hub("migrate", "1.0.0", "1.1.0", "--dialect", "postgres" if kind == "postgres" else "duckdb")
        assert script.returncode == 0, script.stderr
        assert "ADD COLUMN trace_id" in script.stdout
        run_script(url, script.stdout)
    loaded = hub("load", tmp_path / "new.ndjson", "--into", url, "-q")
    assert loaded.returncode == 0, loaded.stderr
    assert f"{len(new)} new event(s)" in loaded.stderr
    back = {}
    for line in hub("export", "--from", url).stdout.splitlines():
        document = json.loads(line)
        back[document["event_id"]] = document
    for version, items in (("1.0.0", old), ("1.1.0", new)):
        for document in items:
            if "event_id" in document:
                assert back[document["event_id"]] == producer_form(document, version)
    again = hub("migrate", "1.0.0", "1.1.0", "--apply", url)
    assert again.returncode == 2 and "follow 1.1.0, not 1.0.0" in again.stderr


@pytest.fixture
def scratch(tmp_path: Path, hub: Hub) -> Path:
    """A copy of the schemas with a draft 1.2.0 started from 1.1.0."""
    root = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", root)
    started = hub("new-version", "1.2.0", "--schemas", root)
    assert started.returncode == 0, started.stderr
    return root


def edit_latency(root: Path, change: Any) -> None:
    path = root / "1.2.0" / "events" / "LatencyMetrics.json"
    document = json.loads(path.read_text())
    change(document["$defs"]["fields"]["properties"])
    path.write_text(json.dumps(document, indent=2))


def test_a_breaking_change_is_refused_by_its_rule(hub: Hub, scratch: Path) -> None:
    edit_latency(scratch, lambda members: members["total_latency_ms"].update(type="string"))
    refused = hub("migrate", "1.1.0", "1.2.0", "--schemas", scratch)
    assert refused.returncode == 1, refused.stderr
    assert "llm-hub: migrate refused: 1.1.0 -> 1.2.0 is not backward compatible: [" in refused.stderr
    assert "LatencyMetrics" in refused.stderr and not refused.stdout


def test_an_added_optional_member_becomes_add_column(hub: Hub, scratch: Path, tmp_path: Path) -> None:
    edit_latency(scratch, lambda members: members.update(
        queue_depth={"description": "Requests waiting when this one arrived.", "type": "integer", "minimum": 0,
                     "maximum": 4294967295}))
    script = hub("migrate", "1.1.0", "1.2.0", "--schemas", scratch, "--dialect", "duckdb")
    assert script.returncode == 0, script.stderr
    assert ("ALTER TABLE analytics_events_telemetry_latency ADD COLUMN latency__queue_depth UINTEGER"
            in script.stdout)
    assert script.stdout.count("ADD COLUMN") == 1
    postgres = hub("migrate", "1.1.0", "1.2.0", "--schemas", scratch, "--dialect", "postgres")
    assert "ADD COLUMN latency__queue_depth bigint" in postgres.stdout
