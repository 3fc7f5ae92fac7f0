"""The npm package (generated/typescript) in Node: same verdicts as the Python validator, types that
type-check the examples, and a package `npm pack` accepts.

Node tooling (ajv, ajv-formats, typescript, pinned in tests/node/package-lock.json) is installed by
`make node-deps` (a prerequisite of `make pytest`); when it is missing, the fixture below runs the
same `npm ci` itself. No Node, no npm or no registry is a failure, never a skip: the claim that other
languages get the same verdicts is only true while this test runs.

Agreement: every schema example of every type and version, every corpus payload
(schemas/corpus/<version>/*.json) and MUTANTS_PER_DOCUMENT seeded mutants (tests/mutations.py) of each
valid one are validated by `llm_analytics_hub.Validator` (forced version) and by the package in
Node; AnalyticsEvent documents are also validated without a version, so both dispatch on
`schema_version`. Each document must get the same verdict and, when invalid, the same SET of error
instance locations (refined the same way: a failed anyOf whose document indicates a branch is
reported by that branch's errors) and the same hints, from both entry points of the package:
- `validateJSON(text)`: every document, no exception;
- `validate(JSON.parse(text))`: every document except those the rule in `holds_unsafe_number`
  excludes (see INHERENT_DIFFERENCES).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from agreement_cases import CORPUS, Case, cases, corpus_payloads, python_hints, python_outcome, schema_sets

from llm_analytics_hub.versions import available_versions

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generated" / "typescript"
NODE_DIR = ROOT / "tests" / "node"
NODE_MODULES = NODE_DIR / "node_modules"
NODE_STAMP = NODE_MODULES / ".installed-stamp"  # written by `make node-deps` and by the fixture
NPM_CI = ["npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"]
SAFE_INTEGER = 2**53 - 1

# Where Ajv and the Python validator (jsonschema-rs, checked against python-jsonschema) differ by
# construction, and what the package or this test does about it. None changes a verdict on any
# document through `validateJSON`, the corpus and the examples included.
INHERENT_DIFFERENCES = {
    "unsafe integers": (
        "JavaScript numbers hold integers exactly only up to 2^53. JSON.parse rounds 18446744073709551616 "
        "(2^64, one above the u64 maximum) and 18446744073709551615 (the maximum itself) to the same number, "
        "and the bundle's `maximum: 18446744073709551615` to that number too, so a *parsed* document cannot "
        "be checked against the u64/i64 bounds: 2^64, 2^63 (over an i64 maximum) and -2^63-1 pass. The corpus "
        "holds such payloads. `validateJSON(text)` moves each number beyond 2^53 to a number on the same "
        "side of every exact schema bound (the bounds are generated into index.js as strings) before "
        "parsing, and agrees on every document; `validate(parsedDocument)` is compared only on documents "
        "without a number beyond 2^53 (rule: holds_unsafe_number)."
    ),
    "if/then summary error": (
        "Ajv reports a failed `then` twice: the `then` leaf errors and an extra `if` error (\"must match "
        "\\\"then\\\" schema\") at the tagged object. python-jsonschema and jsonschema-rs report only the "
        "leaves. The package drops Ajv's `if` errors (index.js, leafErrors)."
    ),
    "anyOf branch errors": (
        "With allErrors, Ajv reports the errors of every failed branch of an anyOf (at the members inside "
        "the union's value) and then the anyOf error. The package drops that run of branch errors and, "
        "when the document indicates a branch, validates that branch alone and reports its errors, as the "
        "Python validator does with the branch errors its engines report (errors.js, refinedRun)."
    ),
    "one error per object for unexpected members": (
        "Ajv reports each unexpected member on its own; the Python engines one error per object naming "
        "them all. The package merges them per object (errors.js, unexpectedFinding), so the hints agree."
    ),
    "pattern next to format": (
        "A malformed uuid/date-time fails both `pattern` and `format`; the Python validator keeps the "
        "format error only (validation.engines.tidy) and so does the package. Locations are equal anyway."
    ),
    "messages and schema paths": (
        "Messages are each validator's own words, and Ajv's schemaPath points into the $ref target where "
        "jsonschema-rs gives the evaluation path; only verdicts and instance locations are compared."
    ),
}

# (qualified type, version or None, origin) -> reason, for a document on which the two sides may
# disagree. Empty: they agree everywhere. An entry that stops disagreeing fails the test.
KNOWN_DISAGREEMENTS: dict[tuple[str, str | None, str], str] = {}


# --- Node tooling ------------------------------------------------------------------------------

def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


@pytest.fixture(scope="session")
def node_env() -> dict[str, str]:
    """Environment for running the package in Node: NODE_PATH finds tests/node/node_modules."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: the TypeScript/npm tests need Node 18+ and npm", pytrace=False)
    lock = NODE_DIR / "package-lock.json"
    if not NODE_STAMP.is_file() or NODE_STAMP.stat().st_mtime < lock.stat().st_mtime:
        done = _run(NPM_CI, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"`{' '.join(NPM_CI)}` failed (is the npm registry reachable?):\n{done.stdout}\n{done.stderr}",
                        pytrace=False)
        NODE_STAMP.touch()
    return {**os.environ, "NODE_PATH": str(NODE_MODULES)}


# --- documents -----------------------------------------------------------------------------------

def holds_unsafe_number(document: Any) -> bool:
    """The exclusion rule for `validate(JSON.parse(text))`: a number JavaScript cannot hold exactly
    (an integer beyond 2^53, or any number of that size), see INHERENT_DIFFERENCES["unsafe integers"]."""
    if isinstance(document, dict):
        return any(holds_unsafe_number(v) for v in document.values())
    if isinstance(document, list):
        return any(holds_unsafe_number(v) for v in document)
    return isinstance(document, int | float) and not isinstance(document, bool) and abs(document) > SAFE_INTEGER


@dataclass(frozen=True)
class Outcome:
    case: Case
    python: tuple[bool, list[str], list[str]]  # verdict, sorted instance locations, keywords
    hints: list[list[str]]  # the Python validator's sorted [instance location, hint] pairs
    text: dict[str, Any]  # validateJSON: {"valid", "paths", "keywords", "hints"}
    parsed: dict[str, Any]  # validate(JSON.parse(text))


@pytest.fixture(scope="session")
def outcomes(node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    every = cases()
    cases_file = tmp_path_factory.mktemp("agreement") / "cases.json"
    cases_file.write_text(json.dumps([{"type": c.type_name, "version": c.version, "text": json.dumps(c.document)}
                                      for c in every]), encoding="utf-8")
    done = _run(["node", str(NODE_DIR / "agreement.mjs"), str(cases_file), str(PACKAGE)], env=node_env,
                timeout=600)
    assert done.returncode == 0, f"agreement.mjs failed:\n{done.stderr}"
    node_results = json.loads(done.stdout)
    assert len(node_results) == len(every)
    found = []
    for case, result in zip(every, node_results, strict=True):
        found.append(Outcome(case, python_outcome(case), python_hints(case), result["text"], result["parsed"]))
    return found


def _differs(outcome: Outcome, node: dict[str, Any]) -> bool:
    python = outcome.python
    return python[0] != node["valid"] or python[1] != node["paths"] or outcome.hints != node["hints"]


def _report(outcome: Outcome, how: str, node: dict[str, Any]) -> str:
    case = outcome.case
    return (f"{case.type_name} @ {case.version or 'dispatch'} {case.origin}: {how} "
            f"{'valid' if node['valid'] else node['paths']} {node['keywords']} {node['hints']} vs Python "
            f"{'valid' if outcome.python[0] else outcome.python[1]} {outcome.python[2]} {outcome.hints}\n"
            f"    document: {json.dumps(case.document)[:300]}")


# --- agreement -----------------------------------------------------------------------------------

def test_npm_package_agrees_with_python_validator(outcomes: list[Outcome]) -> None:
    problems = []
    for outcome in outcomes:
        case = outcome.case
        listed = (case.type_name, case.version, case.origin) in KNOWN_DISAGREEMENTS
        disagreeing = _differs(outcome, outcome.text)
        disagreeing_parsed = not holds_unsafe_number(case.document) and _differs(outcome, outcome.parsed)
        if not listed:
            if disagreeing:
                problems.append(_report(outcome, "validateJSON", outcome.text))
            if disagreeing_parsed:
                problems.append(_report(outcome, "validate", outcome.parsed))
        elif not (disagreeing or disagreeing_parsed):
            problems.append(f"{case.origin}: listed in KNOWN_DISAGREEMENTS but now agrees; remove it")
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:25])


def test_agreement_covers_every_type_version_and_the_corpus(outcomes: list[Outcome]) -> None:
    covered = {(o.case.type_name, o.case.version) for o in outcomes}
    for schemas in schema_sets():
        missing = {t.qualified for t in schemas.types} - {name for name, version in covered
                                                           if version == schemas.version}
        assert not missing, f"{schemas.version}: no documents for {sorted(missing)}"
    invalid = sum(1 for o in outcomes if not o.python[0])
    assert len(outcomes) >= 3000 and 0.3 * len(outcomes) < invalid < 0.9 * len(outcomes), (len(outcomes), invalid)
    for schemas in schema_sets():
        corpus = [o for o in outcomes if o.case.origin.startswith(f"corpus {schemas.version}/")]
        if (CORPUS / schemas.version).is_dir():
            assert corpus, f"schemas/corpus/{schemas.version} exists but gave no documents"
        for outcome in (o for o in corpus if o.case.version is not None):  # the corpus states each verdict
            listed_valid = ".valid.json" in outcome.case.origin.split(",")[0]
            if "," not in outcome.case.origin:
                assert outcome.text["valid"] is listed_valid, outcome.case.origin
    dispatched = [o for o in outcomes if o.case.version is None]
    assert any(o.text["keywords"] == ["schema_version"] for o in dispatched), "no unknown-version case reached Node"


def test_unsafe_integer_rule_only_excludes_what_it_must(outcomes: list[Outcome]) -> None:
    """The documents the rule excludes from `validate(parsed)` are few and all agree through `validateJSON`;
    on them `validate(parsed)` does disagree (else the rule would hide nothing and should go)."""
    excluded = [o for o in outcomes if holds_unsafe_number(o.case.document)]
    assert len(excluded) < 0.1 * len(outcomes)
    assert all(not _differs(o, o.text) for o in excluded)
    assert any(_differs(o, o.parsed) for o in excluded), "the unsafe-integer rule excludes nothing that differs"


def test_version_dispatch_and_error_shape(node_env: dict[str, str]) -> None:
    example = schema_sets()[0].lookup("events.AnalyticsEvent").examples[0]
    script = """
const hub = require(process.argv[1]);
const doc = JSON.parse(process.argv[2]);
const attempt = (run) => { try { run(); return null; } catch (error) { return error.message; } };
const out = {
  unknown: hub.validate({...doc, schema_version: "9.9.9"}),
  absent: hub.validate(Object.fromEntries(Object.entries(doc).filter(([k]) => k !== "schema_version"))),
  parse: hub.validateJSON("{not json"),
  versions: hub.versions, defaultVersion: hub.defaultVersion,
  thrown: attempt(() => hub.validate(doc, {version: "0.0.1"})),
  ambiguous: attempt(() => hub.validate({}, {schema: "TimeRange"})),
};
process.stdout.write(JSON.stringify(out));
"""
    done = _run(["node", "-e", script, str(PACKAGE), json.dumps(example)], env=node_env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["unknown"]["valid"] is False
    assert [(e["instance_path"], e["keyword"]) for e in out["unknown"]["errors"]] == [("/schema_version",
                                                                                       "schema_version")]
    absent = {k: v for k, v in example.items() if k != "schema_version"}
    assert out["absent"] == {"valid": True, "value": absent, "errors": []}
    assert out["parse"]["errors"][0]["keyword"] == "parse"
    assert out["versions"] == available_versions() and out["defaultVersion"] == "1.0.0"
    assert "unknown schema version" in out["thrown"]
    assert "ambiguous" in out["ambiguous"]
    esm = (f"import {{ validate, validateJSON, isValid, writeJSON, schemaFor, versions, defaultVersion }} from "
           f"{json.dumps((PACKAGE / 'index.js').as_uri())}; "
           "process.stdout.write(JSON.stringify([typeof validate, typeof validateJSON, typeof isValid, "
           "typeof writeJSON, typeof schemaFor, versions.length > 0, typeof defaultVersion]));")
    done = _run(["node", "--input-type=module", "-e", esm], env=node_env, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout) == ["function"] * 5 + [True, "string"], \
        done.stdout + done.stderr


HINT_NAMES = ["Data", "data", "date", "perPage", "per_page", "HTTPStatus", "http_status", "Ärger", "ärger", "ärger_x",
              "total_latency", "total_latency_ms", "latency_ms", "latency", "previous_value", "value", "payload_type",
              "payload", "mi", "min", "max", "succes", "success", "all_success", "partial_success", "stdev", "stddev",
              "p99Ms", "p99_ms", "data ", "x\U0001F600y", "x\U0001F601y", "na\"me", "na\"mex", "", "_", "A.B",
              "a-b"]


def test_hint_rule_is_the_python_one(node_env: dict[str, str]) -> None:
    """hints.js against validation/hints.py on every pair of a list of names with the rule's edge cases
    (case, separators, camelCase, non-ASCII letters, astral characters, quotes, ties)."""
    from llm_analytics_hub.validation.hints import member_hint, suggestion

    script = """
const hints = require(require("path").join(process.argv[1], "hints.js"));
const names = JSON.parse(process.argv[2]);
const out = [];
for (const wrong of names) {
  for (const value of [true, false]) out.push(hints.suggestion(wrong, names, value));
  out.push(hints.memberHint([wrong, wrong + "_x"], names));
}
process.stdout.write(JSON.stringify(out));
"""
    done = _run(["node", "-e", script, str(PACKAGE), json.dumps(HINT_NAMES)], env=node_env, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = []
    for wrong in HINT_NAMES:
        expected += [suggestion(wrong, HINT_NAMES, value=True), suggestion(wrong, HINT_NAMES, value=False)]
        expected.append(member_hint([wrong, wrong + "_x"], HINT_NAMES))
    assert json.loads(done.stdout) == expected
    assert any(expected) and None in expected  # the list holds hints and misses


# --- typing ----------------------------------------------------------------------------------------

WRONG_EVENTS = ("wrong tag", "wrong inner tag", "missing required member", "wrong enum string",
                "null where not nullable", "undeclared member")


def _wrong_events(event: dict[str, Any]) -> dict[str, Any]:
    """AnalyticsEvent documents that the declarations must reject, by what is wrong with them."""
    payload = event["payload"]
    wrong = {
        "wrong tag": {**event, "payload": {**payload, "payload_type": "telemetryx"}},
        "wrong inner tag": {**event, "payload": {**payload, "data": {**payload["data"], "telemetry_type": "speed"}}},
        "missing required member": {k: v for k, v in event.items() if k != "timestamp"},
        "wrong enum string": {**event, "severity": "loud"},
        "null where not nullable": {**event, "environment": None},
        "undeclared member": {**event, "total_latency": 5},
    }
    assert tuple(wrong) == WRONG_EVENTS
    return wrong


def _typed_module(assignments: list[tuple[str, str, Any]]) -> str:
    """A TypeScript module assigning each (version module, area.Type, value) to a const of that type."""
    modules = sorted({module for module, _, _ in assignments})
    lines = [f'import type {{ {", ".join(modules)} }} from {json.dumps(str(PACKAGE / "index.js"))};', ""]
    for index, (module, qualified, value) in enumerate(assignments):
        lines.append(f"export const value{index}: {module}.{qualified} = {json.dumps(value)};")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def tsc_errors(node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[int, str]]:
    """One `tsc --strict --noEmit` run over good.ts (every valid example and valid corpus payload
    assigned to its declared type, per version) and bad.ts (WRONG_EVENTS); {file: {line: error}}."""
    folder = tmp_path_factory.mktemp("tsc")
    good = []
    for schemas in schema_sets():
        module = "v" + schemas.version.replace(".", "_")
        for entry in schemas.types:
            good += [(module, entry.qualified, example) for example in entry.examples]
        good += [(module, qualified, payload) for qualified, _, payload, valid in corpus_payloads(schemas) if valid]
    (folder / "good.ts").write_text(_typed_module(good), encoding="utf-8")
    latest = schema_sets()[-1]
    bad = _wrong_events(latest.lookup("events.AnalyticsEvent").examples[0])
    module = "v" + latest.version.replace(".", "_")
    (folder / "bad.ts").write_text(_typed_module([(module, "events.AnalyticsEvent", v) for v in bad.values()]),
                                   encoding="utf-8")
    (folder / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "types": []},
        "files": ["good.ts", "bad.ts"],
    }), encoding="utf-8")
    tsc = NODE_MODULES / "typescript" / "bin" / "tsc"
    done = _run(["node", str(tsc), "-p", ".", "--strict", "--noEmit", "--pretty", "false"],
                cwd=folder, env=node_env, timeout=300)
    errors: dict[str, dict[int, str]] = {"good.ts": {}, "bad.ts": {}}
    for match in re.finditer(r"^\S*?\b(good|bad)\.ts\((\d+),\d+\): (error .*)$", done.stdout, re.MULTILINE):
        errors[f"{match.group(1)}.ts"].setdefault(int(match.group(2)), match.group(3))
    assert done.returncode == (2 if errors["good.ts"] or errors["bad.ts"] else 0), done.stdout + done.stderr
    assert "error" not in done.stdout.replace("): error", ""), done.stdout  # no error outside the two files
    return errors


def test_typescript_declarations_accept_every_valid_example(tsc_errors: dict[str, dict[int, str]]) -> None:
    assert not tsc_errors["good.ts"], "tsc rejects valid documents:\n" + "\n".join(
        f"good.ts:{line}: {error}" for line, error in sorted(tsc_errors["good.ts"].items())[:20])


def test_typescript_declarations_reject_wrong_documents(tsc_errors: dict[str, dict[int, str]]) -> None:
    for line, label in enumerate(WRONG_EVENTS, start=3):
        assert line in tsc_errors["bad.ts"], f"tsc accepts the {label} document (bad.ts line {line})"


# --- packaging -------------------------------------------------------------------------------------

def test_npm_pack_builds_the_package(node_env: dict[str, str], tmp_path: Path) -> None:
    done = _run(["npm", "pack", "--json", "--pack-destination", str(tmp_path)], cwd=PACKAGE, env=node_env,
                timeout=300)
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    listed = {f["path"] for f in report["files"]}
    assert report["name"] == "@llm-analytics-hub/schemas"
    expected = {"package.json", "index.js", "errors.js", "hints.js", "index.d.ts", "README.md", "schemas/index.json"}
    for schemas in schema_sets():
        expected |= {f"types/{schemas.version}/index.d.ts", f"types/{schemas.version}/events.d.ts"}
        manifest = json.loads((PACKAGE / "schemas" / "index.json").read_text(encoding="utf-8"))
        expected |= {f"schemas/{row['path']}" for row in manifest["types"] if row["version"] == schemas.version}
        expected |= {f"validators/{row['path'].removesuffix('.json')}.js" for row in manifest["types"]
                     if row["version"] == schemas.version}
    assert expected <= listed, sorted(expected - listed)[:20]
    assert not any("node_modules" in p or p.startswith("scripts/") for p in listed)
    with tarfile.open(tmp_path / report["filename"]) as tarball:
        tarball.extractall(tmp_path / "unpacked", filter="data")
    example = schema_sets()[-1].lookup("events.AnalyticsEvent").examples[0]
    script = ("const hub = require(process.argv[1]); "
              "process.stdout.write(JSON.stringify(hub.validateJSON(process.argv[2])));")
    ran = _run(["node", "-e", script, str(tmp_path / "unpacked" / "package"), json.dumps(example)], env=node_env,
               timeout=60)
    assert ran.returncode == 0 and json.loads(ran.stdout) == {"valid": True, "value": example, "errors": []}, \
        ran.stdout + ran.stderr
