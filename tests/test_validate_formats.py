"""`llm-hub validate` output formats and engines, through the real CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hub_runner import Hub
from validate_support import (
    ERROR_RATE_EVENT,
    EVENT,
    INVALID,
    VALID,
    counts,
    write,
)

# --- output formats ---------------------------------------------------------------------------

@pytest.fixture
def mixed_file(tmp_path: Path) -> Path:
    no_payload_type = copy.deepcopy(EVENT)
    del no_payload_type["payload"]["payload_type"]
    bad_uuid = {**EVENT, "event_id": "not-a-uuid"}
    return write(tmp_path / "mixed.ndjson",
                 f"{VALID}\n{INVALID}\n\n{json.dumps(bad_uuid)}\nnot json\n{json.dumps(no_payload_type)}\n")


def test_json_format_is_ndjson_as_designed(hub: Hub, mixed_file: Path) -> None:
    proc = hub.validate("--format", "json", mixed_file)
    assert proc.returncode == 1
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    records, summary = lines[:-1], lines[-1]
    assert summary == {"summary": {"documents": 5, "valid": 1, "invalid": 4}}
    assert [r["line"] for r in records] == [2, 4, 5, 6]
    for record in records:
        assert list(record) == ["file", "line", "valid", "errors"]
        assert record["file"] == str(mixed_file) and record["valid"] is False
        assert record["errors"]
        for error in record["errors"]:
            assert list(error) == ["instance_path", "schema_path", "keyword", "message"]
            assert all(isinstance(v, str) for v in error.values())
            assert error["instance_path"] == "" or error["instance_path"].startswith("/")
            assert "\n" not in error["message"]
    by_line = {r["line"]: r["errors"] for r in records}
    assert [(e["instance_path"], e["keyword"]) for e in by_line[2]] == [("", "unevaluatedProperties")]
    assert [(e["instance_path"], e["keyword"]) for e in by_line[4]] == [("/event_id", "format")]
    assert [(e["instance_path"], e["keyword"], e["schema_path"]) for e in by_line[5]] == [("", "parse", "")]
    assert ("/payload", "required") in [(e["instance_path"], e["keyword"]) for e in by_line[6]]
    assert all(e["schema_path"].startswith("/") for line in (2, 4, 6) for e in by_line[line])


def test_github_format(hub: Hub, mixed_file: Path) -> None:
    proc = hub.validate("--format", "github", mixed_file)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert errors and all(line.startswith(f"::error file={mixed_file},line=") for line in errors)
    assert {line.split("line=", 1)[1].split(",", 1)[0] for line in errors} == {"2", "4", "5", "6"}
    assert len(errors) + 1 == len(lines)
    assert "5 documents" in lines[-1] and "1 valid" in lines[-1] and "4 invalid" in lines[-1]


def test_text_format(hub: Hub, mixed_file: Path) -> None:
    proc = hub.validate(mixed_file)
    assert proc.returncode == 1
    out = proc.stdout
    assert f"{mixed_file}:2: (root): " in out
    assert f"{mixed_file}:4: /event_id: " in out
    assert f"{mixed_file}:5: (root): " in out
    assert f"{mixed_file}:6: /payload: " in out
    assert "5 documents: 1 valid, 4 invalid" in out


def test_max_errors_and_quiet_keep_counts_exact(hub: Hub, mixed_file: Path) -> None:
    code, records, summary, _ = hub.validate_json("--max-errors", "1", mixed_file)
    assert (code, counts(summary)) == (1, (5, 1, 4))
    assert sum(len(r["errors"]) for r in records) == 1
    quiet = hub.validate("--quiet", mixed_file)
    assert quiet.returncode == 1 and "5 documents: 1 valid, 4 invalid" in quiet.stdout
    assert f"{mixed_file}:2:" not in quiet.stdout


def test_lenient_flag(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "lenient.ndjson", f"{VALID}\n{INVALID}\n")
    code, _, summary, _ = hub.validate_json("--lenient", path)
    assert (code, counts(summary)) == (0, (2, 2, 0))


def _raw_variants() -> list[str]:
    """Byte-level spellings a re-serialized document never has: escapes, exponents, spacing, duplicates."""
    latency, rates = VALID, json.dumps(ERROR_RATE_EVENT)
    swaps = [
        (rates, '"total_requests": 12500', ['1.25e4', "12500.0", "1.25E+4", "-0", "0150", "+150", "1e400",
                                           "18446744073709551615", "18446744073709551616", "12500.5"]),
        (latency, '"gpt-4o"', ['"gpt\\u002d4o"', '"\\ud800"', '"\\udc00x"', '"\\ud83d\\ude00"', '"a\x01b"', '"a\tb"',
                                 '"a\\x41"', '"a\x7fb"', '"a\u2028b"', '"\ufeffgpt"']),
        (latency, '"2024-01-15T10:30:00.412Z"', ['"2024-01-15T10:30:00.412\\u005a"', '"2024-01-15T10:30:00.412Z\\n"',
                                                '"2024-01-15T10:30:00.412\\u0000Z"', '"2024-01-15T10:30:00,412Z"',
                                                '"2024-01-15T10:30:60Z"', '"2024-01-15T10:30:00.412z"',
                                                '"\\u0032024-01-15T10:30:00.412Z"', '"2024-01-15T10:30:00+00:00"']),
        (latency, '"c954d3c8-4e25-466f-a5ff-1cdb8fc5b912"', ['"C954D3C8-4E25-466F-A5FF-1CDB8FC5B912"',
                                                            '"c954d3c84e25466fa5ff1cdb8fc5b912"',
                                                            '"c954d3c8-4e25-466f-a5ff-1cdb8fc5b912\\n"',
                                                            '"c954d3c8-4e25-466f-a5ff-1cdb8fc5b91\\u0032"']),
        (latency, '"app": "customer-support-bot"', ['"app": "x", "app": "customer-support-bot"',
                                                   '"a:b": "x", "app": "customer-support-bot"',
                                                   '"a\\"b": "x:y", "app": "customer-support-bot"',
                                                   '"app": "customer-support-bot", "ap\\u0070": "z"']),
        (latency, '"environment": "production"', ['"environment": "pr\u00f8d"', '"environment": null',
                                                 '"environment": "production", "environment": "production"']),
        (latency, '"ttft_ms": 312.4', ['"ttft_ms": 3.124e2', '"ttft_ms": 1e309', '"ttft_ms": 312', '"ttft_ms": true']),
    ]
    variants = [base.replace(old, new) for base, old, news in swaps for new in news]
    assert all(variant not in (latency, rates) for variant in variants)
    return [*variants, latency.replace(', "', ',\t"').replace(": ", ":\r "), latency + " ", latency + "\x00",
            latency + " x", " " + latency, latency[:-1] + ',"payload": 1}']


def test_fast_and_reference_engines_agree_on_raw_byte_variants(hub: Hub, tmp_path: Path) -> None:
    """The CLI's fast side (any bytes-level fast path, then jsonschema-rs) against --engine reference."""
    variants = _raw_variants()
    path = write(tmp_path / "raw.ndjson", "\n".join(variants) + "\n")
    runs = {engine: hub.validate_json("--engine", engine, path) for engine in ("fast", "reference")}
    (fast_code, fast_records, fast_summary, _), (ref_code, ref_records, ref_summary, _) = runs.values()
    assert fast_summary["documents"] == len(variants)
    assert (fast_code, fast_summary) == (ref_code, ref_summary)
    def paths(records: list[dict[str, Any]]) -> dict[int, set[str]]:
        return {r["line"]: {e["instance_path"] for e in r["errors"]} for r in records}
    assert paths(fast_records) == paths(ref_records)


def test_reference_engine_gives_the_same_counts(hub: Hub, mixed_file: Path) -> None:
    fast = hub.validate_json(mixed_file)
    reference = hub.validate_json("--engine", "reference", mixed_file)
    assert fast[0] == reference[0] and fast[2] == reference[2]
    assert [[e["instance_path"] for e in r["errors"]] for r in fast[1]] == \
           [[e["instance_path"] for e in r["errors"]] for r in reference[1]]


