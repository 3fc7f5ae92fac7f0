"""schemas/producer-output/<version>.json: how the producers write an optional member without a value
("omit" or "null"), owned by the schema authors, validated by `llm-hub check`, carried by the IR.

The facts are transcribed from MODEL.md. Two independent cross-checks: the schema descriptions (written
earlier, from the same source) say the same in prose, and the Rust round trip of every schema example
and producer-form corpus payload (tests/test_rust.py) is exact only if the facts are right.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from llm_analytics_hub import runtime
from llm_analytics_hub.codegen.ir import Field, ObjectType, Version, build_version
from llm_analytics_hub.release import check_released, new_version
from llm_analytics_hub.schema_store import TypeEntry, load_folder, load_version
from llm_analytics_hub.schema_view.output_form import optional_nullable_members, output_form, problems
from llm_analytics_hub.versions import available_versions

REPO_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
# How the descriptions of the repository's schemas say it (docs/schema-design.md asks them to).
SAYS_OMITTED = ("Omitted when", "skips it", "left out when")
SAYS_NULL = ("as null when", "always written", "always present")


@cache
def ir(version: str) -> Version:
    return build_version(load_version(version))


def field_of(version: str, area: str, type_name: str, wire: str) -> Field:
    typedef = ir(version).area(area).get(type_name)
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
    (found,) = problems(load_folder(root / "1.0.0"))
    assert found[2].startswith("missing: 108 optional member(s) that may be null"), found


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


# --- the Python models: objects built in code are written in the producers' form ----------------

def rebuilt(value: Any) -> Any:
    """The same value as objects built in code (no memory of the document it was read from)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value)(**{f.name: rebuilt(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, list):
        return [rebuilt(item) for item in value]
    if isinstance(value, dict):
        return {key: rebuilt(item) for key, item in value.items()}
    return value


def producer_documents() -> list[Any]:
    """Every schema example and every valid corpus payload not marked as input form (tests/test_rust.py)."""
    found = []
    for version in available_versions(REPO_SCHEMAS):
        for entry in load_version(version).types:
            found += [pytest.param(entry, example, id=f"{version}:{entry.qualified}[{index}]")
                      for index, example in enumerate(entry.examples)]
        for path in sorted((REPO_SCHEMAS / "corpus" / version).glob("*.valid.json")):
            for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                if "input form" not in case.get("note", ""):
                    found.append(pytest.param(load_version(version).lookup(case["type"]), case["payload"],
                                              id=f"{version}:{path.name}[{index}]"))
    return found


def test_objects_built_in_code_are_written_in_the_producers_form() -> None:
    from llm_analytics_hub.models.v1_0_0 import metrics

    built = metrics.CrossModuleMetrics(cost_per_request=0.02)
    assert built.to_dict() == {"cost_per_request": 0.02, "error_adjusted_throughput": None,
                               "compliance_weighted_performance": None, "security_adjusted_cost_efficiency": None,
                               "system_health_score": None}
    stats = metrics.StatisticalMeasures(avg=1.0, min=1.0, max=1.0, p50=1.0, p95=1.0, p99=1.0, count=1, sum=1.0)
    assert "stddev" not in stats.to_dict()  # skip_serializing_if: left out
    # read from a document, what was read comes back: absent stays absent, null stays null
    read = metrics.ComponentMetric.from_dict({"name": "n", "source_module": "s", "value": 1.0})
    assert read.to_dict() == {"name": "n", "source_module": "s", "value": 1.0}
    assert dataclasses.replace(read).to_dict()["weight"] is None  # a copy made in code is built in code


@pytest.mark.parametrize(("entry", "document"), producer_documents())
def test_every_producer_document_rebuilt_in_code_is_written_back_exactly(entry: TypeEntry, document: Any) -> None:
    module = importlib.import_module(f"llm_analytics_hub.models.v{entry.version.replace('.', '_')}.{entry.area}")
    model_type = getattr(module, entry.name)
    value = runtime.from_dict(model_type, document)
    union = not (isinstance(model_type, type) and issubclass(model_type, runtime.Model))
    written = runtime.to_dict(rebuilt(value), model_type if union else None)
    assert written == document
