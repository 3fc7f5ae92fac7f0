"""The Rust crate's text entry points on the raw-text corpus (tests/data/raw_texts.ndjson): the verdict
of `llm-hub validate` on every text, edges of JSON included (a member named twice, numbers beyond the
double range, nesting at and beyond 1024 levels, byte order marks, surrogates, bytes that are not
UTF-8); the reader's stack stays bounded whatever the depth; and the native checker, which runs the
same reader, never proves a text the CLI refuses.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from raw_text_cases import RawText, cli_outcomes, disagreements, raw_texts
from test_rust import harness, holds_integral_float  # noqa: F401 (harness: the session fixture)

from llm_analytics_hub.validation import Validator
from llm_analytics_hub.validation import native as native_module
from llm_analytics_hub.validation.parsing import deep_recursion

# A thread's stack for the harness (a debug build, as the tests build it; Rust's main thread has 8 MiB):
# reading, checking and decoding a document 1024 levels deep, and refusing one 100,000 levels deep, fit in it
# (a release build needs under 512 KiB for all of it; see the crate README).
STACK_KIB = 8192


def _case(raw: RawText) -> dict[str, Any]:
    case: dict[str, Any] = {"version": raw.version, "type": raw.type_name}
    if raw.is_utf8:
        case["text"] = raw.text
    else:
        case["hex"] = raw.data.hex()
    return case


def run_raw(binary: Path, *flags: str) -> list[dict[str, Any]]:
    lines = "".join(json.dumps(_case(raw)) + "\n" for raw in raw_texts())
    done = subprocess.run([str(binary), *flags], input=lines, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    answers = [json.loads(line) for line in done.stdout.split("\n") if line]  # not splitlines: U+2028 is text
    assert len(answers) == len(raw_texts())
    return answers


@pytest.fixture(scope="module")
def answers(harness: Path) -> list[dict[str, Any]]:  # noqa: F811
    return run_raw(harness, "--stack-kib", str(STACK_KIB))


def test_validate_json_gives_the_cli_verdict_on_every_raw_text(answers: list[dict[str, Any]]) -> None:
    problems = disagreements([(a["valid"], [e["instance_path"] for e in a["errors"]]) for a in answers],
                             "validate_json")
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems)
    parse = [a for a, o in zip(answers, cli_outcomes(), strict=True) if o.keywords == ("parse",)]
    assert parse and all([e["keyword"] for e in a["errors"]] == ["parse"] for a in parse)


def as_serde_reads(value: Any) -> Any:
    """`value` with the numbers serde_json reads as doubles (an untyped integer beyond the 64-bit ranges)
    made floats: the typed model holds an untyped value as a `serde_json::Value`."""
    if isinstance(value, dict):
        return {k: as_serde_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_serde_reads(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return float(value)
    return value


def test_from_json_reads_every_valid_raw_text(answers: list[dict[str, Any]]) -> None:
    """The typed read of a valid text: decoded (1024 levels of untyped arrays included) and written
    back as the same JSON value (an untyped integer beyond 64 bits as the double serde_json reads)."""
    decoded = 0
    for raw, answer in zip(raw_texts(), answers, strict=True):
        if not answer["valid"]:
            continue
        with deep_recursion():  # documents 1024 levels deep
            document = json.loads(raw.text.removeprefix("\ufeff"))
            if answer["reserialized"] is None:  # test_rust.INHERENT_DIFFERENCES["integral floats"]
                assert holds_integral_float(document), raw.note
                continue
            written = json.loads(answer["reserialized"])
            if isinstance(written, dict) and isinstance(document, dict) and written.get("tags") == {} \
                    and "tags" not in document:
                del written["tags"]  # a serde default is always written (test_rust, "default written")
            assert written == as_serde_reads(document), raw.note
        decoded += 1
    assert decoded > 25


def test_the_corpus_holds_the_edges() -> None:
    notes = " | ".join(raw.note for raw in raw_texts())
    for edge in ("twice", "1e400", "2^1024", "1024 levels", "1025 levels", "100,000", "byte order mark",
                 "lone high surrogate", "not valid UTF-8"):
        assert edge in notes, edge
    outcomes = dict(zip((r.note for r in raw_texts()), cli_outcomes(), strict=True))
    assert outcomes["arrays nested to 1024 levels in all inside an any-typed value: valid"].valid
    assert not outcomes["arrays nested to 1025 levels in all inside an any-typed value: invalid (parse)"].valid


def test_the_native_checker_never_proves_what_the_cli_refuses() -> None:
    """`BlockChecker.label` (one document's text, as an NDJSON line) proves only texts the CLI
    accepts, and proves each valid one that is an NDJSON line as written (no byte order mark: the
    CLI strips one only at the start of a file, which the block reader leaves to Python)."""
    assert native_module.available(), "the native checker is not built: run `make native`"
    wrong, unproven = [], []
    for raw, outcome in zip(raw_texts(), cli_outcomes(), strict=True):
        checker = Validator(raw.type_name, raw.version).native_checker(all_versions=True)
        assert checker is not None
        proven = checker.label(raw.data) is not None
        if proven and not outcome.valid:
            wrong.append(raw.note)
        if outcome.valid and not proven and "\ufeff" not in raw.text[:4]:
            unproven.append(raw.note)
    assert not wrong, f"proved, but the CLI refuses: {wrong}"
    assert not unproven, f"valid, but not proven natively: {unproven}"
