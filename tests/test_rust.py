"""The Rust crate (generated/rust, `llm-analytics-hub-schemas`): it builds warning-free, its docs build,
the README's producer example runs as a doc-test, and it gives the Python validator's verdicts.

Toolchain: cargo/rustc on PATH; the crates (serde, serde_json, chrono, uuid, regex) come from
crates.io pinned by the committed Cargo.lock, fetched by `make rust-deps` (a prerequisite of
`make pytest`) or, when that has not run, by the fixture below; everything then builds `--offline`
into build/rust-target (git-ignored, kept between runs). No `--locked`: the lock pins every crates.io
package, and a project version bump (the crate's own version) must not fail the build until the lock
is rewritten. No cargo is a failure, never a skip.

Agreement: every schema example of every type and version, every corpus payload and the seeded
mutants of tests/agreement_cases.py go through the harness (tests/rust_harness: `validate_json`, then
`from_json` + `to_json`). Each must get the same verdict and, when invalid, the same SET of instance
locations as Python under the issue-15 location rule (`refined_outcome`: a failed anyOf whose value
points at one branch reports that branch's errors; equal to `python_outcome` wherever Python already
does so).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from agreement_cases import (
    Case,
    cases,
    disagreements,
    read_results,
    refined_outcome,
    schema_sets,
    write_cases,
)

from llm_analytics_hub.codegen.ir import build_version

ROOT = Path(__file__).resolve().parent.parent
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CRATE = ROOT / "generated" / "rust"
CORPUS = ROOT / "schemas" / "corpus"
TARGET = ROOT / "build" / "rust-target"
FETCH_STAMP = TARGET / ".fetched-stamp"  # written by `make rust-deps` and by the fixture
CRATE_NAME = "llm-analytics-hub-schemas"
ENV = {**os.environ, "CARGO_TARGET_DIR": str(TARGET), "RUSTFLAGS": "-D warnings", "RUSTDOCFLAGS": "-D warnings",
       "CARGO_TERM_COLOR": "never"}

# Where the crate and the Python validator differ by construction. None changes a verdict or a set of
# error locations of `validate_json`.
INHERENT_DIFFERENCES = {
    "integral floats": (
        "JSON Schema counts 5.0 as an integer, so Python (and `validate_json`) accept it for a u8..u64/i64 "
        "member; serde, like the producers' own deserializer, rejects a fraction or exponent for an integer "
        "type, so `from_json` of such a document is an `DecodeError::Type` and the harness has no re-serialized "
        "text for it (rule: holds_integral_float; the common.json integer descriptions state this)."
    ),
    "messages and keywords": (
        "Messages are the crate's own words; only verdicts and instance locations are compared (the keyword "
        "of an undeclared member is `unevaluatedProperties` for additionalProperties too)."
    ),
    "producer output form": (
        "to_json writes what the producers write (MODEL.md 2.3): an optional member without a value is left "
        "out or written as null as schemas/producer-output/<version>.json says for it (skip_serializing_if "
        "only where the producers have it), a serde default is always written, a uuid in lower case. A valid "
        "document already in that form comes back as the same JSON value; one that is not comes back in it, "
        "which the schema reads the same: a null the producers would omit is left out (rule \"null omitted\"), "
        "an absent member the producers write as null comes back as null (\"null written\"), an absent "
        "defaulted member comes back with its default (\"default written\"), an upper-case uuid comes back "
        "lower-case (\"uuid lower-cased\"). The round-trip test allows exactly these, each only for a member "
        "whose output form calls for it, and counts them."
    ),
    "untagged number order": (
        "FieldValue's serde variants put the integer types before f64 (the schema's anyOf has no order), so "
        "a large u64 does not round through an f64; verdicts are unaffected."
    ),
}
KNOWN_DISAGREEMENTS: dict[tuple[str, str | None, str], str] = {}


def cargo(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["cargo", *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="session")
def harness() -> Path:
    """The harness binary, built once per session (offline, -D warnings) with the crate it depends on."""
    if shutil.which("cargo") is None:
        pytest.fail("cargo is not on PATH: the Rust crate tests need cargo and rustc", pytrace=False)
    lock = ROOT / "Cargo.lock"
    if not FETCH_STAMP.is_file() or FETCH_STAMP.stat().st_mtime < lock.stat().st_mtime:
        done = cargo("fetch", timeout=900)
        if done.returncode != 0:
            pytest.fail(f"`cargo fetch` failed (is crates.io reachable?):\n{done.stderr}", pytrace=False)
        FETCH_STAMP.parent.mkdir(parents=True, exist_ok=True)
        FETCH_STAMP.touch()
    done = cargo("build", "--offline", "-p", "rust-harness")
    assert done.returncode == 0, f"cargo build failed:\n{done.stderr[-6000:]}"
    return TARGET / "debug" / "rust-harness"


def run_harness(binary: Path, every: tuple[Case, ...] | list[Case], folder: Path, *flags: str) -> list[dict[str, Any]]:
    cases_file = folder / "cases.ndjson"
    write_cases(cases_file, every)
    with cases_file.open("rb") as stdin:
        done = subprocess.run([str(binary), *flags], stdin=stdin, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return read_results(done.stdout.decode("utf-8"), len(every))


@pytest.fixture(scope="session")
def results(harness: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return run_harness(harness, cases(), tmp_path_factory.mktemp("rust"))


# --- agreement -----------------------------------------------------------------------------------

def test_rust_crate_agrees_with_python_validator(results: list[dict[str, Any]]) -> None:
    problems = disagreements(cases(), results, KNOWN_DISAGREEMENTS, outcome=refined_outcome)
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:25])


def test_agreement_covers_every_type_version_and_the_corpus(results: list[dict[str, Any]]) -> None:
    every = cases()
    covered = {(c.type_name, c.version) for c in every}
    for schemas in schema_sets():
        missing = {t.qualified for t in schemas.types} - {n for n, v in covered if v == schemas.version}
        assert not missing, f"{schemas.version}: no documents for {sorted(missing)}"
    invalid = sum(1 for r in results if not r["valid"])
    assert len(every) >= 3000 and 0.3 * len(every) < invalid < 0.9 * len(every), (len(every), invalid)
    assert sum(1 for c in every if c.origin.startswith("corpus ")) > 500
    unknown = [r for c, r in zip(every, results, strict=True) if "schema_version unknown" in c.origin]
    assert unknown and [(e["instance_path"], e["keyword"]) for e in unknown[0]["errors"]] == \
        [("/schema_version", "schema_version")]


def holds_integral_float(document: Any) -> bool:
    """The rule of INHERENT_DIFFERENCES["integral floats"]: a float with an integer value (5.0, 1e3)."""
    if isinstance(document, dict):
        return any(holds_integral_float(v) for v in document.values())
    if isinstance(document, list):
        return any(holds_integral_float(v) for v in document)
    return isinstance(document, float) and document.is_integer()


def test_every_valid_document_decodes_into_the_typed_model(results: list[dict[str, Any]]) -> None:
    undecoded = [c for c, r in zip(cases(), results, strict=True) if r["valid"] and r["reserialized"] is None]
    unexplained = [c for c in undecoded if not holds_integral_float(c.document)]
    assert not unexplained, "\n".join(f"{c.type_name} @ {c.version} {c.origin}: {json.dumps(c.document)[:200]}"
                                      for c in unexplained[:20])
    assert undecoded, "the integral-float rule excludes nothing: drop it from INHERENT_DIFFERENCES"


def producer_form(case: Case) -> bool:
    """Schema examples and valid corpus payloads (not mutants): the JSON the producers write, or
    (`input_form`) accepted input that they never write."""
    return case.version is not None and "," not in case.origin and (
        " example " in case.origin or ".valid.json[" in case.origin)


@cache
def corpus_notes() -> dict[str, str]:
    """{origin of a corpus payload: its note}."""
    found = {}
    for path in sorted(CORPUS.glob("*/*.valid.json")):
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            found[f"corpus {path.parent.name}/{path.name}[{index}]"] = str(entry.get("note", ""))
    return found


def input_form(case: Case) -> bool:
    """A corpus payload its note marks as "input form": valid, but not what the producers write (an
    explicit null they would omit, an omitted member they write as null or with its default, upper-case
    hex). Every schema example is in the producers' form."""
    return "input form" in corpus_notes().get(case.origin, "")


@cache
def member_facts() -> tuple[dict[str, list[Any]], dict[str, set[str]]]:
    """({member name: its serde defaults anywhere in the IR}, {member name: how producers write it without a
    value ("omit" / "null") anywhere in the IR}): what to_json writes for an absent or None member."""
    defaults: dict[str, list[Any]] = {}
    when_none: dict[str, set[str]] = {}
    for schemas in schema_sets():
        for area in build_version(schemas).areas:
            for typedef in area.types:
                for field in getattr(typedef, "fields", ()):
                    if field.has_default:
                        defaults.setdefault(field.wire, []).append(field.default)
                    elif not field.required:
                        when_none.setdefault(field.wire, set()).add(field.when_none)
    return defaults, when_none


def round_trip_changes(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(rule, location) of each difference between a document and its re-serialization; rule "other" is
    a real change, the rest are the normalizations INHERENT_DIFFERENCES["producer output form"] explains."""
    defaults, when_none = member_facts()
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before.keys() | after.keys():
            where = f"{path}/{key}"
            if key not in after:
                yield ("null omitted" if before[key] is None and "omit" in when_none.get(key, ()) else "other"), where
            elif key not in before:
                if after[key] is None:
                    yield ("null written" if "null" in when_none.get(key, ()) else "other"), where
                else:
                    yield ("default written" if after[key] in defaults.get(key, []) else "other"), where
            else:
                yield from round_trip_changes(before[key], after[key], where)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (one, two) in enumerate(zip(before, after, strict=True)):
            yield from round_trip_changes(one, two, f"{path}/{index}")
    elif before != after:
        lowered = isinstance(before, str) and isinstance(after, str) and UUID.match(before) and after == before.lower()
        yield ("uuid lower-cased" if lowered else "other"), path


def test_producer_documents_round_trip(results: list[dict[str, Any]]) -> None:
    """from_json + to_json gives the same JSON value (member order aside; 5 and 5.0 are one JSON number),
    timestamps included: they are kept as text. Every document in the producers' output form comes back
    exactly, which checks schemas/producer-output against every schema example and corpus payload (a
    member marked "omit" that they write as null, or the reverse, would come back changed). Input-form
    documents differ only by the normalizations to that form, each where its member calls for it."""
    checked, exact, problems = 0, 0, []
    rules: dict[str, int] = {}
    for case, result in zip(cases(), results, strict=True):
        if not producer_form(case) or not result["valid"]:
            continue
        checked += 1
        assert result["reserialized"] is not None, case.origin
        changes = list(round_trip_changes(case.document, json.loads(result["reserialized"])))
        exact += not changes
        for rule, where in changes:
            rules[rule] = rules.get(rule, 0) + 1
            if rule == "other" or not input_form(case):
                problems.append(f"{case.type_name} @ {case.version} {case.origin}: {where} changes ({rule})\n"
                                f"    in:  {json.dumps(case.document)[:300]}\n    out: {result['reserialized'][:300]}")
    assert checked > 1500, checked
    assert not problems, f"{len(problems)} change(s) in {checked} documents:\n" + "\n".join(problems[:15])
    in_producer_form = sum(1 for c, r in zip(cases(), results, strict=True)
                           if producer_form(c) and r["valid"] and not input_form(c))
    assert exact >= in_producer_form > 1400, (exact, in_producer_form, checked, rules)
    assert {"null omitted", "null written", "default written"} <= rules.keys(), rules  # input form is exercised


def test_lenient_reading_agrees_with_python_lenient(harness: Path, tmp_path: Path) -> None:
    """`validate_json_with(.., lenient=true)` matches `Validator(lenient=True)` on every case with an
    added member (the mutants the lenient reading is about) and every corpus payload."""
    every = [c for c in cases() if c.version is not None and (" add /" in c.origin or c.origin.startswith("corpus"))]
    lenient = run_harness(harness, every, tmp_path, "--lenient")
    problems = disagreements(every, lenient, {}, outcome=lambda case: refined_outcome(case, lenient=True))
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:20])
    strict_valid = sum(1 for c in every if refined_outcome(c)[0])
    assert sum(1 for r in lenient if r["valid"]) > strict_valid + 100, "the lenient reading accepts nothing more"


# --- the crate as a Rust developer meets it --------------------------------------------------------

def test_readme_examples_run_as_doc_tests(harness: Path) -> None:
    started = time.monotonic()
    done = cargo("test", "--offline", "--doc", "-p", CRATE_NAME)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    ran = [line for line in done.stdout.splitlines() if line.startswith("test ") and line.endswith(" ... ok")]
    assert any("README.md" in line or "lib.rs" in line for line in ran), done.stdout
    assert time.monotonic() - started < 1200


def test_rustdoc_builds_without_warnings(harness: Path) -> None:
    done = cargo("doc", "--offline", "--no-deps", "-p", CRATE_NAME)
    assert done.returncode == 0, done.stderr[-4000:]
    index = TARGET / "doc" / "llm_analytics_hub_schemas" / "v1_0_0" / "events" / "struct.AnalyticsEvent.html"
    assert index.is_file()


def test_project_readme_shows_the_tested_rust_example() -> None:
    """The Rust block of README.md's "Using the schemas from another language" is one of the crate
    README's examples, which `test_readme_examples_run_as_doc_tests` runs."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using the schemas from another language"):]
    blocks = re.findall(r"```rust\n.*?```\n", section, re.DOTALL)
    assert len(blocks) == 1 and "llm_analytics_hub_schemas" in blocks[0], blocks
    assert blocks[0] in (CRATE / "README.md").read_text(encoding="utf-8")
