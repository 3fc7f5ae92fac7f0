"""The Go module (generated/go): same verdicts as the Python validator, a round trip through the
typed model for every valid document, gofmt-clean and `go vet`-clean code.

Agreement: the documents of tests/agreement_cases.py (every schema example, every corpus payload,
valid and invalid, every version, MUTANTS_PER_DOCUMENT mutants of each valid one, and the
AnalyticsEvent documents again without a version) go through the harness
generated/go/internal/agreement (`validation.Check` = `ValidateJSON`), built once per test run.
Each must get Python's verdict and, when invalid, Python's set of instance locations, strictly and
with the lenient option. The Go validator reports a failed union inside the branch the document
indicates (the issue-15 rule); while the Python validator still reports it at the union, the harness
runs with -union-errors-at-union (python_refines_unions decides), so the bar is the same either way.

Also here: every valid document decoded into the Go types and written back (checked), the producers'
documents round-tripping exactly, gofmt and go vet, the public API used from a consumer module
(tests/go/api_test.go), hostile schema text, and the README's Go program. The raw texts at the edges
of JSON are in tests/test_go_texts.py, the consumer project in tests/test_go_consumer.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import test_generate_safety as safety
from agreement_cases import Case, cases, disagreements, python_outcome, read_results, schema_sets, write_cases
from go_support import BUILD, MODULE_DIR, ROOT, consumer_module, run_go
from producer_form import producer_round_trip_problems

from llm_analytics_hub import Validator
from llm_analytics_hub.codegen.writer import generate
from llm_analytics_hub.validation.parsing import ParseError, parse_document

# Where Go and the Python validator (jsonschema-rs) differ by construction, and what is done about it.
INHERENT_DIFFERENCES = {
    "messages and schema paths": (
        "Messages are each validator's own words and schema paths point into the embedded bundle; only "
        "verdicts and instance locations are compared."
    ),
    "integers written as floats": (
        "JSON Schema counts 5.0 as an integer, so the schemas (and both validators) accept it in an integer "
        "member; the producers' serde and Go's encoding/json reject it there. ValidateJSON agrees with Python; "
        "Decode reports such a document with a `decode` finding instead of a value. The round-trip test "
        "allows a decoding failure only on a document holding an integral float (rule: integral_float)."
    ),
    "float members": (
        "A `number` member is a float64, as in the producers (Rust f64): a document that writes an integer "
        "beyond 2^53 in a number member is written back rounded (rule: float_rounded). Integer members are "
        "exact (uint64 up to 2^64-1, json.Number without bounds, `any` values as json.Number). A large "
        "integral float (1.8446744073709552e+19) comes back in integer notation, the same float64."
    ),
    "checks on write": (
        "validation.Marshal checks the text it writes as `llm-hub validate` reads it: by the version its "
        "schema_version names. A document read under a forced version whose schema_version names another "
        "(or an unknown) version decodes, but is not written back (rule: other_version)."
    ),
    "producer output form": (
        "Absent and null are one state (nil) and the writers write what the producers write "
        "(tests/producer_form.py): a null the producers omit is left out, an absent member they write as "
        "null comes back as null, an absent defaulted member comes back with its default. Documents in the "
        "producers' form come back exactly; only input-form corpus payloads change, by those rules."
    ),
}

# (qualified type, version or None, origin) -> reason; empty: Go and Python agree on every document.
KNOWN_DISAGREEMENTS: dict[tuple[str, str | None, str], str] = {}


def python_refines_unions() -> bool:
    """Whether the Python validator reports a failed nullable union inside its non-null branch (the
    issue-15 rule); the harness is run with the same rule, so the comparison holds before and after."""
    example = dict(schema_sets()[0].lookup("events.LatencyMetrics").examples[0], breakdown={"queue_time_ms": "slow"})
    return "/breakdown/queue_time_ms" in {f.instance_path for f in Validator("events.LatencyMetrics", "1.0.0")
                                          .check(example)}


@pytest.fixture(scope="session")
def harness() -> str:
    """The agreement harness binary, built once per test run (cached objects in build/go-cache)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    binary = BUILD / "agreement"
    done = run_go(["go", "build", "-o", str(binary), "./internal/agreement"], cwd=MODULE_DIR, timeout=900)
    assert done.returncode == 0, f"go build failed:\n{done.stderr}"
    return str(binary)


def run_harness(binary: str, folder: Path, *flags: str) -> list[dict[str, Any]]:
    every = cases()
    path = folder / "cases.ndjson"
    if not path.is_file():
        write_cases(path, every)
    union_rule = [] if python_refines_unions() else ["-union-errors-at-union"]
    with path.open("rb") as stdin:
        done = subprocess.run([binary, *union_rule, *flags], stdin=stdin, capture_output=True, check=False,
                              timeout=900)
    assert done.returncode == 0, done.stderr.decode()
    return read_results(done.stdout.decode(), len(every))


@pytest.fixture(scope="session")
def cases_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("go-agreement")


@pytest.fixture(scope="session")
def results(harness: str, cases_folder: Path) -> list[dict[str, Any]]:
    return run_harness(harness, cases_folder)


def test_go_agrees_with_python_on_every_document(results: list[dict[str, Any]]) -> None:
    every = cases()
    problems = disagreements(every, results, KNOWN_DISAGREEMENTS)
    invalid = sum(1 for r in results if not r["valid"])
    assert invalid > len(every) // 4, "too few invalid documents to prove anything"
    assert not problems, f"{len(problems)} of {len(every)} documents disagree:\n" + "\n".join(problems[:15])


def test_lenient_reading_agrees_with_python_lenient(harness: str, cases_folder: Path) -> None:
    """Options{Lenient: true} against Validator(lenient=True), on every document."""
    lenient = run_harness(harness, cases_folder, "-lenient")
    problems = []
    accepted_more = 0
    for case, result in zip(cases(), lenient, strict=True):
        findings = lenient_validator(case.type_name, case.version).check(case.document)
        paths = sorted({f.instance_path for f in findings})
        theirs = sorted({e["instance_path"] for e in result["errors"]})
        if (not findings) != result["valid"] or (findings and paths != theirs):
            problems.append(f"{case.type_name} @ {case.version} {case.origin}: {theirs} vs Python {paths}")
        accepted_more += bool(not findings and python_outcome(case)[1])
    assert accepted_more > 100, "too few documents that only the lenient reading accepts"
    assert not problems, f"{len(problems)} documents disagree:\n" + "\n".join(problems[:15])


@cache
def lenient_validator(type_name: str, version: str | None) -> Validator:
    return Validator(type_name, version, lenient=True)


def float_rounded(read: Any, written: Any) -> bool:
    """True when `written` differs from `read` only by integers beyond 2^53 written back as the float64
    nearest to them (INHERENT_DIFFERENCES["float members"]); False for any other difference."""
    if isinstance(read, dict) and isinstance(written, dict):
        return read.keys() == written.keys() and all(read[k] == written[k] or float_rounded(read[k], written[k])
                                                     for k in read)
    if isinstance(read, list) and isinstance(written, list):
        return len(read) == len(written) and all(a == b or float_rounded(a, b) for a, b in zip(read, written,
                                                                                              strict=True))
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (read, written))
    if not numbers or float(read) != float(written):
        return False
    # an integer beyond 2^53 rounded to its float64, or a large integral float (1.8446744073709552e+19)
    # written without an exponent, as encoding/json writes every float64 below 1e21
    return (isinstance(read, int) and abs(read) > 2**53) or (isinstance(read, float) and read.is_integer())


def integral_float(document: Any) -> bool:
    """True for a document holding a float with an integral value (5.0), anywhere."""
    if isinstance(document, dict):
        return any(integral_float(v) for v in document.values())
    if isinstance(document, list):
        return any(integral_float(v) for v in document)
    return isinstance(document, float) and document.is_integer()


def other_version(case: Case) -> bool:
    """A document read under a forced version whose schema_version names another version (or none that
    exists): validation.Marshal checks what it writes as the command reads it, by that schema_version
    (INHERENT_DIFFERENCES["checks on write"])."""
    declared = case.document.get("schema_version") if isinstance(case.document, dict) else None
    return case.version is not None and isinstance(declared, str) and declared != case.version


def test_every_valid_document_decodes_and_writes_back_valid(results: list[dict[str, Any]]) -> None:
    """Each document the validator accepts decodes into its Go type and validation.Marshal writes it back
    (Marshal refuses a value its reader would refuse, so what comes back is valid), except integral
    floats (INHERENT_DIFFERENCES)."""
    problems = []
    checked = 0
    for case, result in zip(cases(), results, strict=True):
        if not result["valid"]:
            continue
        if result["reserialized"] is None:
            if integral_float(case.document) and "cannot unmarshal number" in result["decode_error"]:
                continue
            if other_version(case) and "[schema_version]" in result["decode_error"]:
                continue
            problems.append(f"{case.type_name} {case.origin}: {result.get('decode_error')}")
            continue
        checked += 1
    assert checked > 1000
    assert not problems, f"{len(problems)} valid documents do not come back:\n" + "\n".join(problems[:10])


def test_producer_documents_round_trip(results: list[dict[str, Any]]) -> None:
    """Every document in the producers' output form comes back as the same JSON value (timestamps and
    uuids are kept as text; integers beyond 2^53 in number members round, rule float_rounded); an
    input-form corpus payload comes back in the producers' form (tests/producer_form.py)."""
    every = cases()
    rounded = [dict(r, reserialized=json.dumps(c.document)) if r["valid"] and r["reserialized"] is not None
               and float_rounded(c.document, json.loads(r["reserialized"])) else r
               for c, r in zip(every, results, strict=True)]
    problems, checked, exact, rules = producer_round_trip_problems(every, rounded)
    assert checked > 1500, checked
    assert not problems, f"{len(problems)} change(s) in {checked} documents:\n" + "\n".join(problems[:15])
    assert exact > 1400 and {"null omitted", "null written", "default written"} <= rules.keys(), (exact, rules)


def test_generated_go_is_gofmt_formatted() -> None:
    done = run_go(["gofmt", "-l", "."], cwd=MODULE_DIR, timeout=300)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_generated_go_is_vet_clean(harness: str) -> None:
    done = run_go(["go", "vet", "./..."], cwd=MODULE_DIR, timeout=900)
    assert done.returncode == 0, done.stderr



def test_go_api_behaves_as_documented(tmp_path: Path) -> None:
    """tests/go/api_test.go: strict and lenient decoding, dispatch, u64, null vs absent, built values."""
    folder = consumer_module(tmp_path / "consumer", "package consumer\n")
    shutil.copy(ROOT / "tests" / "go" / "api_test.go", folder / "api_test.go")
    done = run_go(["go", "test", "./..."], cwd=folder, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


GO_HOSTILE = ("*/ }\npackage evil // \u2028func init() { panic(\"pwned\") }\u2029 /* `raw` \x00\x7f \ufeff "
              "\r\nimport \"os\"\rlast \\ line")
GO_PROPS = ["a`b", 'json:"-"', "x\ny", "Validate", "MarshalJSON", "", "1st", "ÄÖÜ", "id", "ID", "Id", "*/"]
GO_VALUES = ["`", "*/", "\u2028", "a\x00b", "\\u0041", "ünï", "x\"y", "😀"]


def hostile_go_tree(root: Path) -> Path:
    schemas = safety.schema_folder(root)
    base = "https://llm-analytics-hub.invalid/schemas/1.0.0/"
    (schemas / "1.0.0" / "events" / "GoHostile.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base + "events/GoHostile.json",
        "title": "GoHostile", "description": GO_HOSTILE,
        "type": "object",
        "properties": {name: {"description": GO_HOSTILE + name, "type": "integer", "minimum": 0,
                              "maximum": 18446744073709551615} for name in GO_PROPS}
        | {"mood": {"description": GO_HOSTILE, "type": "string", "enum": GO_VALUES}},
        "required": ["a`b", "mood"],
        "additionalProperties": False,
        "examples": [{"a`b": 18446744073709551615, 'json:"-"': 1, "x\ny": 2, "Validate": 3, "": 4, "mood": value}
                     for value in GO_VALUES],
    }), encoding="utf-8")
    return schemas


def test_hostile_schema_text_generates_safe_go(tmp_path: Path) -> None:
    """Quotes, backticks, comment terminators, line and paragraph separators, NUL and BOM in descriptions,
    member names and enum values: the generated Go is gofmt-clean, vets, and round-trips the examples."""
    schemas = hostile_go_tree(tmp_path)
    out = tmp_path / "generated"
    generate(schemas, out)
    module = out / "go"
    done = run_go(["gofmt", "-l", "."], cwd=module, timeout=300)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    done = run_go(["go", "vet", "./..."], cwd=module, timeout=900)
    assert done.returncode == 0, done.stderr
    source = (module / "v1_0_0" / "events" / "events.go").read_text(encoding="utf-8")
    for line in source.splitlines():
        if "pwned" in line or "package evil" in line:
            assert line.lstrip("\t").startswith("//"), f"schema text outside a comment: {line!r}"
    examples = []
    for name in ("GoHostile", "Choice"):
        examples += [(f"events.{name}", e) for e in json.loads(
            (schemas / "1.0.0" / "events" / f"{name}.json").read_text(encoding="utf-8"))["examples"]]
    program = _ROUND_TRIP.replace("CASES", json.dumps(json.dumps([[t, json.dumps(e)] for t, e in examples])))
    folder = consumer_module(tmp_path / "consumer", program, module_dir=module)
    done = run_go(["go", "run", "."], cwd=folder, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    written = json.loads(done.stdout)
    assert [json.loads(w) for w in written] == [e for _, e in examples]


_ROUND_TRIP = """package main

import (
	"encoding/json"
	"fmt"
	"os"

	schemas "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
)

func main() {
	var cases [][2]string
	if err := json.Unmarshal([]byte(CASES), &cases); err != nil {
		panic(err)
	}
	var out []string
	for _, c := range cases {
		value, err := schemas.DecodeType("1.0.0", c[0], []byte(c[1]))
		if err != nil {
			fmt.Println(c[1], err)
			os.Exit(1)
		}
		written, err := schemas.Marshal(value)
		if err != nil {
			panic(err)
		}
		out = append(out, string(written))
	}
	data, _ := json.Marshal(out)
	fmt.Println(string(data))
}
"""


def readme_go_program() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using the schemas from another language"):]
    blocks = re.findall(r"```go\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 1, "the README section must show exactly one Go program"
    return blocks[0]


def python_locations(text: str) -> set[str]:
    """Instance locations `llm-hub validate` reports for one NDJSON line ("" for a parse error)."""
    try:
        document = parse_document(text.encode("utf-8"))
    except ParseError:
        return {""}
    return {f.instance_path for f in Validator("events.AnalyticsEvent").check(document)}


def test_readme_go_program_runs_and_agrees_with_llm_hub_validate(tmp_path: Path) -> None:
    folder = consumer_module(tmp_path / "readme", readme_go_program())
    for sample in ("sample-events.ndjson", "sample-events-with-mistakes.ndjson"):
        raw = (ROOT / "examples" / sample).read_text(encoding="utf-8")
        done = run_go(["go", "run", "."], cwd=folder, input=raw, timeout=900)
        assert done.returncode == 0, done.stderr
        printed: dict[int, set[str]] = {}
        latencies = 0
        *reading, written, refused = done.stdout.splitlines()
        assert written.startswith("written {") and written.endswith("} <nil>"), written
        assert python_locations(written[len("written "):-len(" <nil>")]) == set(), written
        assert refused == "refused /severity enum", refused
        for line in reading:
            match = re.match(r"line (\d+): (latency )?(\S*)", line)
            assert match, line
            if match.group(2):
                latencies += 1
            else:
                printed.setdefault(int(match.group(1)), set()).add(match.group(3))
        expected = {number: python_locations(text) for number, text in enumerate(raw.splitlines(), start=1)}
        assert printed == {n: paths for n, paths in expected.items() if paths}, sample
        assert latencies > 0 or sample.endswith("mistakes.ndjson")
