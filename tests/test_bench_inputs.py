"""The inputs and the Ajv runner of bench/bench_validate.py measure what its table says they do.

The benchmark compares rates on three streams of bench/make_events.py (--version 1.0.0, 1.1.0,
interleaved) that must hold the same events and the same planted mistakes, and it compares our CLI
with Ajv (bench/ajv_rate.mjs), which must judge the same lines, dispatching on schema_version.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import orjson
import pytest

from llm_analytics_hub.validation import Validator

ROOT = Path(__file__).resolve().parent.parent
NODE_STAMP = ROOT / "tests" / "node" / "node_modules" / ".installed-stamp"
COUNT = 120  # enough to cover every example of AnalyticsEvent several times


@cache
def stream(version: str) -> list[bytes]:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "make_events.py"), "--count", str(COUNT),
                           "--invalid-share", "0.15", "--seed", "7", "--version", version],
                          capture_output=True, check=True)
    return done.stdout.splitlines()


def invalid_lines(lines: list[bytes]) -> list[int]:
    validator = Validator()
    return [number for number, line in enumerate(lines, start=1) if not validator.is_valid(orjson.loads(line))]


def test_the_three_streams_hold_the_same_events_declaring_their_version() -> None:
    mix, newer, interleaved = (stream(v) for v in ("1.0.0", "1.1.0", "interleaved"))
    for index, (a, b, c) in enumerate(zip(mix, newer, interleaved, strict=True)):
        old, new, both = orjson.loads(a), orjson.loads(b), orjson.loads(c)
        assert (old["schema_version"], new["schema_version"]) == ("1.0.0", "1.1.0")
        assert both["schema_version"] == ("1.1.0" if index % 2 else "1.0.0")
        assert {**new, "schema_version": "1.0.0"} == old == {**both, "schema_version": "1.0.0"}


def test_the_planted_mistakes_stay_invalid_and_the_rest_valid_under_each_version() -> None:
    expected = invalid_lines(stream("1.0.0"))
    assert len(expected) >= 5
    assert invalid_lines(stream("1.1.0")) == expected
    assert invalid_lines(stream("interleaved")) == expected


def test_ajv_dispatches_on_schema_version_and_counts_what_the_validator_counts(tmp_path: Path) -> None:
    if not NODE_STAMP.is_file():
        pytest.fail("the Node deps are missing: run `make node-deps` (make test does)", pytrace=False)
    path = tmp_path / "interleaved.ndjson"
    lines = stream("interleaved")
    unknown = orjson.dumps({**orjson.loads(lines[0]), "schema_version": "9.9.9"})
    path.write_bytes(b"\n".join([*lines, unknown]) + b"\n")
    done = subprocess.run(["node", str(ROOT / "bench" / "ajv_rate.mjs"), str(path)], capture_output=True, check=True)
    found = json.loads(done.stdout)
    assert found["lines"] == COUNT + 1
    assert found["invalid"] == len(invalid_lines(stream("interleaved"))) + 1  # the unknown version is invalid
    assert found["seconds"] > 0 and found["parse_seconds"] > 0
