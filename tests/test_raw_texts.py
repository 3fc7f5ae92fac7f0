"""One verdict per text (docs/errors.md): `llm-hub validate` gives every raw text of
tests/data/raw_texts.ndjson the verdict the rules decide, and Python's own text entry points agree
with it: the generated models' `from_json` (bytes and str) and `Validator.check_json`, with and
without the native checker.

Each line is `{"type", "version", "text" | "text_base64", "note"}`; `text_base64` carries bytes that
are not UTF-8. A note that starts with `valid:` or `invalid, <keyword>:` states the verdict the
rules give (and for `parse`, that it is the one finding, at the document); the CLI must give it.
Every line, whatever its note, must get the CLI's verdict from every other entry point.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from llm_analytics_hub.codegen.ir import module_name
from llm_analytics_hub.runtime import Model, ModelError
from llm_analytics_hub.validation import Validator
from llm_analytics_hub.validation.native import _load as load_native

ROOT = Path(__file__).resolve().parent.parent
RAW_TEXTS = ROOT / "tests" / "data" / "raw_texts.ndjson"

# The native checker (`make native`) runs the generated Rust crate's reader, which keeps an integer
# literal beyond i128 as a big integer of unknown size and so proves `1` and 400 zeros valid. The rule
# is the Rust crate's to follow (issue 27, Rust part); until its reader does and `make native` rebuilt
# the module, these lines are reported as an expected failure of the native run, by name.
KNOWN_NATIVE_GAPS = frozenset({
    "invalid, parse: an integer literal beyond the double range (1 and 400 zeros) inside an any-typed value",
    "invalid, parse: a negative integer literal beyond the double range (-1 and 309 zeros) inside an any-typed value",
})


@cache
def raw_texts() -> tuple[dict[str, Any], ...]:
    lines = [json.loads(line) for line in RAW_TEXTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in lines:
        assert set(line) in ({"type", "version", "text", "note"}, {"type", "version", "text_base64", "note"}), line
    # a text without a version dispatches on its schema_version: the other languages' harnesses read those
    return tuple(line for line in lines if line["version"] is not None)


def raw_bytes(line: dict[str, Any]) -> bytes:
    if "text_base64" in line:
        return base64.b64decode(line["text_base64"])
    text: str = line["text"]
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate in the text: bytes that are not UTF-8


def stated(note: str) -> tuple[bool, str | None] | None:
    """(valid, keyword) the note states, or None when it states no verdict."""
    if note.startswith("valid:"):
        return True, None
    if note.startswith("invalid, ") and ":" in note:
        return False, note[len("invalid, "):note.index(":")]
    return None


def cli_outcomes(tmp_path: Path, native: bool) -> dict[int, tuple[bool, list[dict[str, Any]]]]:
    """line index -> (valid, findings) from `llm-hub validate`, each text as a .json file of its own."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, line in enumerate(raw_texts()):
        groups[(line["type"], line["version"])].append(index)
    env = dict(os.environ, LLM_HUB_NATIVE="1" if native else "0")
    outcomes: dict[int, tuple[bool, list[dict[str, Any]]]] = {}
    for (type_name, version), indexes in sorted(groups.items()):
        files = {}
        for index in indexes:
            path = tmp_path / f"{'native' if native else 'python'}-{index:03d}.json"
            path.write_bytes(raw_bytes(raw_texts()[index]))
            files[str(path)] = index
        proc = subprocess.run(
            [sys.executable, "-m", "llm_analytics_hub.cli", "validate", "--schema", type_name,
             "--schema-version", version, "--format", "json", *files],
            capture_output=True, env=env, timeout=600, check=False)
        assert proc.returncode in (0, 1), proc.stderr.decode()
        assert b"Traceback" not in proc.stderr, proc.stderr.decode()
        records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
        assert records[-1]["summary"]["documents"] == len(indexes)
        invalid = {record["file"]: record["errors"] for record in records[:-1]}
        for path, index in files.items():
            outcomes[index] = (path not in invalid, invalid.get(path, []))
    return outcomes


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[bool, list[dict[str, Any]]]]:
    return cli_outcomes(tmp_path_factory.mktemp("raw-texts"), native=False)


def test_the_corpus_covers_the_rules() -> None:
    notes = [line["note"] for line in raw_texts()]
    assert len(notes) == len(set(notes)), "notes name their lines: each must be unique"
    for topic in ("twice", "1e400", "1 and 400 zeros", "2^64", "-0", "escapes", "NaN", "trailing comma",
                  "two documents", "lower-case t and z", "30 February", "1024 levels", "1025 levels",
                  "byte order mark", "lone high surrogate", "invalid UTF-8"):
        assert any(topic in note for note in notes), topic
    assert any("text_base64" in line for line in raw_texts())


def test_the_cli_gives_the_stated_verdicts(cli: dict[int, tuple[bool, list[dict[str, Any]]]]) -> None:
    wrong = []
    for index, line in enumerate(raw_texts()):
        expected = stated(line["note"])
        if expected is None:
            continue
        valid, errors = cli[index]
        keywords = sorted({error["keyword"] for error in errors})
        if valid != expected[0]:
            wrong.append(f"{line['note']}: the CLI says {'valid' if valid else keywords}")
        elif expected[1] == "parse" and [(e["keyword"], e["instance_path"]) for e in errors] != [("parse", "")]:
            wrong.append(f"{line['note']}: expected one parse finding at the document, got {errors}")
        elif expected[1] is not None and expected[1] not in keywords:
            wrong.append(f"{line['note']}: expected a {expected[1]} finding, got {keywords}")
    assert not wrong, "\n".join(wrong)


def test_the_native_checker_agrees(tmp_path: Path, cli: dict[int, tuple[bool, list[dict[str, Any]]]]) -> None:
    if load_native() is None:
        pytest.skip("no native checker built (make native)")
    native = cli_outcomes(tmp_path, native=True)
    differ = {raw_texts()[index]["note"] for index in cli if native[index][0] != cli[index][0]}
    assert differ <= KNOWN_NATIVE_GAPS, sorted(differ - KNOWN_NATIVE_GAPS)
    if differ:
        pytest.xfail("the native checker still proves: " + "; ".join(sorted(differ)))


@cache
def model_class(type_name: str, version: str) -> Any:
    area, name = type_name.split(".")
    found = getattr(importlib.import_module(f"llm_analytics_hub.models.{module_name(version)}.{area}"), name)
    assert isinstance(found, type) and issubclass(found, Model), type_name
    return found


def from_json_accepts(cls: Any, text: bytes | str) -> bool:
    try:
        cls.from_json(text)
    except ModelError:
        return False
    return True


def test_from_json_agrees(cli: dict[int, tuple[bool, list[dict[str, Any]]]]) -> None:
    wrong = []
    for index, line in enumerate(raw_texts()):
        cls = model_class(line["type"], line["version"])
        raw = raw_bytes(line)
        texts: list[bytes | str] = [raw, bytearray(raw), memoryview(raw)] + ([line["text"]] if "text" in line else [])
        for text in texts:
            if from_json_accepts(cls, text) != cli[index][0]:
                wrong.append(f"{line['note']} ({type(text).__name__}): the CLI says {cli[index][0]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("native", [False, True])
def test_validator_check_json_agrees(native: bool, cli: dict[int, tuple[bool, list[dict[str, Any]]]]) -> None:
    if native and load_native() is None:
        pytest.skip("no native checker built (make native)")
    validators: dict[tuple[str, str], Validator] = {}
    wrong, gaps = [], []
    for index, line in enumerate(raw_texts()):
        key = (line["type"], line["version"])
        validator = validators.setdefault(key, Validator(*key, native=native))
        texts: list[bytes | str] = [raw_bytes(line)] + ([line["text"]] if "text" in line else [])
        for text in texts:
            findings = validator.check_json(text)
            if (not findings) == cli[index][0]:
                continue
            (gaps if native and line["note"] in KNOWN_NATIVE_GAPS else wrong).append(line["note"])
            if cli[index][1] and cli[index][1][0]["keyword"] == "parse":
                assert not findings or [f.keyword for f in findings] == ["parse"], (line["note"], findings)
    assert not wrong, "\n".join(wrong)
    if gaps:
        pytest.xfail("the native checker still proves: " + "; ".join(sorted(set(gaps))))


def test_validate_stream_skips_a_byte_order_mark_on_the_first_line_only() -> None:
    from llm_analytics_hub.validation import validate_stream

    line = next(raw_bytes(entry) for entry in raw_texts() if entry["note"] == "valid: the plain document")
    validator = Validator("api.ApiError", "1.0.0")
    results = list(validate_stream([b"\xef\xbb\xbf" + line, b"\xef\xbb\xbf" + line], validator))
    assert [bool(result.errors) for result in results] == [False, True]
    assert results[1].errors[0].keyword == "parse"
