"""The loader's native shredder (native/src/shred.rs, storage/native_shred.py) against the Python path
(the compiled shredder and the Arrow encoder): the same Arrow tables, schema and values, for every example
and valid corpus event of every version loaded into every table version, the bench's mix, and randomized
valid variations of them (spellings of numbers, date-times, uuids and strings; members left out, reordered,
spaced). What the native shredder is not sure of it hands back (None); it must never differ."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest
from storage_support import documents

from llm_analytics_hub.storage.blocks import Rows, Target, _derive_key, _encode_rows, _encoder, _parse, encode_rows
from llm_analytics_hub.storage.layout import events_table
from llm_analytics_hub.storage.native_shred import native_shredder
from llm_analytics_hub.validation import native
from llm_analytics_hub.validation.core import check_lines
from llm_analytics_hub.validation.validator import Validator
from llm_analytics_hub.versions import available_versions, parse_version

REPO = Path(__file__).resolve().parents[1]
VERSIONS = available_versions(REPO / "schemas")

pytestmark = pytest.mark.skipif(native._NATIVE is None or not hasattr(native._NATIVE, "Shredder"),
                                reason=f"the native extension is not built ({native.why_not()}): `make native`")

Lines = list[tuple[int, bytes]]


def python_rows(lines: Lines, version: str) -> Rows:
    return _encode_rows(lines, Validator(), Target(version, "arrow"))


def native_rows(lines: Lines, version: str) -> Rows | None:
    target = Target(version, "arrow")
    shredder = native_shredder(events_table(version))
    assert shredder is not None, "the native shredder does not model the events table"
    found = shredder.rows(lines, None, version, _encoder(target), _parse, _derive_key)
    return None if found is None else Rows(*found)


def assert_same(mine: Rows, theirs: Rows) -> None:
    assert (mine.count, mine.keys, mine.too_new) == (theirs.count, theirs.keys, theirs.too_new)
    assert list(mine.data) == list(theirs.data)
    for name, batch in theirs.data.items():
        ours, reference = pa.Table.from_batches([mine.data[name]]), pa.Table.from_batches([batch])
        assert ours.schema.equals(reference.schema), name
        for column in reference.column_names:
            assert ours[column].equals(reference[column]), (name, column, ours[column][:3], reference[column][:3])
        assert ours.equals(reference), name
        assert repr(ours.to_pylist()) == repr(reference.to_pylist()), name  # -0.0 is not 0.0 here


def valid_lines(texts: list[bytes]) -> Lines:
    data = b"".join(text + b"\n" for text in texts)
    invalid = {result.line for result in check_lines(data, Validator(), "test").invalid}
    return [(number, text) for number, text in enumerate(texts, start=1) if number not in invalid]


def compare(lines: Lines, version: str, *, must: bool) -> bool:
    """Both paths over `lines` as one block; whether the native shredder took it (it must when `must`)."""
    mine = native_rows(lines, version)
    assert mine is not None or not must, "the native shredder handed back a block it should take"
    if mine is not None:
        assert_same(mine, python_rows(lines, version))
    return mine is not None


def spellings(document: dict[str, Any]) -> list[bytes]:
    return [orjson.dumps(document), json.dumps(document).encode(), json.dumps(document, indent=None,
            separators=(" ,", " : ")).encode() + b"  \r", json.dumps(document, ensure_ascii=True).encode()]


@pytest.mark.parametrize("table_version", VERSIONS)
def test_every_example_and_corpus_event_gives_the_python_paths_batches(table_version: str) -> None:
    for version in VERSIONS:
        if parse_version(version) > parse_version(table_version):
            continue
        texts = [text for document in documents(version) for text in spellings(document)]
        lines = valid_lines(texts)
        assert len(lines) == len(texts)
        compare(lines, table_version, must=True)
        for line in lines:  # one by one too: every variant table alone, and the empty ones left out
            compare([line], table_version, must=True)


def test_the_bench_mix_gives_the_python_paths_batches() -> None:
    for choice in ("1.0.0", "interleaved"):
        made = subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--count", "3000",
                               "--version", choice, "--seed", "7"], check=True, capture_output=True).stdout
        lines = valid_lines(made.splitlines())
        assert 2900 < len(lines) < 3000  # a share of planted mistakes is left out
        compare(lines, VERSIONS[-1], must=True)


def _looks_uuid(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4


def _instant(rng: random.Random) -> str:
    year, month, day = rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28)
    fraction = rng.choice(["", ".0", ".5", ".120", ".123", ".000", ".123456", ".100000", ".123456789",
                           ".000000001", ".1234567891234", "." + "9" * rng.randint(1, 12)])
    offset = rng.choice(["Z", "z", "+00:00", "-00:00", "+05:30", "-11:59", "+14:00"])
    second = rng.choice([0, 59, rng.randint(0, 59), 60])
    sep = rng.choice("TTTt")
    return f"{year:04d}-{month:02d}-{day:02d}{sep}{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:" \
           f"{second:02d}{fraction}{offset}"


def _vary(value: Any, rng: random.Random, key: str = "") -> Any:
    if isinstance(value, dict):
        items = [(k, _vary(v, rng, k)) for k, v in value.items() if not (k in ("tags", "schema_version",
                 "event_id") and rng.random() < 0.2)]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [_vary(v, rng) for v in value]
    if isinstance(value, bool) or value is None or rng.random() < 0.9:
        return value
    if isinstance(value, float):
        return rng.choice([-0.0, 0.0, 1e-7, 12345678.9, 1.5e300, float(int(value)), int(value), 2**53,
                           2**53 + 1, 5e-324, value * 1.000001])
    if isinstance(value, int):
        return rng.choice([0, 1, value + 1, 2**31, 2**63 - 1, 2**64 - 1, 2**64, -1])
    if isinstance(value, str):
        if "T" in value and value[:4].isdigit() and len(value) > 18:
            return _instant(rng)
        if _looks_uuid(value):
            return value.upper()
        return rng.choice([value + "\u00e9\U0001f600\"\\/\n\t", "", value + "\u2028"])
    return value


def test_randomized_valid_variations_give_the_python_paths_batches_or_go_the_python_way() -> None:
    rng = random.Random(20261207)
    sources = [d for version in VERSIONS for d in documents(version)]
    texts = []
    for _ in range(2000):
        text = json.dumps(_vary(rng.choice(sources), rng), ensure_ascii=rng.random() < 0.3).encode()
        if rng.random() < 0.2:
            text = text.replace(b": ", b":\t ").replace(b", ", b" ,\r ")
        texts.append(text)
    lines = valid_lines(texts)
    assert len(lines) > 200
    taken = sum(compare([line], VERSIONS[-1], must=False) for line in lines)
    assert taken > len(lines) * 0.8  # the unusual ones go the Python way, not most
    for start in range(0, len(lines), 25):
        compare(lines[start:start + 25], VERSIONS[-1], must=False)


def test_load_uses_the_native_shredder_and_the_python_path_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    documents_ = documents(VERSIONS[-1])
    lines = valid_lines([orjson.dumps(d) for d in documents_])
    target = Target(VERSIONS[-1], "arrow")
    calls = []
    shredder = native_shredder(events_table(VERSIONS[-1]))
    assert shredder is not None
    real = shredder.rows
    monkeypatch.setattr(shredder, "rows", lambda *a, **k: calls.append(1) or real(*a, **k))  # type: ignore
    assert_same(encode_rows(lines, Validator(), target), python_rows(lines, VERSIONS[-1]))
    assert calls == [1]
    encode_rows(lines, Validator(), Target(VERSIONS[-1], "copy"))
    assert calls == [1]  # COPY text goes the Python way
