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

import importlib
from functools import cache
from typing import Any

import pytest
from raw_text_cases import CliOutcome, cli_outcomes, raw_texts

from llm_analytics_hub.codegen.ir import module_name
from llm_analytics_hub.runtime import Model, ModelError
from llm_analytics_hub.validation import Validator
from llm_analytics_hub.validation.native import _load as load_native

# Every line with a version, bytes that are not UTF-8 included (a line without one dispatches on its
# schema_version: the other languages' harnesses read those).
TEXTS = raw_texts(strings=False, versioned=True)


def stated(note: str) -> tuple[bool, str | None] | None:
    """(valid, keyword) the note states, or None when it states no verdict."""
    if note.startswith("valid:"):
        return True, None
    if note.startswith("invalid, ") and ":" in note:
        return False, note[len("invalid, "):note.index(":")]
    return None


@pytest.fixture(scope="module")
def cli() -> tuple[CliOutcome, ...]:
    return cli_outcomes(TEXTS, native=False)


def test_the_corpus_covers_the_rules() -> None:
    notes = [raw.note for raw in TEXTS]
    assert len(notes) == len(set(notes)), "notes name their lines: each must be unique"
    for topic in ("twice", "1e400", "1 and 400 zeros", "2^64", "-0", "escapes", "NaN", "trailing comma",
                  "two documents", "lower-case t and z", "30 February", "1024 levels", "1025 levels",
                  "byte order mark", "lone high surrogate", "invalid UTF-8"):
        assert any(topic in note for note in notes), topic
    assert any(raw.text is None for raw in TEXTS), "a text_base64 line (bytes that are not UTF-8)"


def test_the_cli_gives_the_stated_verdicts(cli: tuple[CliOutcome, ...]) -> None:
    wrong = []
    for raw, outcome in zip(TEXTS, cli, strict=True):
        expected = stated(raw.note)
        if expected is None:
            continue
        keywords = sorted(set(outcome.keywords))
        if outcome.valid != expected[0]:
            wrong.append(f"{raw.note}: the CLI says {'valid' if outcome.valid else keywords}")
        elif expected[1] == "parse" and [(e["keyword"], e["instance_path"]) for e in outcome.errors] != [("parse", "")]:
            wrong.append(f"{raw.note}: expected one parse finding at the document, got {outcome.errors}")
        elif expected[1] is not None and expected[1] not in keywords:
            wrong.append(f"{raw.note}: expected a {expected[1]} finding, got {keywords}")
    assert not wrong, "\n".join(wrong)


def test_the_native_checker_agrees(cli: tuple[CliOutcome, ...]) -> None:
    assert load_native() is not None, "the native checker is not built: run `make native`"
    native = cli_outcomes(TEXTS, native=True)
    differ = [raw.note for raw, ours, theirs in zip(TEXTS, cli, native, strict=True) if ours.valid != theirs.valid]
    assert not differ, differ


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


def test_from_json_agrees(cli: tuple[CliOutcome, ...]) -> None:
    wrong = []
    for raw, outcome in zip(TEXTS, cli, strict=True):
        cls = model_class(raw.type_name, raw.version or "")
        texts: list[bytes | str] = [raw.data, bytearray(raw.data), memoryview(raw.data)] + \
            ([raw.text] if raw.text is not None else [])
        for text in texts:
            if from_json_accepts(cls, text) != outcome.valid:
                wrong.append(f"{raw.note} ({type(text).__name__}): the CLI says {outcome.valid}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("native", [False, True])
def test_validator_check_json_agrees(native: bool, cli: tuple[CliOutcome, ...]) -> None:
    assert not native or load_native() is not None, "the native checker is not built: run `make native`"
    validators: dict[tuple[str, str | None], Validator] = {}
    wrong = []
    for raw, outcome in zip(TEXTS, cli, strict=True):
        key = (raw.type_name, raw.version)
        validator = validators.setdefault(key, Validator(*key, native=native))
        for text in [raw.data] + ([raw.text] if raw.text is not None else []):
            findings = validator.check_json(text)
            if (not findings) != outcome.valid:
                wrong.append(raw.note)
            if outcome.keywords[:1] == ("parse",):
                assert not findings or [f.keyword for f in findings] == ["parse"], (raw.note, findings)
    assert not wrong, "\n".join(wrong)


def test_validate_stream_skips_a_byte_order_mark_on_the_first_line_only() -> None:
    from llm_analytics_hub.validation import validate_stream

    line = next(raw.data for raw in TEXTS if raw.note == "valid: the plain document")
    validator = Validator("api.ApiError", "1.0.0")
    results = list(validate_stream([b"\xef\xbb\xbf" + line, b"\xef\xbb\xbf" + line], validator))
    assert [bool(result.errors) for result in results] == [False, True]
    assert results[1].errors[0].keyword == "parse"
