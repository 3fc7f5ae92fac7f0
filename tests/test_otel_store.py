"""`otel import --into` and `otel serve --into`: the events go into the store through `llm-hub load`'s loader.
DuckDB and the session's PostgreSQL server (tests/postgres_server.py). The events in the store are the ones
the NDJSON import writes; importing again adds nothing (event_id is the key); a SIGTERM while four clients
send loses nothing the receiver acknowledged."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hub_runner import Hub
from storage_support_db import store_url

from llm_analytics_hub.otel import ids
from llm_analytics_hub.storage.layout import events_table
from llm_analytics_hub.storage.stores import open_store

FIXTURES = Path(__file__).parent / "otel_fixtures"
STORES = ("duckdb", "postgres")


def stored(hub: Hub, url: str) -> list[dict[str, Any]]:
    done = hub("export", "--from", url)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("kind", STORES)
def test_import_into_a_store_keeps_the_events_once(kind: str, hub: Hub, tmp_path: Path,
                                                   request: pytest.FixtureRequest) -> None:
    url = store_url(kind, tmp_path, request)
    inputs = [FIXTURES / "agent-trace-with-faults.json", FIXTURES / "collector-file-exporter.jsonl"]
    written = hub("otel", "import", *inputs, "-o", tmp_path / "events.ndjson")
    assert written.returncode == 1, written.stderr  # the faults fixture has rejected spans
    lines = [json.loads(line) for line in (tmp_path / "events.ndjson").read_text().splitlines()]
    expected = list({event["event_id"]: event for event in lines}.values())  # the two files share spans
    first = hub("otel", "import", *inputs, "--into", url, "--metrics-out", tmp_path / "metrics.ndjson")
    assert first.returncode == 1, first.stderr
    assert f"{len(expected)} new event(s), {len(lines) - len(expected)} already there" in first.stderr
    key = lambda event: event["event_id"]  # noqa: E731
    assert sorted(stored(hub, url), key=key) == sorted(expected, key=key)
    assert (tmp_path / "metrics.ndjson").read_text().count("\n") > 0
    again = hub("otel", "import", *inputs, "--into", url, "--format", "json")
    summary = json.loads(again.stderr.splitlines()[-1])["summary"]["stored"]
    assert (summary["new_events"], summary["already_there"]) == (0, len(lines))
    assert len(stored(hub, url)) == len(expected)


def test_into_refuses_a_table_older_than_the_events(hub: Hub, tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'old.duckdb'}"
    store = open_store(url)
    store.create(events_table("1.0.0"))
    store.close()
    done = hub("otel", "import", FIXTURES / "anthropic-cache-genai.json", "--into", url)
    assert done.returncode == 2
    assert "follows 1.0.0" in done.stderr and "llm-hub migrate 1.0.0 1.1.0" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert hub("otel", "import", FIXTURES / "anthropic-cache-genai.json", "--into", url,
               "--schema-version", "1.0.0").returncode == 0


def _span_request(trace: str, span: str) -> bytes:
    return json.dumps({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": [{
        "traceId": trace, "spanId": span, "name": "chat gpt-4o", "kind": 3,
        "startTimeUnixNano": "1767225600000000000", "endTimeUnixNano": "1767225600500000000", "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}},
            {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "20"}},
            {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "5"}}]}]}]}]}).encode()


@pytest.mark.parametrize("kind", STORES)
def test_serve_into_a_store_loses_nothing_acknowledged_at_sigterm(kind: str, hub: Hub, tmp_path: Path,
                                                                  request: pytest.FixtureRequest) -> None:
    """Four keep-alive clients send one span per request into `serve --into`; a SIGTERM arrives mid-stream.
    Both events of every span acknowledged with a 200 are in the store; the receiver exits 0."""
    url = store_url(kind, tmp_path, request)
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "otel", "serve", "--listen", "127.0.0.1:0",
               "--into", url, "--out-dir", str(tmp_path / "out")]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=os.environ.copy())
    assert process.stderr is not None
    first = process.stderr.readline().decode()
    assert "listening on http://127.0.0.1:" in first, first
    host, port = first.split("listening on http://")[1].split()[0].split(":")
    trace = "6e1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"
    acknowledged: list[str] = []
    lock = threading.Lock()
    started = threading.Event()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=20)
        for index in range(300):
            span = f"{number + 1:04x}{index:012x}"
            try:
                connection.request("POST", "/v1/traces", _span_request(trace, span),
                                   {"Content-Type": "application/json"})
                reply = connection.getresponse()
                body = reply.read()
            except (OSError, http.client.HTTPException):
                return  # refused or cut off: not acknowledged
            if reply.status == 200 and body == b"{}":
                with lock:
                    acknowledged.append(span)
                    if len(acknowledged) >= 40:
                        started.set()
            if reply.getheader("Connection") == "close":
                return
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    assert started.wait(60), "the clients got no acknowledgements"
    process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(60)
    rest = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, rest
    assert "Traceback" not in rest
    assert len(acknowledged) < 1200  # the SIGTERM came while they were sending
    events = stored(hub, url)
    by_span = {(e["span_id"], e["payload"]["data"]["telemetry_type"]) for e in events if e["trace_id"] == trace}
    for span in acknowledged:
        assert {(span, "token_usage"), (span, "latency")} <= by_span, span
    assert {e["event_id"] for e in events} >= {ids.event_id(trace, s, "latency") for s in acknowledged}
    assert f"stored into {url.split('://')[0]}" in rest and "new event(s)" in rest


def test_a_store_that_fails_is_answered_503_and_nothing_is_acknowledged(tmp_path: Path, postgres: Any,
                                                                       hub: Hub) -> None:
    """The store goes away under `serve --into` (its connection is terminated): the request is answered 503 (OTLP:
    retry later) with the store's reason on one line, never a 200; the next request reconnects."""
    url = postgres.fresh_database()
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "otel", "serve", "--listen", "127.0.0.1:0",
               "--into", url, "--out-dir", str(tmp_path / "out")]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=os.environ.copy())
    assert process.stderr is not None
    first = process.stderr.readline().decode()
    host, port = first.split("listening on http://")[1].split()[0].split(":")
    trace = "8e1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"

    def send(span: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(host, int(port), timeout=20)
        connection.request("POST", "/v1/traces", _span_request(trace, span), {"Content-Type": "application/json"})
        reply = connection.getresponse()
        found = reply.status, reply.read()
        connection.close()
        return found

    assert send("00000000000000b1") == (200, b"{}")
    database = url.rsplit("/", 1)[1]
    postgres.execute(postgres.url(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
    status, body = send("00000000000000b2")
    assert status == 503 and b"cannot write" in body, body
    # the next request opens a fresh connection: the receiver does not need a restart once the store is back
    assert send("00000000000000b3") == (200, b"{}")
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in rest and "llm-hub: error:" in rest
    spans = {e["span_id"] for e in stored(hub, url)}
    assert spans == {"00000000000000b1", "00000000000000b3"}, spans  # the refused request was not stored
