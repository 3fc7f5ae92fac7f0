"""`llm-hub validate` on bad and unusual input, through the real CLI: each case checks the exit
code, no traceback, the one-line message naming file and line, and the exact document counts."""

from __future__ import annotations

import copy
import gzip
import json
import os
import random
from pathlib import Path

import pytest
from hub_runner import Hub
from validate_support import (
    ERROR_RATE_EVENT,
    EVENT,
    EXAMPLES,
    INVALID,
    INVALID_UTF8,
    NDJSON_MIXED,
    VALID,
    assert_one_line_naming,
    counts,
    write,
)

# --- empty input, blank lines, non-JSON lines -------------------------------------------------

def test_empty_ndjson_file_is_zero_documents(hub: Hub, tmp_path: Path) -> None:
    code, records, summary, _ = hub.validate_json(write(tmp_path / "empty.ndjson", b""))
    assert (code, records, counts(summary)) == (0, [], (0, 0, 0))


def test_empty_json_file_is_one_invalid_document(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "empty.json", b"")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (1, 0, 1))
    assert records[0]["file"] == str(path) and records[0]["line"] == 1
    assert [e["keyword"] for e in records[0]["errors"]] == ["parse"]
    assert_one_line_naming(hub.validate(path).stdout, str(path), 1)


def test_blank_lines_are_skipped_but_line_numbers_stay_exact(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "blanks.ndjson", f"\n{VALID}\n\n   \n\t\r\n{INVALID}\n\n{VALID}\n\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (3, 2, 1))
    assert [(r["file"], r["line"]) for r in records] == [(str(path), 6)]
    assert records[0]["errors"][0]["keyword"] == "unevaluatedProperties"


def test_crlf_line_endings_are_accepted(hub: Hub, tmp_path: Path) -> None:
    code, _, summary, _ = hub.validate_json(write(tmp_path / "crlf.ndjson", f"{VALID}\r\n{VALID}\r\n"))
    assert (code, counts(summary)) == (0, (2, 2, 0))


def test_non_json_line_is_invalid_and_the_run_goes_on(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.ndjson", f"{VALID}\nthis is not json\n{INVALID}\n{VALID}\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (4, 2, 2))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse"), (3, "unevaluatedProperties")]
    assert records[0]["errors"][0]["instance_path"] == ""
    row = assert_one_line_naming(hub.validate(path).stdout, str(path), 2)
    assert "[parse]" in row


def test_truncated_last_line(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "truncated.ndjson", f"{VALID}\n{VALID}\n{VALID[: len(VALID) // 2]}")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (3, 2, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(3, "parse")]
    assert_one_line_naming(hub.validate(path).stdout, str(path), 3)


def test_random_binary_every_non_blank_line_is_one_invalid_document(hub: Hub, tmp_path: Path) -> None:
    rng = random.Random(20240115)
    chunks = [rng.randbytes(rng.randrange(0, 120)) for _ in range(80)]
    data = b"\n".join(chunks)
    path = write(tmp_path / "noise.ndjson", data)
    expected = sum(1 for line in data.split(b"\n") if line.strip())
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (expected, 0, expected))
    assert len(records) == expected
    non_blank = [number for number, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    assert [r["line"] for r in records] == non_blank
    assert {e["keyword"] for r in records for e in r["errors"]} <= {"parse", "type"}
    text = hub.validate(path)
    assert text.returncode == 1


def test_utf8_bom_at_the_start_is_accepted(hub: Hub, tmp_path: Path) -> None:
    ndjson = write(tmp_path / "bom.ndjson", b"\xef\xbb\xbf" + NDJSON_MIXED.encode())
    single = write(tmp_path / "bom.json", b"\xef\xbb\xbf" + VALID.encode())
    code, records, summary, _ = hub.validate_json(ndjson, single)
    assert (code, counts(summary)) == (1, (4, 3, 1))
    assert [(r["file"], r["line"]) for r in records] == [(str(ndjson), 2)]


def test_bom_in_the_middle_of_a_file_is_a_parse_error(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "bom2.ndjson", VALID.encode() + b"\n\xef\xbb\xbf" + VALID.encode() + b"\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (2, 1, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse")]


def test_invalid_utf8_inside_a_string(hub: Hub, tmp_path: Path) -> None:
    assert b"\xff" in INVALID_UTF8
    path = write(tmp_path / "latin.ndjson", b"\n".join([VALID.encode(), INVALID_UTF8, VALID.encode()]) + b"\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (3, 2, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse")]
    assert_one_line_naming(hub.validate(path).stdout, str(path), 2)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "nan", "inf"])
def test_nan_and_infinity_literals_are_parse_errors(hub: Hub, tmp_path: Path, literal: str) -> None:
    bad = VALID.replace('"ttft_ms": 312.4', f'"ttft_ms": {literal}')
    assert bad != VALID
    path = write(tmp_path / "nan.ndjson", f"{bad}\n{VALID}\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (2, 1, 1))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(1, "parse")]


# --- numbers beyond 64 bits -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "valid"), [(2**64 - 1, True), (2**64, False), (10**30, False), (-1, False)])
def test_u64_member_range(hub: Hub, tmp_path: Path, value: int, valid: bool) -> None:
    event = copy.deepcopy(ERROR_RATE_EVENT)
    event["payload"]["data"]["total_requests"] = value
    path = write(tmp_path / "u64.ndjson", json.dumps(event) + "\n")
    code, records, summary, _ = hub.validate_json(path)
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
def test_fill_strategy_value_is_an_exact_i64(hub: Hub, tmp_path: Path, text: str, valid: bool) -> None:
    path = write(tmp_path / "fill.json", '{"value": ' + text + "}")
    code, records, summary, _ = hub.validate_json("--schema", "FillStrategy", path)
    assert (code, counts(summary)) == ((0, (1, 1, 0)) if valid else (1, (1, 0, 1)))
    if not valid:
        paths = {e["instance_path"] for e in records[0]["errors"]}
        assert "/value" in paths or paths == {""}, records


def test_deep_nesting_is_a_parse_error_not_a_recursion_error(hub: Hub, tmp_path: Path) -> None:
    depth = 100_000
    arrays = "[" * depth + "]" * depth
    objects = '{"a":' * depth + "1" + "}" * depth
    ndjson = write(tmp_path / "deep.ndjson", f"{arrays}\n{objects}\n{VALID}\n")
    single = write(tmp_path / "deep.json", arrays)
    code, records, summary, err = hub.validate_json(ndjson, single)
    assert (code, counts(summary)) == (1, (4, 1, 3))
    assert [(r["file"], r["line"], r["errors"][0]["keyword"]) for r in records] == [
        (str(ndjson), 1, "parse"), (str(ndjson), 2, "parse"), (str(single), 1, "parse")]
    assert "RecursionError" not in err


def test_sixty_megabyte_single_document(hub: Hub, tmp_path: Path) -> None:
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
    code, records, summary, _ = hub.validate_json(path)
    assert (code, records, counts(summary)) == (0, [], (1, 1, 0))


def test_duplicate_keys_are_invalid_and_named(hub: Hub, tmp_path: Path) -> None:
    duplicated = VALID.replace('"ttft_ms": 312.4', '"ttft_ms": 312.4, "ttft_ms": 1.0')
    nested_escape = VALID.replace('"severity": "info"', '"severity": "info", "sev\\u0065rity": "info"')
    path = write(tmp_path / "dup.ndjson", f"{VALID}\n{duplicated}\n{nested_escape}\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (3, 1, 2))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [(2, "parse"), (3, "parse")]
    assert "ttft_ms" in records[0]["errors"][0]["message"]
    assert "severity" in records[1]["errors"][0]["message"]


def test_large_file_keeps_order_lines_and_counts_exact(hub: Hub, tmp_path: Path) -> None:
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
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (documents, documents - len(expected), len(expected)))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == expected


def test_lines_longer_than_any_read_block(hub: Hub, tmp_path: Path) -> None:
    """Lines of several MB between short ones: each is still one document at its own line number."""
    event = copy.deepcopy(EXAMPLES[18])
    event["payload"]["data"]["data"] = {"blob": "x" * 9_000_000}
    long_valid = json.dumps(event)
    long_invalid = json.dumps({**event, "extra": 1})
    lines = [VALID, long_valid, INVALID, "", long_invalid, VALID, long_valid[:5_000_000], VALID]
    path = write(tmp_path / "long.ndjson", "\n".join(lines) + "\n")
    code, records, summary, _ = hub.validate_json(path)
    assert (code, counts(summary)) == (1, (7, 4, 3))
    assert [(r["line"], r["errors"][0]["keyword"]) for r in records] == [
        (3, "unevaluatedProperties"), (5, "unevaluatedProperties"), (7, "parse")]


def test_fraction_beyond_float_precision_in_an_integer_member(hub: Hub, tmp_path: Path) -> None:
    """Control: a plain fraction in a u64 member is invalid (the precision case is the xfail below)."""
    event = copy.deepcopy(ERROR_RATE_EVENT)
    event["payload"]["data"]["total_requests"] = 12.5
    code, records, _, _ = hub.validate_json(write(tmp_path / "fraction.ndjson", json.dumps(event) + "\n"))
    assert code == 1 and records[0]["errors"][0]["instance_path"] == "/payload/data/total_requests"


def test_fraction_lost_to_float_rounding_gets_the_reference_verdict(hub: Hub, tmp_path: Path) -> None:
    """9007199254740993.5 has no double; every double-based JSON reader (orjson, Python's json under
    python-jsonschema) reads 9007199254740994.0, which `integer` accepts. The producers' serde rejects
    any fraction token in an integer member, which JSON Schema cannot express (MODEL.md §2.7); the
    validator's verdict follows the reference engine, documented in docs/schema-design.md."""
    raw = json.dumps(ERROR_RATE_EVENT).replace('"total_requests": 12500', '"total_requests": 9007199254740993.5')
    assert "9007199254740993.5" in raw
    path = write(tmp_path / "precision.ndjson", raw + "\n")
    fast = hub.validate_json(path)
    reference = hub.validate_json(path, "--engine", "reference")
    assert (fast[0], counts(fast[2])) == (reference[0], counts(reference[2])) == (0, (1, 1, 0))


def test_text_format_is_one_line_per_error_whatever_the_member_names(hub: Hub, tmp_path: Path) -> None:
    forged = f"a\n{tmp_path}/other.ndjson:99: (root): forged"
    path = write(tmp_path / "names.ndjson", json.dumps({**EVENT, forged: 1}) + "\n")
    proc = hub.validate(path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    summary_at = next(i for i, line in enumerate(lines) if line.startswith("1 documents"))
    assert summary_at == 1 and lines[0].startswith(f"{path}:1: "), proc.stdout


# --- inputs that cannot be read -----------------------------------------------------------------

def test_missing_file_is_exit_2_and_other_files_are_still_validated(hub: Hub, tmp_path: Path) -> None:
    good = write(tmp_path / "good.ndjson", NDJSON_MIXED)
    missing = tmp_path / "missing.ndjson"
    code, records, summary, err = hub.validate_json(missing, good)
    assert (code, counts(summary)) == (2, (3, 2, 1))
    assert [(r["file"], r["line"]) for r in records] == [(str(good), 2)]
    assert summary.get("unreadable_inputs") == [str(missing)]
    assert_one_line_naming(err, str(missing))
    text = hub.validate(missing, good)
    assert text.returncode == 2
    assert_one_line_naming(text.stderr, str(missing))


@pytest.mark.parametrize("name", ["folder.ndjson", "folder.json", "folder"])
def test_directory_is_exit_2(hub: Hub, tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    good = write(tmp_path / "good.json", VALID)
    code, _, summary, err = hub.validate_json(folder, good)
    assert (code, counts(summary)) == (2, (1, 1, 0))
    assert_one_line_naming(err, str(folder))


def test_unknown_file_kind_is_exit_2(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "events.txt", VALID)
    code, _, summary, err = hub.validate_json(path)
    assert (code, counts(summary)) == (2, (0, 0, 0))
    assert_one_line_naming(err, str(path))


def test_unreadable_file_is_exit_2(hub: Hub, tmp_path: Path) -> None:
    path = write(tmp_path / "secret.ndjson", NDJSON_MIXED)
    good = write(tmp_path / "good.ndjson", f"{VALID}\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read a chmod 000 file (root)")
        code, _, summary, err = hub.validate_json(path, good)
        assert (code, counts(summary)) == (2, (1, 1, 0))
        assert_one_line_naming(err, str(path))
    finally:
        path.chmod(0o644)


def test_gzip_input(hub: Hub, tmp_path: Path) -> None:
    ndjson = write(tmp_path / "events.ndjson.gz", gzip.compress(NDJSON_MIXED.encode()))
    jsonl = write(tmp_path / "events.jsonl.gz", gzip.compress(f"{VALID}\n\n{VALID}\n".encode()))
    single = write(tmp_path / "event.json.gz", gzip.compress(INVALID.encode()))
    code, records, summary, _ = hub.validate_json(ndjson, jsonl, single)
    assert (code, counts(summary)) == (1, (6, 4, 2))
    assert [(r["file"], r["line"]) for r in records] == [(str(ndjson), 2), (str(single), 1)]


@pytest.mark.parametrize("damage", ["not gzip", "truncated", "bad crc"])
def test_corrupt_gzip_is_exit_2_naming_the_file(hub: Hub, tmp_path: Path, damage: str) -> None:
    packed = gzip.compress((NDJSON_MIXED * 50).encode())
    data = {"not gzip": b"\x1f\x8bthis is not a deflate stream at all" * 10,
            "truncated": packed[: len(packed) // 2],
            "bad crc": packed[:-8] + bytes(8)}[damage]
    path = write(tmp_path / "broken.ndjson.gz", data)
    good = write(tmp_path / "good.ndjson", f"{VALID}\n")
    proc = hub.validate("--format", "json", path, good)
    assert proc.returncode == 2
    summary = json.loads(proc.stdout.splitlines()[-1])["summary"]
    assert summary["unreadable_inputs"] == [str(path)]
    assert summary["documents"] >= 1  # the good file, plus whatever came out before the damage
    assert_one_line_naming(proc.stderr, str(path))




@pytest.mark.parametrize("depth", [300, 990, 1024, 1025])
def test_nesting_within_and_beyond_the_parser_limit(hub: Hub, tmp_path: Path, depth: int) -> None:
    """Documents nested up to the parser's 1024 levels are read and judged (here: not events); deeper
    ones are parse errors. None of them may crash a later step (orjson writes only 254 levels)."""
    member = {**EVENT, "payload": {**EVENT["payload"], "data": {**EVENT["payload"]["data"], "model_id": "x"}}}
    nested = '{"a":' * (depth - 1) + "1" + "}" * (depth - 1)  # an object `depth` levels deep with its parent
    text = json.dumps(member).replace('"model_id": "x"', f'"model_id": {nested}')
    code, records, summary, err = hub.validate_json("-", stdin=f"{text}\n{VALID}\n".encode())
    assert (code, counts(summary)) == (1, (2, 1, 1)), err
    keyword = records[0]["errors"][0]["keyword"]
    assert keyword == ("parse" if depth + 3 > 1024 else "type"), records[0]
