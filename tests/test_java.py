"""The Java package (generated/java) on the JVM: same verdicts and error locations as the Python
validator on every document of tests/agreement_cases.py, and a faithful round trip through the
generated records.

The package is built once per test run with Maven (offline, against build/m2 that `make java-deps`
fills; tests/java_build.py) together with tests/java/Harness.java, which speaks the harness protocol
of agreement_cases.py. No JDK, no Maven or no dependency is a failure, never a skip.

Union findings: the Python validator may or may not yet report the errors of the branch a failed
union's value indicates (error-location refinement, issue 15). `python_refines` asks it on one
document, and the harness runs in the same mode ("refined" or "whole"); test_union_refinement checks
the refined mode on hand-made documents either way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from agreement_cases import Case, cases, disagreements, python_outcome, read_results, schema_sets, write_cases
from java_build import ROOT, JavaBuild, javac, run, session_build
from producer_form import producer_round_trip_problems

from llm_analytics_hub import Validator

# Where the Java package and the Python validator differ by construction, and what is done about it.
# None changes a verdict or an error location.
INHERENT_DIFFERENCES = {
    "messages and keywords": (
        "Messages are the package's own words; only verdicts and instance locations are compared."
    ),
    "integral floats": (
        "JSON Schema counts 5.0 as an integer, so the validator accepts it where the schema wants an integer "
        "(as Python does); Hub.decode rejects it when binding a record, as the producers' deserializer "
        "(serde) does. Such valid documents do not decode (rule: _integral_floats)."
    ),
    "checks on write": (
        "Hub.encode checks the text it writes as `llm-hub validate` reads it: by the version its "
        "schema_version names. A document read under a forced version whose schema_version names another "
        "(or an unknown) version decodes, but is not written back (rule: other_version)."
    ),
    "producer output form": (
        "Absent and null are one state (Java null; a defaulted member holds its default) and Hub.encode "
        "writes what the producers write (tests/producer_form.py): a null the producers omit is left out, "
        "an absent member they write as null comes back as null, an absent defaulted member with its default."
    ),
    "lenient untagged unions": (
        "Untagged unions keep the JSON value as read, so a lenient reading keeps the undeclared members "
        "inside one, and Hub.encode (strict) refuses to write that value back; records drop them."
    ),
    "uuid case": (
        "uuid members are java.util.UUID, which writes lower case; an upper-case uuid (readable by contract, "
        "never written by producers) comes back lower-cased (rule: uuid lower-cased)."
    ),
    "number form": (
        "number members are double: 1842 comes back as 1842.0 and 2.5e-06 as 2.5E-6, the same JSON value."
    ),
}

# (qualified type, version or None, origin) -> reason. Empty: they agree everywhere.
KNOWN_DISAGREEMENTS: dict[tuple[str, str | None, str], str] = {}


@pytest.fixture(scope="session")
def java_build() -> JavaBuild:
    return session_build()


def harness(java: JavaBuild, every: list[Case] | tuple[Case, ...], mode: str, folder: Path,
            *flags: str) -> list[dict[str, Any]]:
    cases_file = folder / f"cases-{mode}.ndjson"
    write_cases(cases_file, every)
    with cases_file.open(encoding="utf-8") as stdin:
        done = run(["java", "-cp", java.classpath, "Harness", mode, *flags], stdin=stdin, timeout=900)
    assert done.returncode == 0, f"the Java harness failed:\n{done.stderr[-4000:]}"
    return read_results(done.stdout, len(every))


def python_refines() -> bool:
    """Whether the Python validator reports a nullable member's own error (refined) or the anyOf error."""
    example = schema_sets()[0].lookup("events.AnalyticsEvent").examples[0]
    probe = Case("events.AnalyticsEvent", "1.0.0", "probe", {**example, "correlation_id": 5})
    _, _, keywords = python_outcome(probe)
    return keywords != ["anyOf"]


@dataclass(frozen=True)
class Run:
    every: tuple[Case, ...]
    results: list[dict[str, Any]]
    mode: str


@pytest.fixture(scope="session")
def agreement(java_build: JavaBuild, tmp_path_factory: pytest.TempPathFactory) -> Run:
    mode = "refined" if python_refines() else "whole"
    every = cases()
    return Run(every, harness(java_build, every, mode, tmp_path_factory.mktemp("java")), mode)


def test_java_package_agrees_with_python_validator(agreement: Run) -> None:
    problems = disagreements(agreement.every, agreement.results, KNOWN_DISAGREEMENTS)
    assert not problems, f"{len(problems)} disagreement(s) ({agreement.mode} unions):\n" + "\n".join(problems[:25])


@cache
def lenient_validator(type_name: str, version: str | None) -> Validator:
    return Validator(type_name, version, lenient=True)


def test_lenient_reading_agrees_with_python_lenient(java_build: JavaBuild, agreement: Run, tmp_path: Path) -> None:
    """Validator.validateJsonLenient against Validator(lenient=True), on every document (verdicts and
    locations); Hub.decodeLenient binds every document the lenient reading accepts (integral floats aside)
    and drops undeclared members of records, so Hub.encode writes it back, except inside an untagged union
    (FieldValue, FieldSet, MetricValues keep their JSON value as read: INHERENT_DIFFERENCES)."""
    lenient = harness(java_build, agreement.every, agreement.mode, tmp_path, "lenient")
    problems, undecoded = [], []
    accepted_more = 0
    for case, result in zip(agreement.every, lenient, strict=True):
        findings = lenient_validator(case.type_name, case.version).check(case.document)
        paths = sorted({f.instance_path for f in findings})
        theirs = sorted({e["instance_path"] for e in result["errors"]})
        if (not findings) != result["valid"] or (findings and paths != theirs):
            problems.append(f"{case.type_name} @ {case.version} {case.origin}: {theirs} vs Python {paths}")
        accepted_more += bool(not findings and python_outcome(case)[1])
        error = str(result["decode_error"])
        if result["valid"] and result["reserialized"] is None and not (
                _integral_floats(case.document) and "Floating-point" in error) and "[schema_version]" not in error \
                and not (error.startswith("encode: ") and "[anyOf]" in error):
            undecoded.append(f"{case.type_name} {case.origin}: {error}")
    assert accepted_more > 100, "too few documents that only the lenient reading accepts"
    assert not problems, f"{len(problems)} documents disagree:\n" + "\n".join(problems[:15])
    assert not undecoded, f"{len(undecoded)} not decoded:\n" + "\n".join(undecoded[:15])


def test_agreement_covers_every_type_version_and_the_corpus(agreement: Run) -> None:
    covered = {(c.type_name, c.version) for c in agreement.every}
    for schemas in schema_sets():
        assert {t.qualified for t in schemas.types} <= {n for n, v in covered if v == schemas.version}
    invalid = sum(1 for r in agreement.results if not r["valid"])
    assert len(agreement.every) >= 3000 and 0.3 * len(agreement.every) < invalid < 0.9 * len(agreement.every)
    assert any(r["errors"] and r["errors"][0]["keyword"] == "schema_version" for r in agreement.results)


def _integral_floats(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_integral_floats(v) for v in value.values())
    if isinstance(value, list):
        return any(_integral_floats(v) for v in value)
    return isinstance(value, float) and value.is_integer()


def other_version(case: Case) -> bool:
    """A document read under a forced version whose schema_version names another (or no known) version:
    Hub.encode checks what it writes as the command reads it, by that schema_version."""
    declared = case.document.get("schema_version") if isinstance(case.document, dict) else None
    return case.version is not None and isinstance(declared, str) and declared != case.version


def test_every_valid_document_decodes_and_writes_back_valid(agreement: Run) -> None:
    """Each document the validator accepts decodes into its record with Hub.decode and Hub.encode writes it
    back (checked, so what comes back is valid), except integral floats and other_version (see
    INHERENT_DIFFERENCES)."""
    problems = []
    checked = 0
    for case, result in zip(agreement.every, agreement.results, strict=True):
        if not result["valid"]:
            continue
        if result["reserialized"] is None:
            error = str(result["decode_error"])
            if _integral_floats(case.document) and "Floating-point" in error:
                continue
            if other_version(case) and "encode: " in error and "[schema_version]" in error:
                continue
            problems.append(f"{case.type_name} {case.origin}: {error}")
            continue
        checked += 1
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:20])
    assert checked > 1000, checked


def test_producer_documents_round_trip(agreement: Run) -> None:
    """Every schema example and valid corpus payload (the producers' output form) comes back as the same
    JSON value; an input-form payload comes back in the producers' form (tests/producer_form.py)."""
    problems, checked, exact, rules = producer_round_trip_problems(agreement.every, agreement.results,
                                                                   lower_uuids=True)
    assert checked > 1500, checked
    assert not problems, f"{len(problems)} change(s) in {checked} documents:\n" + "\n".join(problems[:15])
    assert exact > 1400 and {"null omitted", "null written", "default written"} <= rules.keys(), (exact, rules)


def test_union_refinement(java_build: JavaBuild, tmp_path: Path) -> None:
    """The refined mode (the default of Validator.validateJson) reports the errors of the branch a failed
    union's value indicates, at their own places (issue 15's rule); the whole mode one anyOf error."""
    event = schema_sets()[0].lookup("events.AnalyticsEvent").examples[0]
    threat = next(e for e in schema_sets()[0].lookup("events.AnalyticsEvent").examples
                  if e["payload"]["payload_type"] == "security" and "threat_type" in e["payload"]["data"])
    data = threat["payload"]["data"]
    documents = [
        ({**event, "correlation_id": 5}, ["/correlation_id"], ["/correlation_id"]),  # nullable, non-null value
        ({**event, "correlation_id": None}, [], []),
        ({**threat, "payload": {**threat["payload"], "data": {**data, "threat_type": "loud"}}},
         ["/payload/data/threat_type"], ["/payload/data/threat_type"]),  # data enum, string
        ({**threat, "payload": {**threat["payload"], "data": {**data, "threat_type": {"other": 5}}}},
         ["/payload/data/threat_type/other"], ["/payload/data/threat_type"]),  # data enum, its variant
        ({**threat, "payload": {**threat["payload"], "data": {**data, "threat_type": {"x": 1, "y": 2}}}},
         ["/payload/data/threat_type"], ["/payload/data/threat_type"]),  # no branch indicated
    ]
    every = [Case("events.AnalyticsEvent", "1.0.0", f"refinement {i}", d) for i, (d, _, _) in enumerate(documents)]
    refined = harness(java_build, every, "refined", tmp_path)
    whole = harness(java_build, every, "whole", tmp_path)
    for (document, want_refined, want_whole), mine, theirs in zip(documents, refined, whole, strict=True):
        assert sorted({e["instance_path"] for e in mine["errors"]}) == want_refined, (document, mine)
        assert sorted({e["instance_path"] for e in theirs["errors"]}) == want_whole, (document, theirs)
    assert [e["keyword"] for e in refined[0]["errors"]] == ["type"]
    assert [e["keyword"] for e in whole[3]["errors"]] == ["anyOf"]


def test_java_api_behaves_as_documented(java_build: JavaBuild, tmp_path: Path) -> None:
    """tests/java/ApiCheck.java (javac -Xlint:all -Werror): the text entry point's dispatch and parse rules,
    Hub.decode (validated, sealed variants, defaults applied, absent and null one state), Hub.encode and
    Validator.validate(record) refusing NaN, a required null and a wrong schema_version by member, a plain
    ObjectMapper refusing NaN, Timestamp conversions, Hub.newObjectMapper() being a copy."""
    event = schema_sets()[0].lookup("events.AnalyticsEvent").examples[0]
    javac([ROOT / "tests" / "java" / "ApiCheck.java"], tmp_path, java_build.classpath)
    done = run(["java", "-cp", f"{tmp_path}:{java_build.classpath}", "ApiCheck", json.dumps(event)], timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_readme_java_example_runs(java_build: JavaBuild, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Using the schemas from another language"):]
    block = re.search(r"```java\n(.*?)```", section, re.S)
    assert block and "class ReadmeExample" in block.group(1), "README: the Java example is gone"
    (tmp_path / "ReadmeExample.java").write_text(block.group(1), encoding="utf-8")
    javac([tmp_path / "ReadmeExample.java"], tmp_path, java_build.classpath)
    event = schema_sets()[0].lookup("events.AnalyticsEvent").examples[0]
    written = len(json.dumps(event, separators=(",", ":")))
    for document, expected in ((event, "2024-01-15T10:30:00.412Z LatencyMetrics[modelId=gpt-4o"),
                               (event, f"{written} characters, tags {{app=customer-support-bot"),
                               ({**event, "severity": "loud"}, "/severity enum"),
                               ({**event, "severity": "loud"}, "refused: /severity")):
        done = run(["java", "-cp", f"{tmp_path}:{java_build.classpath}", "ReadmeExample", json.dumps(document)],
                   timeout=120)
        assert expected in done.stdout, done.stdout + done.stderr


def test_member_docs_show_in_javadoc(java_build: JavaBuild, tmp_path: Path) -> None:
    """The javadoc tool shows each member's description with its record component (the record's `@param`
    tags; the accessor links there): javadoc ignores comments placed inside a record header."""
    jars = java_build.classpath.split(":", 2)[2]
    done = run(["javadoc", "-quiet", "-Xdoclint:none", "-d", str(tmp_path), "-sourcepath",
                str(ROOT / "generated" / "java" / "src" / "main" / "java"), "-cp", jars,
                "io.llmanalyticshub.schemas.v1_0_0.events", "io.llmanalyticshub.schemas"], timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (tmp_path / "io" / "llmanalyticshub" / "schemas" / "v1_0_0" / "events" / "AnalyticsEvent.html").read_text(
        encoding="utf-8")
    component = re.sub(r"<[^>]+>", "", page[page.index('id="param-tags"'):][:600])
    assert "Free-form labels attached to the event" in component and "When absent: the schema default" in component
    accessor = page[page.index('id="tags()"'):][:1200]
    assert 'href="#param-tags"' in accessor
