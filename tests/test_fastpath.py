"""The fast path may only ever say "valid": its date-time regex against the reference's verdict,
and the whole fast path against the precise engines on every example and corpus payload."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation import Validator
from llm_analytics_hub.validation.fastpath import DATE_TIME_FAST, FastPath, compile_fast_path

CORPUS = Path(__file__).resolve().parents[1] / "schemas" / "corpus"
FAST_DATE_TIME = re.compile(DATE_TIME_FAST)
REFERENCE_DATE_TIME = Validator("metrics.TimeRange", "1.0.0", engine="reference")


def digits(low: int, high: int, width: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: str(n).zfill(width))


timestamps = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, off: f"{y}-{mo}-{d}{sep}{h}:{mi}:{s}{frac}{off}",
    digits(0, 9999, 4), digits(0, 13, 2), digits(0, 32, 2), st.sampled_from(["T", "t", " "]),
    digits(0, 24, 2), digits(0, 60, 2), digits(0, 61, 2), st.sampled_from(["", ".5", ".123456789", "."]),
    st.sampled_from(["Z", "z", "+02:00", "-00:00", "+23:59", "+24:00", "+0200", "", "Z\n"]),
)


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(timestamps)
def test_fast_date_time_regex_equals_pattern_and_format(value: str) -> None:
    document = {"start": value, "end": "2024-01-15T10:30:00Z"}
    assert bool(FAST_DATE_TIME.search(value)) == REFERENCE_DATE_TIME.is_valid(document), value


def test_leap_years_and_month_lengths() -> None:
    for value, valid in [("2024-02-29T00:00:00Z", True), ("2023-02-29T00:00:00Z", False),
                         ("1900-02-29T00:00:00Z", False), ("2000-02-29T00:00:00Z", True),
                         ("2024-04-31T00:00:00Z", False), ("2024-12-31T23:59:59Z", True)]:
        assert bool(FAST_DATE_TIME.search(value)) is valid, value


def _payloads() -> list[tuple[str, str, object]]:
    cases = []
    for version_dir in sorted(CORPUS.iterdir()):
        for path in sorted(version_dir.glob("*.json")):
            cases += [(version_dir.name, case["type"], case["payload"]) for case in json.loads(path.read_text())]
    schemas = load_version("1.0.0")
    cases += [("1.0.0", t.qualified, example) for t in schemas.types for example in t.examples]
    return cases


def test_fast_path_never_accepts_what_the_reference_rejects() -> None:
    accepted = rejected_by_fast = 0
    fast_paths: dict[tuple[str, str], FastPath | None] = {}
    references: dict[tuple[str, str], Validator] = {}
    for version, type_name, payload in _payloads():
        key = (version, type_name)
        if key not in fast_paths:
            schemas = load_version(version)
            fast_paths[key] = compile_fast_path(schemas, schemas.lookup(type_name))
            references[key] = Validator(type_name, version, engine="reference")
        fast = fast_paths[key]
        if fast is None:
            continue
        if fast.accepts(json.dumps(payload).encode()) is not None:
            accepted += 1
            assert references[key].is_valid(payload), (type_name, payload)
        else:
            rejected_by_fast += 1
    assert accepted > 500 and rejected_by_fast > 500, (accepted, rejected_by_fast)
