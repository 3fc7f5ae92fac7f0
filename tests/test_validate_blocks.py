"""Large inputs are split into blocks checked by worker processes: line numbers and counts must be
exactly those of a one-process run, for plain files, gzip and stdin."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation.inputs import BLOCK_BYTES

EXAMPLES = load_version("1.0.0").lookup("AnalyticsEvent").examples


@pytest.fixture(scope="module")
def big_stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    """About 2.5 blocks of events with blank lines, bad JSON and invalid events at known lines."""
    lines: list[str] = []
    expected: dict[int, str] = {}
    size = 0
    index = 0
    while size < 2.5 * BLOCK_BYTES:
        index += 1
        event = dict(EXAMPLES[index % len(EXAMPLES)])
        if index % 997 == 0:
            event["severity"] = "fatal"
            expected[len(lines) + 1] = "/severity"
        line = json.dumps(event)
        if index % 1499 == 0:
            line = line[: len(line) // 2]
            expected[len(lines) + 1] = ""
        lines.append(line)
        if index % 101 == 0:
            lines.append("")
        size += len(line) + 1
    path = tmp_path_factory.mktemp("blocks") / "big.ndjson"
    path.write_text("\n".join(lines) + "\n")
    return path, expected


def run(*args: str, stdin: bytes | None = None) -> tuple[dict[int, str], dict[str, int]]:
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", "--format", "json", *args],
                          input=stdin, capture_output=True, check=False)
    assert done.returncode == 1, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    found = {r["line"]: r["errors"][0]["instance_path"] for r in records[:-1]}
    return found, records[-1]["summary"]


def test_blocks_in_workers_number_lines_like_one_process(big_stream: tuple[Path, dict[int, str]]) -> None:
    path, expected = big_stream
    one, one_summary = run("-j", "1", str(path))
    two, two_summary = run("-j", "2", str(path))
    assert path.stat().st_size > 2 * BLOCK_BYTES
    assert one == two == expected
    assert one_summary == two_summary
    documents = sum(1 for line in path.read_text().splitlines() if line.strip())
    assert one_summary["documents"] == documents
    assert one_summary["invalid"] == len(expected)


def test_gzip_and_stdin_blocks_number_lines_the_same(big_stream: tuple[Path, dict[int, str]],
                                                     tmp_path: Path) -> None:
    path, expected = big_stream
    packed = tmp_path / "big.ndjson.gz"
    packed.write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
    assert run("-j", "2", str(packed))[0] == expected
    assert run("-j", "2", "-", stdin=path.read_bytes())[0] == expected
