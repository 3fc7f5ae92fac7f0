"""`llm-hub validate` usage errors, versions, pipes and stdin, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hub_runner import Hub
from validate_support import (
    EVENT,
    INVALID,
    NDJSON_MIXED,
    VALID,
    counts,
    write,
)

# --- usage errors -----------------------------------------------------------------------------

@pytest.mark.parametrize(("option", "value", "words"), [
    ("--schema", "NoSuchType", "NoSuchType"),
    ("--schema", "TimeRange", "ambiguous"),  # defined in several areas: area.Name is required
    ("--schema", "nowhere.LatencyMetrics", "nowhere.LatencyMetrics"),
    ("--schema-version", "9.9.9", "9.9.9"),
    ("--schema-version", "1.0", "1.0"),
])
def test_unknown_schema_or_version_is_exit_2(hub: Hub, tmp_path: Path, option: str, value: str, words: str) -> None:
    path = write(tmp_path / "events.ndjson", NDJSON_MIXED)
    proc = hub.validate(option, value, path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert words in proc.stderr


def test_no_path_is_a_usage_error(hub: Hub) -> None:
    proc = hub.validate()
    assert proc.returncode == 2
    assert proc.stderr.strip()


def test_unknown_schema_version_inside_a_document(hub: Hub, tmp_path: Path) -> None:
    future = json.dumps({**EVENT, "schema_version": "9.9.9"})
    path = write(tmp_path / "versions.ndjson", f"{VALID}\n{future}\n{INVALID}\n{VALID}\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "schema_version"),
                                                                         (3, "unevaluatedProperties")]
    assert records[0]["errors"][0]["instance_path"] == "/schema_version"
    assert "1.0.0" in records[0]["errors"][0]["message"]
    assert "9.9.9" in records[0]["errors"][0]["message"]


def test_forced_schema_version_overrides_the_document(hub: Hub, tmp_path: Path) -> None:
    future = json.dumps({**EVENT, "schema_version": "9.9.9"})
    path = write(tmp_path / "versions.ndjson", f"{VALID}\n{future}\n")
    code, _, summary, _ = hub.validate_json("--schema-version", "1.0.0", path)
    # the schema_version member is then a plain string member of the event
    assert (code, counts(summary)) == (0, (2, 2, 0))


# --- pipes and stdin --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_closed_output_pipe_ends_quietly(tmp_path: Path, fmt: str) -> None:
    """`llm-hub validate big.ndjson | head -1`: no traceback, an ordinary exit status."""
    path = write(tmp_path / "big.ndjson", f"{INVALID}\n" * 10_000)  # > 1 MB of errors: far beyond a pipe buffer
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "validate", "--format", fmt, str(path)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert first.strip()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert code in (0, 1, 2), (code, err)


def test_stdin_dash(hub: Hub, tmp_path: Path) -> None:
    code, records, summary, _ = hub.validate_json("-", stdin=f"\n{NDJSON_MIXED}\nnot json\n".encode())
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["file"], r["line"]) for r in records] == [("<stdin>", 3), ("<stdin>", 6)]


def test_stdin_dash_as_one_json_document(hub: Hub) -> None:
    code, _, summary, _ = hub.validate_json("--stdin-format", "json", "-", stdin=json.dumps(EVENT, indent=2).encode())
    assert (code, counts(summary)) == (0, (1, 1, 0))


def test_stdin_and_files_together(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "events.ndjson", NDJSON_MIXED)
    code, records, summary, _ = hub.validate_json(path, "-", stdin=f"{INVALID}\n".encode())
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["file"], r["line"]) for r in records] == [(str(path), 2), ("<stdin>", 1)]


