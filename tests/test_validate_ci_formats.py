"""`llm-hub validate --format sarif|junit`: the CI report formats, exact against `--format json`.

Each case runs the real CLI (`cli` of test_validate_cli) on the same inputs twice: once with the
NDJSON reporter, whose records are the reference, once with the CI format. SARIF logs are
validated against the official SARIF 2.1.0 schema (OASIS errata01, vendored in tests/data/).
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from hub_runner import Hub
from jsonschema import Draft4Validator, FormatChecker
from validate_support import EVENT, write

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
MISTAKES = ROOT / "examples" / "sample-events-with-mistakes.ndjson"
SAMPLE = ROOT / "examples" / "sample-events.ndjson"
# Member names and values that try to break out of JSON strings, XML text and attributes.
HOSTILE = '\x01 ]]> "q" \'a\' <b>&amp; \\ */ \n\r\t \u2028 \ud7ff \U0001f600'

cli = Hub().validate


@cache
def sarif_validator() -> Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=FormatChecker())


def workspace(tmp_path: Path) -> list[str]:
    """Inputs as a CI job names them, relative to its checkout: two samples, a hostile file, a missing one."""
    events = tmp_path / "events"
    events.mkdir()
    shutil.copy(MISTAKES, events / "mistakes.ndjson")
    shutil.copy(SAMPLE, events / "sample.ndjson")
    hostile = {**EVENT, HOSTILE: HOSTILE, "severity": HOSTILE}
    write(events / "odd name #1 %20 é.json", json.dumps(hostile))
    return ["events/mistakes.ndjson", "events/sample.ndjson", "events/odd name #1 %20 é.json", "events/missing.json"]


def run_json(*args: str, cwd: Path) -> tuple[int, list[dict[str, Any]], dict[str, Any], str]:
    """Like test_validate_cli.run_json, but splits on newlines only: U+2028 is no line break in NDJSON."""
    proc = cli("--format", "json", *args, cwd=cwd)
    lines = [json.loads(line) for line in proc.stdout.split("\n") if line]
    assert lines and set(lines[-1]) == {"summary"}, proc.stdout
    return proc.returncode, lines[:-1], lines[-1]["summary"], proc.stderr


def expected_findings(records: list[dict[str, Any]]) -> list[tuple[str, int, str, str, str]]:
    return [(r["file"], r["line"], e["instance_path"], e["keyword"], e["message"])
            for r in records for e in r["errors"]]


def sarif_run(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    proc = cli("--format", "sarif", *args, cwd=cwd)
    log = json.loads(proc.stdout)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    return proc.returncode, log["runs"][0]


def sarif_findings(run: dict[str, Any]) -> list[tuple[str, int, str, str, str]]:
    rules = run["tool"]["driver"]["rules"]
    found = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        pointer = result["properties"]["instance_path"]
        if pointer:
            assert location["logicalLocations"] == [{"fullyQualifiedName": pointer, "kind": "element"}]
        assert result["message"]["text"].endswith(": " + _message_of(result))
        path = unquote(physical["artifactLocation"]["uri"]).removeprefix("file://")
        found.append((path, physical["region"]["startLine"], pointer, result["ruleId"], _message_of(result)))
    return found


def _message_of(result: dict[str, Any]) -> str:
    where = result["properties"]["instance_path"] or "(root)"
    text: str = result["message"]["text"]
    assert text.startswith(where + ": ")
    return text[len(where) + 2:]


def test_sarif_lists_every_error_of_the_json_report_and_is_valid_sarif(tmp_path: Path) -> None:
    inputs = workspace(tmp_path)
    code, records, summary, _ = run_json(*inputs, cwd=tmp_path)
    sarif_code, run = sarif_run(*inputs, cwd=tmp_path)
    assert code == sarif_code == 2  # the missing file
    assert sarif_findings(run) == expected_findings(records)
    assert {k: run["properties"][k] for k in ("documents", "valid", "invalid")} == \
        {"documents": 49, "valid": 41, "invalid": 8} == {k: summary[k] for k in ("documents", "valid", "invalid")}
    assert run["properties"]["unreadable_inputs"] == ["events/missing.json"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == sorted({f[3] for f in expected_findings(records)})
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "events/missing.json"
    # the hostile member name survives, quoted inside the message, exactly as the JSON reporter has it
    assert any(HOSTILE in f[4] for f in sarif_findings(run))


def test_sarif_max_errors_keeps_counts_exact(tmp_path: Path) -> None:
    _, records, _, _ = run_json(str(MISTAKES), cwd=tmp_path)
    code, run = sarif_run("--max-errors", "3", str(MISTAKES), cwd=tmp_path)
    assert code == 1
    assert sarif_findings(run) == expected_findings(records)[:3]
    assert run["properties"]["invalid"] == 7 and run["properties"]["documents"] == 8
    assert run["properties"]["errors_not_shown"] == len(expected_findings(records)) - 3 == 9


def test_sarif_of_stdin_has_no_file_location(tmp_path: Path) -> None:
    proc = cli("--format", "sarif", "-", stdin=(json.dumps({**EVENT, "x": 1}) + "\n").encode(), cwd=tmp_path)
    log = json.loads(proc.stdout)
    assert not list(sarif_validator().iter_errors(log))
    (result,) = log["runs"][0]["results"]
    assert "physicalLocation" not in result["locations"][0]
    assert result["ruleId"] == "unevaluatedProperties"


def junit_run(*args: str, cwd: Path) -> tuple[int, ET.Element]:
    proc = cli("--format", "junit", *args, cwd=cwd)
    assert proc.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return proc.returncode, ET.fromstring(proc.stdout.encode("utf-8"))


def documents_in(path: Path) -> int:
    if path.suffix == ".json":
        return 1
    return sum(1 for line in path.read_bytes().split(b"\n") if line.strip())


def test_junit_counts_documents_per_input_and_fails_each_invalid_document(tmp_path: Path) -> None:
    inputs = workspace(tmp_path)
    code, records, summary, _ = run_json(*inputs, cwd=tmp_path)
    junit_code, root = junit_run(*inputs, cwd=tmp_path)
    assert code == junit_code == 2
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == \
        (str(summary["documents"]), str(summary["invalid"]), "1")
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == inputs
    failures = []
    for name, suite in suites.items():
        path = tmp_path / name
        invalid_here = [r for r in records if r["file"] == name]
        documents = documents_in(path) if path.exists() else 0
        assert (suite.get("tests"), suite.get("failures")) == (str(documents), str(len(invalid_here)))
        assert suite.get("errors") == ("0" if path.exists() else "1")
        failed = [case for case in suite.findall("testcase") if case.find("failure") is not None]
        assert len(failed) == len(invalid_here)
        passed = [case for case in suite.findall("testcase") if len(case) == 0]
        valid_here = documents - len(invalid_here)
        assert [case.get("name") for case in passed] == ([f"{valid_here} valid document" + "s" * (valid_here != 1)]
                                                         if valid_here else [])
        for case, record in zip(failed, invalid_here, strict=True):
            assert (case.get("file"), case.get("line")) == (name, str(record["line"]))
            failure = case.find("failure")
            assert failure is not None and failure.get("type") == record["errors"][0]["keyword"]
            failures.append(failure.text or "")
            for error in record["errors"]:
                where = error["instance_path"] or "(root)"
                line = f"{name}:{record['line']}: {where}: {error['message']} [{error['keyword']}]"
                assert _xml_safe(line) in (failure.text or "").split("\n") or "\n" in error["message"]
    (missing,) = suites["events/missing.json"].findall("testcase")
    error_element = missing.find("error")
    assert error_element is not None and "missing.json: cannot read" in (error_element.get("message") or "")
    assert sum(1 for text in failures if "\\u0001" in text) == 1  # XML cannot carry U+0001: written escaped


def _xml_safe(text: str) -> str:
    return text.replace("\x01", "\\u0001").replace("\r", "\n")  # XML parsers read a CR as a line break


def test_junit_max_errors_still_fails_every_invalid_document(tmp_path: Path) -> None:
    code, root = junit_run("--max-errors", "1", str(MISTAKES), cwd=tmp_path)
    assert code == 1
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == 7 == int(root.get("failures") or 0)
    assert sum((f.text or "").count(" [") for f in failures) == 1
    assert "more errors not shown" in (failures[1].text or "")
