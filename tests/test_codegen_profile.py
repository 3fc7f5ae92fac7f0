"""The codegen profile (generated/jsonschema-codegen): the subset third-party generators read, with
exactly the canonical bundles' verdicts.

Equivalence: under python-jsonschema with the project's format checker (as the reference engine
runs), the profile bundle and the canonical bundle of a type give the same verdict on every case of
tests/agreement_cases.py (examples, corpus payloads, mutants; a dispatched case, which names no
version, is checked against every version).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import pytest
from agreement_cases import cases
from jsonschema import Draft202012Validator
from pydantic import Field, TypeAdapter, ValidationError

from llm_analytics_hub.codegen.profile import DATE_TIME_CALENDAR, DATE_TIME_SHAPE
from llm_analytics_hub.formats import format_checker
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.schema_view.vocabulary import ARRAY_FACETS, NUMBER_FACETS, OBJECT_FACETS, STRING_FACETS
from llm_analytics_hub.versions import available_versions

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = ROOT / "generated" / "jsonschema"
PROFILE = ROOT / "generated" / "jsonschema-codegen"
FORBIDDEN = ("if", "then", "else", "unevaluatedProperties", "unevaluatedItems", "allOf", "dependentSchemas")


def manifest(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "index.json").read_text(encoding="utf-8")))


def paths(folder: Path) -> dict[tuple[str, str], Path]:
    return {(row["version"], row["qualified"]): folder / row["path"] for row in manifest(folder)["types"]}


@cache
def validator(folder: Path, version: str, qualified: str) -> Draft202012Validator:
    schema = json.loads(paths(folder)[(version, qualified)].read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=format_checker())


def keywords(node: Any, trail: str = "") -> list[tuple[str, str]]:
    """(pointer, keyword) of every object key in a schema document, below `properties` names too."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((trail, key))
            found += keywords(value, f"{trail}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += keywords(value, f"{trail}/{index}")
    return found


def test_manifest_lists_every_canonical_type_with_hash() -> None:
    profile = manifest(PROFILE)
    assert profile["versions"] == available_versions()
    assert set(paths(PROFILE)) == set(paths(CANONICAL))
    for row in profile["types"]:
        assert hashlib.sha256((PROFILE / row["path"]).read_bytes()).hexdigest() == row["sha256"]
    for version, path in profile["all"].items():
        assert set(json.loads((PROFILE / path).read_text())["$defs"]) >= {
            qualified for v, qualified in paths(PROFILE) if v == version}


def test_profile_bundles_use_only_the_generator_subset() -> None:
    for path in [*paths(PROFILE).values(), *(PROFILE / p for p in manifest(PROFILE)["all"].values())]:
        bundle = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(bundle)
        for key, definition in bundle["$defs"].items():
            assert definition.get("title"), f"{path}: $defs/{key} has no title"
            assert "$defs" not in definition, f"{path}: nested $defs in {key}"
        for pointer, keyword in keywords({k: v for k, v in bundle.items() if k != "$defs"}) + keywords(
                bundle["$defs"], "/$defs"):
            in_member_names = pointer.endswith("/properties") or pointer.endswith("/mapping")
            assert in_member_names or keyword not in FORBIDDEN, f"{path}: {pointer}/{keyword}"
        for pointer, keyword in keywords(bundle):
            if keyword == "$ref":
                assert not pointer or pointer.count("/") >= 1


def test_tagged_unions_are_one_of_const_tagged_variants() -> None:
    bundle = json.loads((PROFILE / "1.0.0/events/TelemetryPayload.json").read_text(encoding="utf-8"))
    union = bundle["$defs"]["events.TelemetryPayload"]
    assert union["discriminator"]["propertyName"] == "telemetry_type"
    assert len(union["oneOf"]) == len(union["discriminator"]["mapping"]) == 5
    latency = bundle["$defs"]["events.TelemetryPayloadLatency"]
    assert latency["properties"]["telemetry_type"] == {"const": "latency"}
    assert latency["additionalProperties"] is False and "total_latency_ms" in latency["properties"]
    assert "telemetry_type" in latency["required"]


def test_profile_and_canonical_bundles_agree_on_every_case() -> None:
    every = cases()
    versions = available_versions()
    problems: list[str] = []
    checked = 0
    for case in every:
        for version in [case.version] if case.version else versions:
            canonical = validator(CANONICAL, version, case.type_name).is_valid(case.document)
            profile = validator(PROFILE, version, case.type_name).is_valid(case.document)
            checked += 1
            if canonical != profile:
                problems.append(f"{case.type_name} @ {version} {case.origin}: canonical {canonical}, "
                                f"profile {profile}\n    {json.dumps(case.document)[:300]}")
    assert checked > 10_000
    assert not problems, f"{len(problems)} of {checked} verdicts differ:\n" + "\n".join(problems[:30])


def test_date_time_calendar_pattern_equals_shape_plus_format_day_by_day() -> None:
    """The profile's date-time pattern = the canonical shape pattern + the date-time format check, under
    Python's regex engine and under pydantic's (Rust) one."""
    pydantic_string = TypeAdapter(Annotated[str, Field(pattern=DATE_TIME_CALENDAR)])
    checker = format_checker()
    checked = 0
    for year in (0, 1, 4, 100, 400, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 9999):
        for month in range(0, 14):
            for day in range(0, 33):
                for time in ("T10:30:00Z", "t23:59:59.5+05:30"):
                    text = f"{year:04d}-{month:02d}-{day:02d}{time}"
                    canonical = re.search(DATE_TIME_SHAPE, text) is not None and checker.conforms(text, "date-time")
                    assert (re.search(DATE_TIME_CALENDAR, text) is not None) == canonical, text
                    try:
                        pydantic_string.validate_python(text)
                        rust = True
                    except ValidationError:
                        rust = False
                    assert rust == canonical, text
                    checked += 1
    assert checked > 10_000


# enum, const and format are spelt by the profile's own forms (tags, Literal enums, format types)
VALUE_SHAPES = (*NUMBER_FACETS, *STRING_FACETS, *ARRAY_FACETS, *OBJECT_FACETS)


def facet_values(node: Any) -> set[tuple[str, str]]:
    """(keyword, value) of every value facet in a schema document (examples and defaults skipped)."""
    found: set[tuple[str, str]] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "$defs", "patternProperties") and isinstance(value, dict):
                for member in value.values():  # member names are not keywords ("pattern" is a member too)
                    found |= facet_values(member)
            elif key in VALUE_SHAPES:
                found.add((key, json.dumps(value)))
            elif key not in ("examples", "default", "const", "enum"):
                found |= facet_values(value)
    elif isinstance(node, list):
        for value in node:
            found |= facet_values(value)
    return found


def test_every_value_facet_of_the_canonical_schemas_reaches_the_profile() -> None:
    """Every facet reaches the profile through the IR: none may go missing."""
    for version in available_versions():
        schema_set = load_version(version)
        canonical = set().union(*(facet_values(document) for document in schema_set.documents.values()))
        profile = facet_values(json.loads((PROFILE / version / "_all.json").read_text(encoding="utf-8")))
        profile = {("pattern", json.dumps(DATE_TIME_SHAPE)) if f == ("pattern", json.dumps(DATE_TIME_CALENDAR))
                   else f for f in profile}
        assert canonical - profile == set(), version


def test_a_third_party_generator_reads_a_single_type_bundle(tmp_path: Path) -> None:
    """One profile bundle, on its own, through datamodel-code-generator with its default options: the
    tagged unions come out as discriminated unions, the models read the schema's example and refuse a
    payload whose tag names no variant."""
    source = tmp_path / "AnalyticsEvent.json"
    source.write_bytes((PROFILE / "1.0.0/events/AnalyticsEvent.json").read_bytes())
    out = tmp_path / "models"
    result = subprocess.run([sys.executable, "-m", "datamodel_code_generator", "--input", str(source),
                             "--input-file-type", "jsonschema", "--output-model-type", "pydantic_v2.BaseModel",
                             "--output", str(out), "--formatters", "black"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        events = importlib.import_module("models.events")
    finally:
        sys.path.remove(str(tmp_path))
    text = (out / "events.py").read_text(encoding="utf-8").replace("'", '"')
    assert 'discriminator="telemetry_type"' in text and 'discriminator="payload_type"' in text
    example = json.loads((CANONICAL / "1.0.0/events/AnalyticsEvent.json").read_text(encoding="utf-8"))["examples"][0]
    events.AnalyticsEvent.model_validate(example)
    wrong = json.loads(json.dumps(example))
    data = wrong["payload"]["data"]
    data[next(k for k in data if k.endswith("_type"))] = "no_such_variant"
    with pytest.raises(ValidationError):
        events.AnalyticsEvent.model_validate(wrong)
