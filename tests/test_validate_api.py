"""The Python validation API: validate, Validator, validate_stream."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from validate_support import (
    ERROR_RATE_EVENT,
    EVENT,
    INVALID,
    INVALID_UTF8,
    NDJSON_MIXED,
    VALID,
    write,
)

from llm_analytics_hub import Finding, Validator, validate, validate_stream
from llm_analytics_hub.schema_store import load_version

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
