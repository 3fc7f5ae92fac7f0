"""The native block checker (native/, validation/native.py) against the Python path it shortcuts.

It may only call a line valid when the reference does, and whatever it proves or hands back, a
block's outcome (documents, lines, counts by label, invalid documents with their findings) must be
exactly the one the Python path gives. Fed every agreement case (examples, corpus payloads, mutants)
and the inputs that make fast paths wrong.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from agreement_cases import cases

from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation import Validator
from llm_analytics_hub.validation import native as native_module
from llm_analytics_hub.validation.core import BlockOutcome, check_lines

EVENT = {**load_version("1.0.0").lookup("AnalyticsEvent").examples[0], "timestamp": "2024-01-15T10:30:00Z"}
LINE = json.dumps(EVENT, separators=(",", ":"))
EVENT_ID = EVENT["event_id"]

# Lines on which a shortcut could read more loosely than the schemas (each is invalid, or valid only
# by a hair): duplicates, escapes, surrogates, number edges, uuid and timestamp near misses, bytes.
EDGE_LINES: list[bytes] = [
    LINE.replace('"severity":', '"severity":"info","severity":', 1).encode(),  # duplicate, last wins
    LINE.replace('"severity":"info"', '"severity":"loud","severity":"info"').encode(),
    LINE.replace('{"event_id"', '{"event_id":"not-a-uuid","event_id"', 1).encode(),
    LINE.replace('"severity"', '"sev\\u0065rity"').encode(),  # an escaped member name (valid)
    LINE.replace('"info"', '"\\u0069nfo"').encode(),  # an escaped enum value (valid)
    LINE.replace('"info"', '"\\ud800"').encode(),  # a lone surrogate
    LINE.replace('"info"', '"info\\ud800"').encode(),
    LINE.replace(EVENT_ID, EVENT_ID.replace("-", "")).encode(),  # hyphenless uuid
    LINE.replace(EVENT_ID, EVENT_ID.upper()).encode(),  # uppercase hex (the pattern allows it?)
    LINE.replace(EVENT_ID, "{" + EVENT_ID + "}").encode(),
    LINE.replace(EVENT_ID, "urn:uuid:" + EVENT_ID).encode(),
    LINE.replace("2024-01-15T10:30:00Z", "2024-02-30T10:30:00Z").encode(),  # no such day
    LINE.replace("2024-01-15T10:30:00Z", "2024-01-15 10:30:00Z").encode(),
    LINE.replace("2024-01-15T10:30:00Z", "2024-01-15T23:59:60Z").encode(),  # leap second
    LINE.replace("2024-01-15T10:30:00Z", "0000-01-15T10:30:00Z").encode(),
    LINE.replace("2024-01-15T10:30:00Z", "2024-01-15t10:30:00.5+02:00").encode(),  # valid
    LINE.replace('"schema_version":"1.0.0"', '"schema_version":"1.1.0"').encode(),
    LINE.replace('"schema_version":"1.0.0"', '"schema_version":"9.9.9"').encode(),
    LINE.replace('"schema_version":"1.0.0"', '"schema_version":1').encode(),
    LINE.replace('"schema_version":"1.0.0",', "").encode(),  # absent: 1.0.0
    LINE.replace('"schema_version":"1.0.0"', '"schema_version":"1.0.0","schema_version":"1.1.0"').encode(),
    LINE.replace("{", '{"unknown":1,', 1).encode(),
    b"\xef\xbb\xbf" + LINE.encode(),  # a BOM
    LINE.encode().replace(b"info", b"inf\xff"),  # invalid UTF-8
    LINE.encode().replace(b"info", "inf\u00e9".encode("latin-1")),
    LINE.encode() + b" garbage",
    LINE.encode()[:-1],
    b"[" + LINE.encode() + b"]",
    b"NaN",
    b"\x00",
    b"{}",
    b'{"a":' * 600 + b"1" + b"}" * 600,  # deeper than any parser's limit
]


def number_lines() -> list[bytes]:
    """An integer member (total_requests, 0 <= n <= u64 max) at and beyond its edges, floats for it."""
    example = load_version("1.0.0").lookup("AnalyticsEvent").examples[2]
    line = json.dumps(example, separators=(",", ":"))
    assert '"total_requests":12500' in line
    values = ["18446744073709551615", "18446744073709551616", "-1", "-0", "12500.0", "12500.5", "1e2",
              "1e400", "9223372036854775808", "123456789012345678901234567890123456789012", "0.0", "-0.0"]
    found = [line.replace('"total_requests":12500', f'"total_requests":{value}').encode() for value in values]
    latency = LINE.split('"ttft_ms":', 1)  # a number member without bounds
    rest = latency[1].split(",", 1)[1]
    found += [f'{latency[0]}"ttft_ms":{value},{rest}'.encode() for value in (
        "1e309", "-1E309", "1" + "0" * 310 + ".0", "1.5e308", "1e-400", "123456789012345678901234567890",
        "-9223372036854775809", "true", "null")]
    return found


def outcome_facts(outcome: BlockOutcome) -> tuple[Any, ...]:
    invalid = [(r.line, r.label, [(f.instance_path, f.keyword, f.message, f.hint) for f in r.errors])
               for r in outcome.invalid]
    return outcome.documents, outcome.lines, dict(outcome.valid_by_label), invalid


def both_ways(block: bytes, type_name: str | None = None, version: str | None = None,
              lenient: bool = False) -> tuple[tuple[Any, ...], tuple[Any, ...], int]:
    """(outcome with the native checker, outcome without it, documents the native checker proved)."""
    fast = Validator(type_name, version, lenient=lenient)
    checker = fast.native_checker(all_versions=True)
    assert checker is not None, "the native checker is not used for this validator"
    proven = checker.check(block)[0] - len(checker.check(block)[3])
    python = Validator(type_name, version, lenient=lenient, native=False)
    return outcome_facts(check_lines(block, fast, "t")), outcome_facts(check_lines(block, python, "t")), proven


def test_the_native_module_is_built() -> None:
    assert native_module.available(), "the native checker is not built: run `make native` (make test does)"


def test_every_agreement_case_gets_the_python_paths_outcome() -> None:
    groups: dict[tuple[str, str | None], list[bytes]] = defaultdict(list)
    for case in cases():
        groups[(case.type_name, case.version)].append(json.dumps(case.document, ensure_ascii=False).encode())
    proven_total = documents = 0
    for (type_name, version), lines in groups.items():
        native, python, proven = both_ways(b"\n".join(lines) + b"\n", type_name, version)
        assert native == python, f"{type_name} {version}: the native outcome differs"
        proven_total += proven
        documents += len(lines)
    assert documents > 15_000
    valid = sum(1 for case in cases() if not case_findings(case))
    assert proven_total == valid, "the native checker should prove every valid case itself"


def case_findings(case: Any) -> Any:
    from agreement_cases import python_validator

    return python_validator(case.type_name, case.version).check(case.document)


@pytest.mark.parametrize("lenient", [False, True])
def test_lines_that_make_fast_paths_wrong_get_the_python_paths_outcome(lenient: bool) -> None:
    lines = [LINE.encode(), *EDGE_LINES, *number_lines(), b"", b" \t", LINE.encode() + b"\r", b"\x0b", b"\r"]
    native, python, proven = both_ways(b"\n".join(lines) + b"\n" + LINE.encode(), lenient=lenient)
    assert native == python
    assert 0 < proven < native[0]


def test_a_forced_version_and_another_type() -> None:
    metrics = load_version("1.1.0").lookup("metrics.MetricValues").examples
    block = b"\n".join(json.dumps(m).encode() for m in metrics) + b"\n" + LINE.encode()
    native, python, _ = both_ways(block, "metrics.MetricValues", "1.1.0")
    assert native == python


def test_schemas_other_than_the_built_ones_are_never_judged_natively(monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited schema tree (its digest differs from the one compiled into the crate) falls back."""
    schemas = load_version("1.0.0")
    monkeypatch.setitem(schemas.__dict__, "digest", "0" * 64)
    assert Validator(version="1.0.0").native_checker() is None
    checker = Validator().native_checker(all_versions=True)  # 1.1.0 still matches: only it is planned
    assert checker is not None
    _, _, labels, unproven, unplanned = checker.check(LINE.encode() + b"\n")
    assert (labels, len(unproven), unplanned) == ([], 1, 1)


def test_parsed_documents_get_the_python_paths_verdicts_and_findings() -> None:
    """`Validator.is_valid` / `check` on dicts walk them natively (BlockChecker.proves): same answers."""
    proven = valid = 0
    validators: dict[tuple[str, str | None], tuple[Validator, Validator]] = {}
    for case in cases():
        key = (case.type_name, case.version)
        if key not in validators:
            validators[key] = Validator(*key), Validator(*key, native=False)
        fast, python = validators[key]
        findings = python.check(case.document)
        assert fast.check(case.document) == findings, case.origin
        assert fast.is_valid(case.document) == (not findings), case.origin
        checker = fast.native_checker(all_versions=True)
        assert checker is not None
        proven += checker.proves(case.document)
        valid += not findings and not beyond_64_bits(case.document)
    assert proven == valid, "the native checker should prove every valid case without a huge integer"


def beyond_64_bits(value: Any) -> bool:
    """Holds an integer outside i64 and u64 (the native walk leaves those documents to Python)."""
    if isinstance(value, dict):
        return any(beyond_64_bits(v) for v in value.values())
    if isinstance(value, list):
        return any(beyond_64_bits(v) for v in value)
    return type(value) is int and not -(2**63) <= value < 2**64


class Text(str):
    pass


def python_values() -> list[Any]:
    """Documents a JSON parser never gives (or gives only at the edges): the native walk must not
    read them more loosely than the schemas, so it leaves them to Python."""
    metrics = load_version("1.0.0").lookup("AnalyticsEvent").examples[2]
    with_total = json.dumps(metrics)
    assert '"total_requests": 12500' in with_total

    def total(value: Any) -> Any:
        document = json.loads(with_total)
        document["payload"]["data"]["total_requests"] = value
        return document

    import enum

    class Level(enum.IntEnum):
        LOW = 1

    deep: Any = 1
    for _ in range(600):
        deep = {"a": deep}
    return [
        *(total(value) for value in (2**64 - 1, 2**64, 2**63, -1, -(2**63) - 1, 12500.0, 12500.5, True,
                                     float("nan"), float("inf"), Level.LOW, "12500", None, 10**40)),
        {**EVENT, "severity": Text("info")},  # a str subclass
        {**EVENT, "tags": {1: "x"}},  # a member name that is no string
        {**EVENT, "tags": {"k": ("a",)}},  # a tuple is no JSON array
        {**EVENT, "severity": "info\ud800"},  # a lone surrogate
        {**EVENT, "event_id": EVENT_ID.upper()},
        {**EVENT, "event_id": EVENT_ID.replace("-", "")},
        {**EVENT, "timestamp": "2024-02-30T10:30:00Z"},
        {**EVENT, "schema_version": "1.1.0"},
        {**EVENT, "schema_version": "9.9.9"},
        {**EVENT, "unknown": 1},
        EVENT,
        deep,
    ]


@pytest.mark.parametrize("lenient", [False, True])
def test_python_values_a_parser_never_gives_get_the_python_paths_answers(lenient: bool) -> None:
    fast = Validator(lenient=lenient)
    python = Validator(lenient=lenient, native=False)
    checker = fast.native_checker(all_versions=True)
    assert checker is not None
    proven = 0
    for document in python_values():
        findings = python.check(document)
        assert fast.check(document) == findings, repr(document)[:200]
        assert fast.is_valid(document) == (not findings)
        if checker.proves(document):
            assert not findings, repr(document)[:200]
            proven += 1
    assert proven >= 4  # EVENT, 2**64 - 1, 12500.0, ... are proven natively
