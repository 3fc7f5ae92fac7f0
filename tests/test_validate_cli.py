"""`llm-hub validate` on bad input, run through the real CLI, and the Python validation API.

Every CLI case runs `python -m llm_analytics_hub.cli validate ...` in a subprocess and checks the
exit code, that stderr holds no traceback, the one-line message naming file and line, and the
exact document counts of the `--format json` summary (its last line).
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llm_analytics_hub import Finding, Validator, validate, validate_stream
from llm_analytics_hub.schema_store import load_version

EXAMPLES = load_version("1.0.0").lookup("AnalyticsEvent").examples
EVENT = EXAMPLES[0]  # a telemetry/latency event
ERROR_RATE_EVENT = EXAMPLES[2]  # telemetry/error_rate: total_requests is a u64
VALID = json.dumps(EVENT)
INVALID = json.dumps({**EVENT, "total_latency": 1.0})  # an undeclared member at the top level
NDJSON_MIXED = f"{VALID}\n{INVALID}\n{VALID}\n"
# the valid event with a 0xff byte inside the string of a declared member (model_id)
INVALID_UTF8 = VALID.replace('"gpt-4o"', '"gpt-4o-\udcff"').encode("utf-8", "surrogateescape")


def cli(*args: str | Path, stdin: bytes | None = None, cwd: Path | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "validate", *map(str, args)]
    proc = subprocess.run(command, input=stdin, capture_output=True, cwd=cwd, timeout=timeout, check=False)
    out = proc.stdout.decode("utf-8")  # must be UTF-8 whatever the input was
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "Exception ignored" not in err, err
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run_json(*args: str | Path, stdin: bytes | None = None, cwd: Path | None = None
             ) -> tuple[int, list[dict[str, Any]], dict[str, Any], str]:
    """Exit code, the per-document records, the summary and stderr of a --format json run."""
    proc = cli("--format", "json", *args, stdin=stdin, cwd=cwd)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines and set(lines[-1]) == {"summary"}, proc.stdout
    return proc.returncode, lines[:-1], lines[-1]["summary"], proc.stderr


def counts(summary: dict[str, Any]) -> tuple[int, int, int]:
    return summary["documents"], summary["valid"], summary["invalid"]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_one_line_naming(text: str, name: str, line: int | None = None) -> str:
    """Exactly one line of `text` names `name` (and `name:line` when a line is given); it is returned."""
    needle = f"{name}:{line}:" if line is not None else name
    hits = [row for row in text.splitlines() if needle in row]
    assert len(hits) == 1, (needle, text)
    return hits[0]


# --- empty input, blank lines, non-JSON lines -------------------------------------------------

def test_empty_ndjson_file_is_zero_documents(tmp_path: Path) -> None:
    code, records, summary, _ = run_json(write(tmp_path / "empty.ndjson", b""))
    assert (code, records, counts(summary)) == (0, [], (0, 0, 0))


def test_empty_json_file_is_one_invalid_document(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.json", b"")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (1, 0, 1))
    assert records[0]["file"] == str(path) and records[0]["line"] == 1
    assert [e["keyword"] for e in records[0]["errors"]] == ["parse"]
    assert_one_line_naming(cli(path).stdout, str(path), 1)


def test_blank_lines_are_skipped_but_line_numbers_stay_exact(tmp_path: Path) -> None:
    path = write(tmp_path / "blanks.ndjson", f"\n{VALID}\n\n   \n\t\r\n{INVALID}\n\n{VALID}\n\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (3, 2, 1))
    assert [(r["file"], r["line"]) for r in records] == [(str(path), 6)]
    assert records[0]["errors"][0]["keyword"] == "unevaluatedProperties"


def test_crlf_line_endings_are_accepted(tmp_path: Path) -> None:
    code, _, summary, _ = run_json(write(tmp_path / "crlf.ndjson", f"{VALID}\r\n{VALID}\r\n"))
    assert (code, counts(summary)) == (0, (2, 2, 0))


def test_non_json_line_is_invalid_and_the_run_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.ndjson", f"{VALID}\nthis is not json\n{INVALID}\n{VALID}\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse"), (3, "unevaluatedProperties")]
    assert records[0]["errors"][0]["instance_path"] == ""
    row = assert_one_line_naming(cli(path).stdout, str(path), 2)
    assert "[parse]" in row


def test_truncated_last_line(tmp_path: Path) -> None:
    path = write(tmp_path / "truncated.ndjson", f"{VALID}\n{VALID}\n{VALID[: len(VALID) // 2]}")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (3, 2, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(3, "parse")]
    assert_one_line_naming(cli(path).stdout, str(path), 3)


def test_random_binary_every_non_blank_line_is_one_invalid_document(tmp_path: Path) -> None:
    rng = random.Random(20240115)
    chunks = [rng.randbytes(rng.randrange(0, 120)) for _ in range(80)]
    data = b"\n".join(chunks)
    path = write(tmp_path / "noise.ndjson", data)
    expected = sum(1 for line in data.split(b"\n") if line.strip())
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (expected, 0, expected))
    assert len(records) == expected
    non_blank = [number for number, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    assert [r["line"] for r in records] == non_blank
    assert {e["keyword"] for r in records for e in r["errors"]} <= {"parse", "type"}
    text = cli(path)
    assert text.returncode == 1


def test_utf8_bom_at_the_start_is_accepted(tmp_path: Path) -> None:
    ndjson = write(tmp_path / "bom.ndjson", b"\xef\xbb\xbf" + NDJSON_MIXED.encode())
    single = write(tmp_path / "bom.json", b"\xef\xbb\xbf" + VALID.encode())
    code, records, summary, _ = run_json(ndjson, single)
    assert (code, counts(summary)) == (1, (4, 3, 1))
    assert [(r["file"], r["line"]) for r in records] == [(str(ndjson), 2)]


def test_bom_in_the_middle_of_a_file_is_a_parse_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bom2.ndjson", VALID.encode() + b"\n\xef\xbb\xbf" + VALID.encode() + b"\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (2, 1, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse")]


def test_invalid_utf8_inside_a_string(tmp_path: Path) -> None:
    assert b"\xff" in INVALID_UTF8
    path = write(tmp_path / "latin.ndjson", b"\n".join([VALID.encode(), INVALID_UTF8, VALID.encode()]) + b"\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (3, 2, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse")]
    assert_one_line_naming(cli(path).stdout, str(path), 2)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "nan", "inf"])
def test_nan_and_infinity_literals_are_parse_errors(tmp_path: Path, literal: str) -> None:
    bad = VALID.replace('"ttft_ms": 312.4', f'"ttft_ms": {literal}')
    assert bad != VALID
    path = write(tmp_path / "nan.ndjson", f"{bad}\n{VALID}\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (2, 1, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(1, "parse")]


# --- numbers beyond 64 bits -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "valid"), [(2**64 - 1, True), (2**64, False), (10**30, False), (-1, False)])
def test_u64_member_range(tmp_path: Path, value: int, valid: bool) -> None:
    event = copy.deepcopy(ERROR_RATE_EVENT)
    event["payload"]["data"]["total_requests"] = value
    path = write(tmp_path / "u64.ndjson", json.dumps(event) + "\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == ((0, (1, 1, 0)) if valid else (1, (1, 0, 1)))
    if not valid:
        assert [e["instance_path"] for e in records[0]["errors"]] == ["/payload/data/total_requests"]


@pytest.mark.parametrize(("text", "valid"), [
    ("-9223372036854775808", True),  # i64::MIN
    ("-9223372036854775809", False),  # i64::MIN - 1: a float would round to i64::MIN
    ("-9223372036854775810", False),
    ("9223372036854775807", True),
    ("9223372036854775808", False),
    ("-92233720368547758090", False),
])
def test_fill_strategy_value_is_an_exact_i64(tmp_path: Path, text: str, valid: bool) -> None:
    path = write(tmp_path / "fill.json", '{"value": ' + text + "}")
    code, records, summary, _ = run_json("--schema", "FillStrategy", path)
    assert (code, counts(summary)) == ((0, (1, 1, 0)) if valid else (1, (1, 0, 1)))
    if not valid:
        paths = {e["instance_path"] for e in records[0]["errors"]}
        assert "/value" in paths or paths == {""}, records


def test_deep_nesting_is_a_parse_error_not_a_recursion_error(tmp_path: Path) -> None:
    depth = 100_000
    arrays = "[" * depth + "]" * depth
    objects = '{"a":' * depth + "1" + "}" * depth
    ndjson = write(tmp_path / "deep.ndjson", f"{arrays}\n{objects}\n{VALID}\n")
    single = write(tmp_path / "deep.json", arrays)
    code, records, summary, err = run_json(ndjson, single)
    assert (code, counts(summary)) == (1, (4, 1, 3))
    assert [(r["file"], r["line"], r["errors"][0]["keyword"]) for r in records] == [
        (str(ndjson), 1, "parse"), (str(ndjson), 2, "parse"), (str(single), 1, "parse")]
    assert "RecursionError" not in err


def test_sixty_megabyte_single_document(tmp_path: Path) -> None:
    event = copy.deepcopy(EXAMPLES[18])
    assert event["payload"]["payload_type"] == "custom"
    row = {"ts": "2024-01-15T10:30:00Z", "model": "gpt-4o", "latency_ms": 1842.6, "ok": True, "tokens": 1234}
    item = json.dumps(row)
    event["payload"]["data"]["data"] = {"rows": "@ROWS@"}
    head, tail = json.dumps(event).split('"@ROWS@"')
    count = 60_000_000 // (len(item) + 1) + 1
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head + "[")
        handle.write(",".join([item] * count))
        handle.write("]" + tail)
    assert path.stat().st_size > 60_000_000
    code, records, summary, _ = run_json(path)
    assert (code, records, counts(summary)) == (0, [], (1, 1, 0))


def test_duplicate_keys_are_invalid_and_named(tmp_path: Path) -> None:
    duplicated = VALID.replace('"ttft_ms": 312.4', '"ttft_ms": 312.4, "ttft_ms": 1.0')
    nested_escape = VALID.replace('"severity": "info"', '"severity": "info", "sev\\u0065rity": "info"')
    path = write(tmp_path / "dup.ndjson", f"{VALID}\n{duplicated}\n{nested_escape}\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (3, 1, 2))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse"), (3, "parse")]
    assert "ttft_ms" in records[0]["errors"][0]["message"]
    assert "severity" in records[1]["errors"][0]["message"]


def test_large_file_keeps_order_lines_and_counts_exact(tmp_path: Path) -> None:
    """A file large enough for any bulk / multi-process mode: every result keeps its own line."""
    valid_lines = [json.dumps(example) for example in EXAMPLES]
    rng = random.Random(7)
    lines: list[str] = []
    expected: list[tuple[int, str]] = []
    size = 0
    while size < 32_000_000:
        roll = rng.random()
        if roll < 0.002:
            lines.append("")
        elif roll < 0.004:
            lines.append('{"truncated": ')
            expected.append((len(lines), "parse"))
        elif roll < 0.01:
            lines.append(INVALID)
            expected.append((len(lines), "unevaluatedProperties"))
        else:
            lines.append(rng.choice(valid_lines))
        size += len(lines[-1]) + 1
    path = write(tmp_path / "large.ndjson", "\n".join(lines) + "\n")
    documents = sum(1 for line in lines if line)
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (documents, documents - len(expected), len(expected)))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == expected


def test_lines_longer_than_any_read_block(tmp_path: Path) -> None:
    """Lines of several MB between short ones: each is still one document at its own line number."""
    event = copy.deepcopy(EXAMPLES[18])
    event["payload"]["data"]["data"] = {"blob": "x" * 9_000_000}
    long_valid = json.dumps(event)
    long_invalid = json.dumps({**event, "extra": 1})
    lines = [VALID, long_valid, INVALID, "", long_invalid, VALID, long_valid[:5_000_000], VALID]
    path = write(tmp_path / "long.ndjson", "\n".join(lines) + "\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (7, 4, 3))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [
        (3, "unevaluatedProperties"), (5, "unevaluatedProperties"), (7, "parse")]


def test_fraction_beyond_float_precision_in_an_integer_member(tmp_path: Path) -> None:
    """Control: a plain fraction in a u64 member is invalid (the precision case is the xfail below)."""
    event = copy.deepcopy(ERROR_RATE_EVENT)
    event["payload"]["data"]["total_requests"] = 12.5
    code, records, _, _ = run_json(write(tmp_path / "fraction.ndjson", json.dumps(event) + "\n"))
    assert code == 1 and records[0]["errors"][0]["instance_path"] == "/payload/data/total_requests"


def test_fraction_lost_to_float_rounding_gets_the_reference_verdict(tmp_path: Path) -> None:
    """9007199254740993.5 has no double; every double-based JSON reader (orjson, Python's json under
    python-jsonschema) reads 9007199254740994.0, which `integer` accepts. The producers' serde rejects
    any fraction token in an integer member, which JSON Schema cannot express (MODEL.md §2.7); the
    validator's verdict follows the reference engine, documented in docs/schema-design.md."""
    raw = json.dumps(ERROR_RATE_EVENT).replace('"total_requests": 12500', '"total_requests": 9007199254740993.5')
    assert "9007199254740993.5" in raw
    path = write(tmp_path / "precision.ndjson", raw + "\n")
    fast = run_json(path)
    reference = run_json(path, "--engine", "reference")
    assert (fast[0], counts(fast[2])) == (reference[0], counts(reference[2])) == (0, (1, 1, 0))


def test_text_format_is_one_line_per_error_whatever_the_member_names(tmp_path: Path) -> None:
    forged = f"a\n{tmp_path}/other.ndjson:99: (root): forged"
    path = write(tmp_path / "names.ndjson", json.dumps({**EVENT, forged: 1}) + "\n")
    proc = cli(path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    summary_at = next(i for i, line in enumerate(lines) if line.startswith("1 documents"))
    assert summary_at == 1 and lines[0].startswith(f"{path}:1: "), proc.stdout


# --- inputs that cannot be read -----------------------------------------------------------------

def test_missing_file_is_exit_2_and_other_files_are_still_validated(tmp_path: Path) -> None:
    good = write(tmp_path / "good.ndjson", NDJSON_MIXED)
    missing = tmp_path / "missing.ndjson"
    code, records, summary, err = run_json(missing, good)
    assert (code, counts(summary)) == (2, (3, 2, 1))
    assert [(r["file"], r["line"]) for r in records] == [(str(good), 2)]
    assert summary.get("unreadable_inputs") == [str(missing)]
    assert_one_line_naming(err, str(missing))
    text = cli(missing, good)
    assert text.returncode == 2
    assert_one_line_naming(text.stderr, str(missing))


@pytest.mark.parametrize("name", ["folder.ndjson", "folder.json", "folder"])
def test_directory_is_exit_2(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    good = write(tmp_path / "good.json", VALID)
    code, _, summary, err = run_json(folder, good)
    assert (code, counts(summary)) == (2, (1, 1, 0))
    assert_one_line_naming(err, str(folder))


def test_unknown_file_kind_is_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path / "events.txt", VALID)
    code, _, summary, err = run_json(path)
    assert (code, counts(summary)) == (2, (0, 0, 0))
    assert_one_line_naming(err, str(path))


def test_unreadable_file_is_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.ndjson", NDJSON_MIXED)
    good = write(tmp_path / "good.ndjson", f"{VALID}\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read a chmod 000 file (root)")
        code, _, summary, err = run_json(path, good)
        assert (code, counts(summary)) == (2, (1, 1, 0))
        assert_one_line_naming(err, str(path))
    finally:
        path.chmod(0o644)


def test_gzip_input(tmp_path: Path) -> None:
    ndjson = write(tmp_path / "events.ndjson.gz", gzip.compress(NDJSON_MIXED.encode()))
    jsonl = write(tmp_path / "events.jsonl.gz", gzip.compress(f"{VALID}\n\n{VALID}\n".encode()))
    single = write(tmp_path / "event.json.gz", gzip.compress(INVALID.encode()))
    code, records, summary, _ = run_json(ndjson, jsonl, single)
    assert (code, counts(summary)) == (1, (6, 4, 2))
    assert [(r["file"], r["line"]) for r in records] == [(str(ndjson), 2), (str(single), 1)]


@pytest.mark.parametrize("damage", ["not gzip", "truncated", "bad crc"])
def test_corrupt_gzip_is_exit_2_naming_the_file(tmp_path: Path, damage: str) -> None:
    packed = gzip.compress((NDJSON_MIXED * 50).encode())
    data = {"not gzip": b"\x1f\x8bthis is not a deflate stream at all" * 10,
            "truncated": packed[: len(packed) // 2],
            "bad crc": packed[:-8] + bytes(8)}[damage]
    path = write(tmp_path / "broken.ndjson.gz", data)
    good = write(tmp_path / "good.ndjson", f"{VALID}\n")
    proc = cli("--format", "json", path, good)
    assert proc.returncode == 2
    summary = json.loads(proc.stdout.splitlines()[-1])["summary"]
    assert summary["unreadable_inputs"] == [str(path)]
    assert summary["documents"] >= 1  # the good file, plus whatever came out before the damage
    assert_one_line_naming(proc.stderr, str(path))


# --- usage errors -----------------------------------------------------------------------------

@pytest.mark.parametrize(("option", "value", "words"), [
    ("--schema", "NoSuchType", "NoSuchType"),
    ("--schema", "TimeRange", "ambiguous"),  # defined in several areas: area.Name is required
    ("--schema", "nowhere.LatencyMetrics", "nowhere.LatencyMetrics"),
    ("--schema-version", "9.9.9", "9.9.9"),
    ("--schema-version", "1.0", "1.0"),
])
def test_unknown_schema_or_version_is_exit_2(tmp_path: Path, option: str, value: str, words: str) -> None:
    path = write(tmp_path / "events.ndjson", NDJSON_MIXED)
    proc = cli(option, value, path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert words in proc.stderr


def test_no_path_is_a_usage_error() -> None:
    proc = cli()
    assert proc.returncode == 2
    assert proc.stderr.strip()


def test_unknown_schema_version_inside_a_document(tmp_path: Path) -> None:
    future = json.dumps({**EVENT, "schema_version": "9.9.9"})
    path = write(tmp_path / "versions.ndjson", f"{VALID}\n{future}\n{INVALID}\n{VALID}\n")
    code, records, summary, _ = run_json(path)
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "schema_version"),
                                                                         (3, "unevaluatedProperties")]
    assert records[0]["errors"][0]["instance_path"] == "/schema_version"
    assert "1.0.0" in records[0]["errors"][0]["message"]
    assert "9.9.9" in records[0]["errors"][0]["message"]


def test_forced_schema_version_overrides_the_document(tmp_path: Path) -> None:
    future = json.dumps({**EVENT, "schema_version": "9.9.9"})
    path = write(tmp_path / "versions.ndjson", f"{VALID}\n{future}\n")
    code, _, summary, _ = run_json("--schema-version", "1.0.0", path)
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


def test_stdin_dash(tmp_path: Path) -> None:
    code, records, summary, _ = run_json("-", stdin=f"\n{NDJSON_MIXED}\nnot json\n".encode())
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["file"], r["line"]) for r in records] == [("<stdin>", 3), ("<stdin>", 6)]


def test_stdin_dash_as_one_json_document() -> None:
    code, _, summary, _ = run_json("--stdin-format", "json", "-", stdin=json.dumps(EVENT, indent=2).encode())
    assert (code, counts(summary)) == (0, (1, 1, 0))


def test_stdin_and_files_together(tmp_path: Path) -> None:
    path = write(tmp_path / "events.ndjson", NDJSON_MIXED)
    code, records, summary, _ = run_json(path, "-", stdin=f"{INVALID}\n".encode())
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["file"], r["line"]) for r in records] == [(str(path), 2), ("<stdin>", 1)]


# --- output formats ---------------------------------------------------------------------------

@pytest.fixture
def mixed_file(tmp_path: Path) -> Path:
    no_payload_type = copy.deepcopy(EVENT)
    del no_payload_type["payload"]["payload_type"]
    bad_uuid = {**EVENT, "event_id": "not-a-uuid"}
    return write(tmp_path / "mixed.ndjson",
                 f"{VALID}\n{INVALID}\n\n{json.dumps(bad_uuid)}\nnot json\n{json.dumps(no_payload_type)}\n")


def test_json_format_is_ndjson_as_designed(mixed_file: Path) -> None:
    proc = cli("--format", "json", mixed_file)
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


def test_github_format(mixed_file: Path) -> None:
    proc = cli("--format", "github", mixed_file)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert errors and all(line.startswith(f"::error file={mixed_file},line=") for line in errors)
    assert {line.split("line=", 1)[1].split(",", 1)[0] for line in errors} == {"2", "4", "5", "6"}
    assert len(errors) + 1 == len(lines)
    assert "5 documents" in lines[-1] and "1 valid" in lines[-1] and "4 invalid" in lines[-1]


def test_text_format(mixed_file: Path) -> None:
    proc = cli(mixed_file)
    assert proc.returncode == 1
    out = proc.stdout
    assert f"{mixed_file}:2: (root): " in out
    assert f"{mixed_file}:4: /event_id: " in out
    assert f"{mixed_file}:5: (root): " in out
    assert f"{mixed_file}:6: /payload: " in out
    assert "5 documents: 1 valid, 4 invalid" in out


def test_max_errors_and_quiet_keep_counts_exact(mixed_file: Path) -> None:
    code, records, summary, _ = run_json("--max-errors", "1", mixed_file)
    assert (code, counts(summary)) == (1, (5, 1, 4))
    assert sum(len(r["errors"]) for r in records) == 1
    quiet = cli("--quiet", mixed_file)
    assert quiet.returncode == 1 and "5 documents: 1 valid, 4 invalid" in quiet.stdout
    assert f"{mixed_file}:2:" not in quiet.stdout


def test_lenient_flag(tmp_path: Path) -> None:
    path = write(tmp_path / "lenient.ndjson", f"{VALID}\n{INVALID}\n")
    code, _, summary, _ = run_json("--lenient", path)
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


def test_fast_and_reference_engines_agree_on_raw_byte_variants(tmp_path: Path) -> None:
    """The CLI's fast side (any bytes-level fast path, then jsonschema-rs) against --engine reference."""
    variants = _raw_variants()
    path = write(tmp_path / "raw.ndjson", "\n".join(variants) + "\n")
    runs = {engine: run_json("--engine", engine, path) for engine in ("fast", "reference")}
    (fast_code, fast_records, fast_summary, _), (ref_code, ref_records, ref_summary, _) = runs.values()
    assert fast_summary["documents"] == len(variants)
    assert (fast_code, fast_summary) == (ref_code, ref_summary)
    def paths(records: list[dict[str, Any]]) -> dict[int, set[str]]:
        return {r["line"]: {e["instance_path"] for e in r["errors"]} for r in records}
    assert paths(fast_records) == paths(ref_records)


def test_reference_engine_gives_the_same_counts(mixed_file: Path) -> None:
    fast = run_json(mixed_file)
    reference = run_json("--engine", "reference", mixed_file)
    assert fast[0] == reference[0] and fast[2] == reference[2]
    assert [[e["instance_path"] for e in r["errors"]] for r in fast[1]] == \
           [[e["instance_path"] for e in r["errors"]] for r in reference[1]]


# --- the Python API ---------------------------------------------------------------------------

def test_validate_function() -> None:
    assert validate(EVENT) == []
    findings = validate({**EVENT, "total_latency": 1.0})
    assert [(f.instance_path, f.keyword) for f in findings] == [("", "unevaluatedProperties")]
    assert all(isinstance(f, Finding) for f in findings)
    assert set(findings[0].as_dict()) == {"instance_path", "schema_path", "keyword", "message"}


def test_validator_iter_errors_and_is_valid() -> None:
    validator = Validator()
    assert validator.is_valid(EVENT)
    assert list(validator.iter_errors(EVENT)) == []
    bad = copy.deepcopy(ERROR_RATE_EVENT)
    bad["payload"]["data"]["total_requests"] = -1
    assert not validator.is_valid(bad)
    assert [f.instance_path for f in validator.iter_errors(bad)] == ["/payload/data/total_requests"]
    assert not validator.is_valid("not an object")


def test_validate_stream_over_lines() -> None:
    lines: list[str | bytes] = [VALID, "", INVALID.encode(), "not json", "   "]
    results = list(validate_stream(lines))
    assert [(r.line, r.valid) for r in results] == [(1, True), (3, False), (4, False)]
    assert results[2].errors[0].keyword == "parse"


def test_validate_stream_with_invalid_utf8_is_a_parse_error() -> None:
    results = list(validate_stream([b'{"a": "\xff"}', INVALID_UTF8, VALID.encode()]))
    assert [(r.line, r.valid) for r in results] == [(1, False), (2, False), (3, True)]
    assert [r.errors[0].keyword for r in results[:2]] == ["parse", "parse"]


def test_validate_stream_over_open_files(tmp_path: Path) -> None:
    path = write(tmp_path / "events.ndjson", f"{NDJSON_MIXED}\n{INVALID}\n")
    with path.open("rb") as binary:
        as_bytes = [(r.line, r.valid) for r in validate_stream(binary)]
    with path.open("r", encoding="utf-8") as text:
        as_text = [(r.line, r.valid) for r in validate_stream(text)]
    expected = [(1, True), (2, False), (3, True), (5, False)]
    assert as_bytes == as_text == expected
    in_memory = [(r.line, r.valid) for r in validate_stream(io.StringIO(NDJSON_MIXED))]
    assert in_memory == expected[:3]


def test_validate_stream_with_a_validator() -> None:
    results = list(validate_stream(['{"value": 5}', '"previous"', '"value"'], Validator("FillStrategy")))
    assert [r.valid for r in results] == [True, True, False]


def test_schema_selection_by_bare_and_qualified_name() -> None:
    assert validate({"value": -(2**63)}, schema="FillStrategy") == []
    assert validate({"value": -(2**63)}, schema="timeseries.FillStrategy") == []
    assert validate({"value": -(2**63) - 1}, schema="FillStrategy") != []
    time_range = load_version("1.0.0").lookup("metrics.TimeRange").examples[0]
    assert validate(time_range, schema="metrics.TimeRange") == []
    with pytest.raises(Exception, match="ambiguous"):
        Validator("TimeRange")
    with pytest.raises(Exception, match="NoSuchType"):
        Validator("NoSuchType")


def test_version_selection() -> None:
    without = {k: v for k, v in EVENT.items() if k != "schema_version"}
    assert validate(without) == []  # absent means 1.0.0
    future = {**EVENT, "schema_version": "9.9.9"}
    findings = validate(future)
    assert [(f.instance_path, f.keyword) for f in findings] == [("/schema_version", "schema_version")]
    assert "1.0.0" in findings[0].message
    assert validate(future, version="1.0.0") == []  # forced
    with pytest.raises(Exception, match=r"9\.9\.9"):
        Validator(version="9.9.9")


def test_lenient_mode_accepts_undeclared_members_but_not_in_data_variants() -> None:
    extra = {**EVENT, "total_latency": 1.0}
    assert validate(extra) != []
    assert validate(extra, lenient=True) == []
    assert Validator(lenient=True).is_valid(extra)
    assert validate({"other": "jailbreak_roleplay"}, schema="ThreatType", lenient=True) == []
    assert validate({"other": "x", "extra": 1}, schema="ThreatType", lenient=True) != []
    assert validate({"other": "x", "extra": 1}, schema="ThreatType") != []
    assert validate({"value": 1, "extra": 1}, schema="FillStrategy", lenient=True) != []
