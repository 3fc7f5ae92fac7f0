"""schemas/producer-output/<version>.json: how the producers write an optional member without a value
("omit" or "null"), owned by the schema authors, validated by `llm-hub check`, carried by the IR.

The facts are transcribed from MODEL.md. Two independent cross-checks: the schema descriptions (written
earlier, from the same source) say the same in prose, and the Rust round trip of every schema example
and producer-form corpus payload (tests/test_rust.py) is exact only if the facts are right.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llm_analytics_hub.codegen.ir import Field, ObjectType, build_version
from llm_analytics_hub.release import check_released, new_version
from llm_analytics_hub.schema_store import load_folder, load_version
from llm_analytics_hub.schema_view.output_form import optional_nullable_members, output_form, problems
from llm_analytics_hub.versions import available_versions

REPO_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
# How the descriptions of the repository's schemas say it (docs/schema-design.md asks them to).
SAYS_OMITTED = ("Omitted when", "skips it", "left out when")
SAYS_NULL = ("as null when", "always written", "always present")


def field_of(version: str, area: str, type_name: str, wire: str) -> Field:
    typedef = build_version(load_version(version)).area(area).get(type_name)
    assert isinstance(typedef, ObjectType)
    (found,) = [f for f in typedef.fields if f.wire == wire]
    return found


@pytest.mark.parametrize("version", available_versions(REPO_SCHEMAS))
def test_every_optional_member_that_may_be_null_has_its_output_form(version: str) -> None:
    schemas = load_version(version)
    form = output_form(schemas)
    assert form.exists and not form.problems
    assert form.when_none.keys() == optional_nullable_members(schemas).keys()
    counts = {value: list(form.when_none.values()).count(value) for value in ("omit", "null")}
    assert counts == {"omit": 60, "null": 48}, counts  # MODEL.md: 107 table rows + MetricValues' Gauge delta


@pytest.mark.parametrize("version", available_versions(REPO_SCHEMAS))
def test_the_descriptions_say_the_same(version: str) -> None:
    schemas = load_version(version)
    facts = output_form(schemas).when_none
    wrong = []
    for key, at in optional_nullable_members(schemas).items():
        text = str(at.schema.get("description", ""))
        omitted, null = any(p in text for p in SAYS_OMITTED), any(p in text for p in SAYS_NULL)
        if (omitted, null) != (facts[key] == "omit", facts[key] == "null"):
            wrong.append(f"{key}: {facts[key]} but the description says: {text}")
    assert not wrong, "\n".join(wrong)


def test_the_ir_carries_the_fact_to_every_field() -> None:
    assert field_of("1.0.0", "metrics", "ComponentMetric", "weight").when_none == "null"
    assert field_of("1.0.0", "metrics", "GaugeMetric", "previous_value").when_none == "omit"
    assert field_of("1.1.0", "metadata", "VisualizationConfig", "color_scheme").when_none == "null"
    assert field_of("1.1.0", "metadata", "VisualizationConfig", "axes").when_none == "omit"
    # a member merged from another schema keeps the fact of its own property (the flattened envelope)
    assert field_of("1.0.0", "events", "AnalyticsEvent", "correlation_id").when_none == "omit"
    # an inline union variant (MetricValues' Gauge shape, a generated helper type)
    assert field_of("1.0.0", "metrics", "MetricValuesVariant3", "delta").when_none == "null"
    # required and defaulted members are never left out for want of a value
    assert field_of("1.0.0", "metrics", "GaugeMetric", "name").when_none == "omit"


def copy_version(tmp_path: Path, version: str = "1.0.0") -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(REPO_SCHEMAS / version, root / version)
    (root / "producer-output").mkdir()
    shutil.copy(REPO_SCHEMAS / "producer-output" / f"{version}.json", root / "producer-output")
    return root


def edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LLM_HUB_SCHEMAS": str(root)}
    return subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "check"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_check_rejects_a_wrong_producer_output_file(tmp_path: Path) -> None:
    root = copy_version(tmp_path)
    sidecar = root / "producer-output" / "1.0.0.json"

    def plant(document: dict[str, Any]) -> None:
        facts = document["when_none"]
        facts["metrics/GaugeMetric.json#/$defs/fields/properties/previous_value"] = "skip"  # unknown value
        del facts["metrics/ComponentMetric.json#/properties/weight"]  # missing
        facts["metrics/GaugeMetric.json#/$defs/fields/properties/name"] = "null"  # a required member
        facts["metrics/GaugeMetric.json#/$defs/fields/properties/tags"] = "omit"  # defaulted, never null
        facts["metrics/NoSuchType.json#/properties/x"] = "omit"  # names nothing

    edit(sidecar, plant)
    result = run_check(root)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if "[producer-output]" in line]
    assert len(lines) == 5, result.stdout
    text = "\n".join(lines)
    assert "'skip' is neither \"omit\" nor \"null\"" in text
    assert "no entry for metrics/ComponentMetric.json#/properties/weight" in text
    for key in ("properties~1name", "properties~1tags", "NoSuchType.json"):
        assert any(key in line and "names no optional member that may be null" in line for line in lines), key
    assert "producer-output/1.0.0.json" in text


def test_check_requires_the_file(tmp_path: Path) -> None:
    root = copy_version(tmp_path)
    (root / "producer-output" / "1.0.0.json").unlink()
    result = run_check(root)
    assert result.returncode == 1
    assert "[producer-output] missing: 108 optional member(s) that may be null" in result.stdout, result.stdout


def test_a_new_member_needs_its_output_form(tmp_path: Path) -> None:
    root = copy_version(tmp_path)
    path = root / "1.0.0" / "metrics" / "ComponentMetric.json"
    edit(path, lambda d: d["properties"].update(
        {"unit": {"description": "Unit of the value.", "type": ["string", "null"]}}))
    missing = {message for _, _, message in problems(load_folder(root / "1.0.0"))}
    assert missing == {"no entry for metrics/ComponentMetric.json#/properties/unit: say \"omit\" or \"null\""}


def test_new_version_starts_with_the_facts_of_its_origin(tmp_path: Path) -> None:
    root = copy_version(tmp_path)
    new_version("1.0.1", root)
    copied = json.loads((root / "producer-output" / "1.0.1.json").read_text(encoding="utf-8"))
    assert copied["version"] == "1.0.1" and "schema version 1.0.1" in copied["$comment"]
    assert copied["when_none"] == output_form(load_version("1.0.0")).when_none
    assert not list(problems(load_folder(root / "1.0.1")))


def test_the_facts_leave_released_folders_untouched() -> None:
    """The file lives beside the version folders: released hashes (and so the bundles' digests) hold."""
    assert list(check_released(REPO_SCHEMAS)) == []
    assert not list((REPO_SCHEMAS / "1.0.0").rglob("producer-output*"))
