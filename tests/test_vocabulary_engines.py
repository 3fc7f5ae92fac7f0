"""Every engine enforces every supported keyword the same way, on a schema version an author writes next.

tests/vocabulary_scratch.py builds version 2.0.0 in build/vocabulary-scratch/ (kept between runs so
cargo, Go and Maven rebuild only what changed): TokenUsageMetrics and the envelope gain a constraint
of every supported keyword, and `events.VocabularySuite` plants the JSON Schema Test Suite's cases
(tests/data/json-schema-test-suite) as members. `llm-hub check` must pass it and `generate` must
write every target from it; then the native checker, the Rust crate, the Go module, the Java package
and the npm package are built from that output, and each engine (plus `llm-hub validate` without the
native checker, i.e. the msgspec fast path, and `Validator.is_valid` on parsed documents) gets every
probe. Each must give the reference verdict — python-jsonschema's, through `Validator(native=False)`,
which must itself agree with the Test Suite — and, for invalid documents, the same instance locations.
The pydantic models are compared by verdict, with the keywords pydantic cannot express listed below.

A second scratch version uses a keyword outside the policy: `check` names it, `generate` refuses it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from go_support import run_go
from java_build import build as java_build
from vocabulary_scratch import ENVELOPE, TOKEN_USAGE, VERSION, Probe, build_tree, hub, probes

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "build" / "vocabulary-scratch"
RUST_TARGET = ROOT / "build" / "rust-target"
NODE_DIR = ROOT / "tests" / "node"

# What pydantic v2 models (datamodel-code-generator's output of the codegen profile) cannot say, and so
# accept; each probe where pydantic differs must fall under one of these (`_pydantic_gap`).
PYDANTIC_GAPS = {
    "untyped": "constraints on a value whose type the schema leaves open: the model types it `Any`, which "
               "carries no constraint (lengths, bounds, counts, patterns, formats are per-type in pydantic)",
    "uniqueItems": "pydantic has no uniqueness constraint for a list (a set would drop duplicates silently)",
    "bool-int": "an enum or const of integers or booleans is a Python Enum / Literal, whose lookup takes "
                "True for 1 and False for 0",
    "integral-float": "a strict int refuses 5.0, which JSON Schema counts as an integer",
    "member-count": "minProperties / maxProperties of an object type: a pydantic model has no member count",
}

@dataclass(frozen=True)
class Scratch:
    schemas: Path
    generated: Path
    probes: list[Probe]
    planted: Counter[str]  # suite groups planted per keyword file
    offered: Counter[str]  # suite groups in the vendored files per keyword file


def _python_env(scratch_schemas: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_HUB_")}
    return {**env, "LLM_HUB_SCHEMAS": str(scratch_schemas), **extra}


@pytest.fixture(scope="module")
def scratch() -> Scratch:
    shutil.rmtree(SCRATCH / "schemas", ignore_errors=True)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    schemas, groups = build_tree(SCRATCH)
    checked = hub("check", "--schemas", str(schemas))
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr
    made = hub("generate", "--schemas", str(schemas), "--output", str(SCRATCH / "generated"))
    assert made.returncode == 0, made.stderr
    # The npm package's precompiled validators come from its build step (as `make generate` runs it).
    built = subprocess.run(["node", str(SCRATCH / "generated" / "typescript" / "scripts" / "build-validators.cjs")],
                           env={**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}, capture_output=True,
                           text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stderr
    offered: Counter[str] = Counter()
    for path in (ROOT / "tests" / "data" / "json-schema-test-suite").rglob("*.json"):
        offered[path.stem] += len(json.loads(path.read_text(encoding="utf-8")))
    planted = Counter(Path(name).stem for name, _, _ in groups)
    return Scratch(schemas, SCRATCH / "generated", probes(schemas, groups), planted, offered)


def _cases_file(scratch: Scratch, folder: Path) -> Path:
    path = folder / "cases.ndjson"
    with path.open("w", encoding="utf-8") as out:
        for probe in scratch.probes:
            out.write(json.dumps({"version": VERSION, "type": probe.type_name,
                                  "text": json.dumps(probe.document, ensure_ascii=False)}) + "\n")
    return path


def _harness_outcomes(stdout: str, count: int) -> list[tuple[bool, list[str]]]:
    results = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    assert len(results) == count
    return [(r["valid"], sorted({e["instance_path"] for e in r["errors"]})) for r in results]


REFERENCE = """
import json, sys
from llm_analytics_hub import Validator
from llm_analytics_hub.schema_store import load_folder
from llm_analytics_hub.versions import schemas_root
folder = load_folder(schemas_root() / sys.argv[1], sys.argv[1])
native = sys.argv[2] == "native"
for line in sys.stdin:
    case = json.loads(line)
    document = json.loads(case["text"])
    findings = Validator(case["type"], case["version"], native=False).check(document)
    reference = list(folder.reference_validator(folder.lookup(case["type"])).iter_errors(document))
    checker = Validator(case["type"], case["version"])
    print(json.dumps({"valid": not findings, "errors": [{"instance_path": f.instance_path, "keyword": f.keyword}
                                                         for f in findings],
                      "python_jsonschema": not reference, "is_valid": checker.is_valid(document),
                      "native": checker.native_checker(all_versions=True) is not None}))
"""


def _python(scratch: Scratch, folder: Path, **env: str) -> list[dict[str, Any]]:
    cases = _cases_file(scratch, folder)
    with cases.open("rb") as stdin:
        done = subprocess.run([sys.executable, "-c", REFERENCE, VERSION, "native"], stdin=stdin,
                              capture_output=True, env=_python_env(scratch.schemas, **env), timeout=900, check=False)
    assert done.returncode == 0, done.stderr.decode()[-4000:]
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


@pytest.fixture(scope="module")
def native_library(scratch: Scratch) -> Path:
    """The native checker and the Rust harness built from the scratch crate (one cargo workspace)."""
    workspace = SCRATCH / "rust"
    (workspace / "harness").mkdir(parents=True, exist_ok=True)
    (workspace / "native").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Cargo.lock", workspace / "Cargo.lock")
    _write_if_changed(workspace / "Cargo.toml", (ROOT / "Cargo.toml").read_text(encoding="utf-8").replace(
        '"generated/rust", "tests/rust_harness", "native"', '"crate", "harness", "native"'))
    if (workspace / "crate").is_symlink() or not (workspace / "crate").exists():
        (workspace / "crate").unlink(missing_ok=True)
        (workspace / "crate").symlink_to(scratch.generated / "rust")
    for source, target in ((ROOT / "tests" / "rust_harness", workspace / "harness"),
                           (ROOT / "native", workspace / "native")):
        shutil.copytree(source / "src", target / "src", dirs_exist_ok=True)
        manifest = (source / "Cargo.toml").read_text(encoding="utf-8")
        _write_if_changed(target / "Cargo.toml", manifest.replace('path = "../../generated/rust"', 'path = "../crate"')
                          .replace('path = "../generated/rust"', 'path = "../crate"'))
    env = {**os.environ, "CARGO_TARGET_DIR": str(RUST_TARGET / "vocabulary"), "PYO3_PYTHON": sys.executable,
           "CARGO_TERM_COLOR": "never"}
    # One debug build of both (a release build of the scratch crate alone takes minutes; verdicts are the same)
    args = ["build", "--offline", "-p", "rust-harness", "-p", "llm-hub-native"]
    done = subprocess.run(["cargo", *args], cwd=workspace, env=env, capture_output=True, text=True, timeout=1800,
                          check=False)
    assert done.returncode == 0, f"cargo {' '.join(args)} failed:\n{done.stderr[-6000:]}"
    return RUST_TARGET / "vocabulary" / "debug" / "lib_native.so"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def reference(scratch: Scratch, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return _python(scratch, tmp_path_factory.mktemp("reference"), LLM_HUB_NATIVE="0")


def test_the_reference_is_python_jsonschema_and_the_test_suite(scratch: Scratch,
                                                               reference: list[dict[str, Any]]) -> None:
    wrong = []
    for probe, outcome in zip(scratch.probes, reference, strict=True):
        expected = outcome["python_jsonschema"] if probe.suite_valid is None else probe.suite_valid
        keywords = {e["keyword"] for e in outcome["errors"]}
        if outcome["valid"] != outcome["python_jsonschema"] or outcome["valid"] != expected:
            wrong.append(f"{probe.label}: validator {outcome['valid']}, python-jsonschema "
                         f"{outcome['python_jsonschema']}, suite {probe.suite_valid}")
        elif probe.suite_valid is None and probe.keyword and keywords != {probe.keyword}:
            wrong.append(f"{probe.label}: breaks {sorted(keywords)}, not only {probe.keyword}")
    assert not wrong, "\n".join(wrong)
    kinds = {p.keyword for p in scratch.probes if p.suite_valid is None and p.keyword}
    from llm_analytics_hub.schema_view.vocabulary import FACETS
    assert set(FACETS) - kinds == set(), f"no probe breaks {sorted(set(FACETS) - kinds)}"


def _compare(name: str, scratch: Scratch, reference: list[dict[str, Any]],
             outcomes: list[tuple[bool, list[str]]]) -> None:
    wrong = []
    for probe, expected, (valid, paths) in zip(scratch.probes, reference, outcomes, strict=True):
        want = sorted({e["instance_path"] for e in expected["errors"]})
        if valid != expected["valid"] or (not valid and paths != want):
            wrong.append(f"{probe.label}: {'valid' if valid else paths} vs reference "
                         f"{'valid' if expected['valid'] else want}\n    {json.dumps(probe.document)[:240]}")
    assert not wrong, f"{name} disagrees on {len(wrong)} of {len(outcomes)} probes:\n" + "\n".join(wrong[:40])


def test_the_native_checker_and_is_valid(scratch: Scratch, reference: list[dict[str, Any]],
                                          native_library: Path, tmp_path: Path) -> None:
    native = _python(scratch, tmp_path, LLM_HUB_NATIVE_LIBRARY=str(native_library))
    assert all(o["native"] for o in native), "the scratch native checker was not used"
    for name, outcomes in (("native", native), ("msgspec", _python(scratch, tmp_path, LLM_HUB_NATIVE="0"))):
        wrong = [p.label for p, o, r in zip(scratch.probes, outcomes, reference, strict=True)
                 if o["is_valid"] != r["valid"]]
        assert not wrong, f"Validator.is_valid ({name}) differs on: {wrong}"


@pytest.mark.parametrize("native", [True, False], ids=["native-checker", "msgspec-fast-path"])
def test_the_cli(scratch: Scratch, reference: list[dict[str, Any]], native_library: Path, tmp_path: Path,
                 native: bool) -> None:
    env = _python_env(scratch.schemas, **({"LLM_HUB_NATIVE_LIBRARY": str(native_library)} if native
                                          else {"LLM_HUB_NATIVE": "0"}))
    outcomes: dict[int, tuple[bool, list[str]]] = {}
    for type_name in sorted({p.type_name for p in scratch.probes}):
        indexes = [i for i, p in enumerate(scratch.probes) if p.type_name == type_name]
        path = tmp_path / f"{type_name}.ndjson"
        path.write_text("".join(json.dumps(scratch.probes[i].document) + "\n" for i in indexes), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", "--schema", type_name,
                               "--schema-version", VERSION, "--format", "json", str(path)],
                              capture_output=True, text=True, env=env, timeout=600, check=False)
        assert done.returncode in (0, 1), done.stderr
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        invalid = {row["line"]: sorted({e["instance_path"] for e in row["errors"]}) for row in lines if "line" in row}
        for line, index in enumerate(indexes, start=1):
            outcomes[index] = (line not in invalid, invalid.get(line, []))
    _compare("llm-hub validate", scratch, reference, [outcomes[i] for i in range(len(scratch.probes))])


def test_the_rust_crate(scratch: Scratch, reference: list[dict[str, Any]], native_library: Path,
                        tmp_path: Path) -> None:
    binary = RUST_TARGET / "vocabulary" / "debug" / "rust-harness"
    with _cases_file(scratch, tmp_path).open("rb") as stdin:
        done = subprocess.run([str(binary)], stdin=stdin, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    _compare("the Rust crate", scratch, reference, _harness_outcomes(done.stdout.decode(), len(scratch.probes)))


def test_the_go_module(scratch: Scratch, reference: list[dict[str, Any]], tmp_path: Path) -> None:
    module = scratch.generated / "go"
    binary = SCRATCH / "go-agreement"
    built = run_go(["go", "build", "-o", str(binary), "./internal/agreement"], cwd=module, timeout=900)
    assert built.returncode == 0, built.stderr
    with _cases_file(scratch, tmp_path).open("rb") as stdin:
        done = subprocess.run([str(binary)], stdin=stdin, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    _compare("the Go module", scratch, reference, _harness_outcomes(done.stdout.decode(), len(scratch.probes)))


def test_the_java_package(scratch: Scratch, reference: list[dict[str, Any]], tmp_path: Path) -> None:
    java = java_build(scratch.generated / "java", SCRATCH / "java")
    with _cases_file(scratch, tmp_path).open(encoding="utf-8") as stdin:
        done = subprocess.run(["java", "-cp", java.classpath, "Harness", "refined"], stdin=stdin, capture_output=True,
                              text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    _compare("the Java package", scratch, reference, _harness_outcomes(done.stdout, len(scratch.probes)))


def test_the_npm_package(scratch: Scratch, reference: list[dict[str, Any]], tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"type": p.type_name, "version": VERSION, "text": json.dumps(p.document)}
                                 for p in scratch.probes]), encoding="utf-8")
    env = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}
    done = subprocess.run(["node", str(NODE_DIR / "agreement.mjs"), str(cases), str(scratch.generated / "typescript")],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    answers = json.loads(done.stdout)
    for how in ("text", "parsed"):
        _compare(f"the npm package ({how})", scratch, reference,
                 [(a[how]["valid"], a[how]["paths"]) for a in answers])


PYDANTIC = """
import json, sys, importlib
import pydantic
module = importlib.import_module("llm_analytics_hub.pydantic." + sys.argv[1])
for line in sys.stdin:
    case = json.loads(line)
    area, name = case["type"].split(".")
    model = getattr(importlib.import_module(module.__name__ + "." + area), name)
    try:
        model.model_validate_json(case["text"])
        print(json.dumps(True))
    except pydantic.ValidationError:
        print(json.dumps(False))
"""


def test_the_pydantic_models(scratch: Scratch, reference: list[dict[str, Any]], tmp_path: Path) -> None:
    # this checkout's package first (the generated pydantic modules import its runtime), then the scratch output
    env = {**_python_env(scratch.schemas),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(scratch.generated / "python")])}
    with _cases_file(scratch, tmp_path).open("rb") as stdin:
        done = subprocess.run([sys.executable, "-c", PYDANTIC, "v" + VERSION.replace(".", "_")], stdin=stdin,
                              capture_output=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-4000:]
    verdicts = [json.loads(line) for line in done.stdout.decode().splitlines()]
    wrong, gaps = [], Counter()
    for probe, expected, valid in zip(scratch.probes, reference, verdicts, strict=True):
        if valid == expected["valid"]:
            continue
        keywords = {e["keyword"] for e in expected["errors"]}
        gap = _pydantic_gap(probe, keywords, scratch.schemas)
        if gap is not None:
            gaps[gap] += 1
            continue
        wrong.append(f"{probe.label}: pydantic {'valid' if valid else 'invalid'}, reference {expected['valid']} "
                     f"{sorted(keywords)}")
    assert not wrong, "\n".join(wrong)
    print(f"pydantic's verdicts that differ, by cause: {dict(gaps)}")


def _pydantic_gap(probe: Probe, keywords: set[str], schemas: Path) -> str | None:
    """Which of PYDANTIC_GAPS explains pydantic's verdict on `probe`, or None."""
    member, value = _probed_member(probe, schemas)
    if keywords == {"uniqueItems"}:
        return "uniqueItems"
    if keywords <= {"minProperties", "maxProperties"} and probe.label.endswith(": payload/data"):
        return "member-count"
    if member is not None and "type" not in member:
        return "untyped"
    values = [member["const"]] if member and "const" in member else (member or {}).get("enum", [])
    if keywords & {"enum", "const"} and any(isinstance(v, bool) for v in [value, *values]):
        return "bool-int"
    if not keywords and isinstance(value, float) and value.is_integer() and (member or {}).get("type") == "integer":
        return "integral-float"
    return None


def _probed_member(probe: Probe, schemas: Path) -> tuple[dict[str, Any] | None, Any]:
    """The schema of the member a probe exercises, and the value it gives it."""
    if probe.suite_valid is not None:
        ((name, value),) = probe.document.items()
        suite = json.loads((schemas / VERSION / "events" / "VocabularySuite.json").read_text(encoding="utf-8"))
        return suite["properties"][name], value
    member = probe.label.rsplit("/", 1)[-1]
    specs = {name: schema for name, schema, _, _ in (*TOKEN_USAGE, *ENVELOPE)}
    data = probe.document.get("payload", {}).get("data", {})
    return specs.get(member), data.get(member, probe.document.get(member))


def test_suite_cases_planted_per_keyword(scratch: Scratch) -> None:
    """The report the closing note quotes: how many suite groups each keyword file gave, and how many the
    policy took (the others use a construct the policy refuses: heterogeneous enums, prefixItems, ...)."""
    report = {name: f"{scratch.planted[name]}/{count}" for name, count in sorted(scratch.offered.items())}
    print("suite groups planted per keyword:", report)
    for keyword in ("minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
                    "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties",
                    "maxProperties", "enum", "const", "type", "uuid"):
        assert scratch.planted[keyword] > 0, f"no suite case of {keyword} reaches the engines"


UNSUPPORTED = {"type": "array", "items": {"type": "string"}, "contains": {"const": "stop"},
               "description": "Stop sequences."}


def test_a_keyword_outside_the_policy_is_refused(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    assert hub("new-version", VERSION, "--schemas", str(schemas)).returncode == 0
    path = schemas / VERSION / "events" / "TokenUsageMetrics.json"
    usage = json.loads(path.read_text(encoding="utf-8"))
    usage["$defs"]["fields"]["properties"]["stop"] = UNSUPPORTED
    path.write_text(json.dumps(usage, indent=2), encoding="utf-8")
    where = f"schemas/{VERSION}/events/TokenUsageMetrics.json#/$defs/fields/properties/stop/contains"
    checked = hub("check", "--schemas", str(schemas))
    assert checked.returncode == 1
    assert f"{where}: [vocabulary] keyword 'contains' is not supported" in checked.stdout, checked.stdout
    made = hub("generate", "--schemas", str(schemas), "--output", str(tmp_path / "generated"))
    assert made.returncode == 1 and "Traceback" not in made.stderr
    refused = [line for line in made.stderr.splitlines() if line.startswith("llm-hub: generate refused")]
    assert refused == [f"llm-hub: generate refused: {where}: [vocabulary] keyword 'contains' is not supported: "
                       "no engine would check it (docs/keywords.md)"], made.stderr
    assert not (tmp_path / "generated").exists()
