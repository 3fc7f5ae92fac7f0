"""The FastAPI example (examples/fastapi_receiver) as a client sees it: a real uvicorn server on
127.0.0.1 and a free port, spoken to over HTTP with the AnalyticsEvent corpus of schema 1.0.0.

Valid events are accepted (202); every invalid one is refused alone with 422 and our finding format,
one of its findings at the defect's pointer (the corpus's `error_at`); a mixed batch is refused
naming only its invalid events; a body that is not JSON is a 422 with a `parse` finding.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "examples" / "fastapi_receiver"
CORPUS = ROOT / "schemas" / "corpus" / "1.0.0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(APP_DIR), "app:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/openapi.json", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    pytest.fail(f"uvicorn did not come up on {url}:\n{output}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def post(url: str, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(url + "/events", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def corpus(kind: str) -> list[dict[str, Any]]:
    entries = json.loads((CORPUS / f"events.{kind}.json").read_text(encoding="utf-8"))
    return [entry for entry in entries if entry["type"] == "AnalyticsEvent"]


def test_valid_events_are_accepted(server: str) -> None:
    events = [entry["payload"] for entry in corpus("valid")]
    assert len(events) > 20
    status, answer = post(server, json.dumps(events).encode())
    assert (status, answer) == (202, {"accepted": len(events)})


def test_each_invalid_event_is_refused_with_the_defects_pointer(server: str) -> None:
    invalid = corpus("invalid")
    assert len(invalid) > 100
    problems = []
    for entry in invalid:
        status, answer = post(server, json.dumps([entry["payload"]]).encode())
        if status != 422:
            problems.append(f"{entry['note']}: answered {status} {answer}")
            continue
        (record,) = answer["errors"]
        assert record["index"] == 0 and record["valid"] is False
        assert all(set(f) == {"instance_path", "schema_path", "keyword", "message"} for f in record["errors"])
        pointers = {f["instance_path"] for f in record["errors"]}
        if entry["error_at"] not in pointers:
            problems.append(f"{entry['note']}: expected a finding at {entry['error_at']!r}, got {sorted(pointers)}")
    assert not problems, f"{len(problems)} of {len(invalid)}:\n" + "\n".join(problems[:30])


def test_a_mixed_batch_names_only_its_invalid_events(server: str) -> None:
    good = [entry["payload"] for entry in corpus("valid")[:3]]
    bad = corpus("invalid")[0]
    status, answer = post(server, json.dumps([good[0], bad["payload"], *good[1:]]).encode())
    assert status == 422
    assert (answer["valid"], answer["documents"], answer["invalid"]) == (False, 4, 1)
    assert [record["index"] for record in answer["errors"]] == [1]


def test_a_body_that_is_not_json_is_a_parse_finding(server: str) -> None:
    status, answer = post(server, b'[{"event_id": ')
    assert status == 422
    assert answer["errors"][0]["index"] is None
    assert answer["errors"][0]["errors"][0]["keyword"] == "parse"
