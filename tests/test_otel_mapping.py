"""schemas/otel-mapping/<version>.json: `llm-hub check` reads it against the IR."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from llm_analytics_hub.otel.mapping import load_mapping
from llm_analytics_hub.otel.mapping_check import problems
from llm_analytics_hub.release import new_version
from llm_analytics_hub.schema_store import load_folder

REPO_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def copy_schemas(tmp_path: Path) -> Path:
    root = tmp_path / "schemas"
    for folder in ("1.0.0", "1.1.0", "producer-output", "otel-mapping"):
        shutil.copytree(REPO_SCHEMAS / folder, root / folder)
    return root


def edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def messages(root: Path, version: str = "1.1.0") -> list[str]:
    return [f"{pointer}: {message}" for _, pointer, message in problems(load_folder(root / version, version))]


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_the_mapping_of_every_version_is_clean(version: str) -> None:
    assert not list(problems(load_folder(REPO_SCHEMAS / version, version)))
    assert load_mapping(version, REPO_SCHEMAS).version == version


def test_check_names_what_is_wrong(tmp_path: Path) -> None:
    root = copy_schemas(tmp_path)

    def plant(document: dict[str, Any]) -> None:
        members = document["events"][0]["members"]
        members["cache_writ_input_tokens"] = members.pop("cache_write_input_tokens")  # no such member
        members["provider"] = "no_such_fact"
        members["total_tokens"] = "provider"  # a string fact into a u32 member
        document["facts"]["streaming"]["from"].append({"attribute": "llm.not_registered"})
        document["facts"]["model_id"]["derive"] = "guess"
        document["events"][1]["variant"] = ["telemetry", "throughput"]
        del document["events"][2]["members"]["window_duration_seconds"]  # a required member left out

    edit(root / "otel-mapping" / "1.1.0.json", plant)
    found = "\n".join(messages(root))
    assert "events.TokenUsageMetrics has no member 'cache_writ_input_tokens'" in found
    assert "names no fact 'no_such_fact'" in found
    assert "/events/0/members/total_tokens: a string fact cannot fill this member" in found
    assert "'llm.not_registered' is not in the attribute registry" in found
    assert "'guess' is not a derivation the mapper knows" in found
    assert "['telemetry', 'throughput'] does not lead from AnalyticsEvent.payload to events.LatencyMetrics" in found
    assert "required member 'window_duration_seconds' of events.ErrorRateMetrics has no rule" in found
    # the members whose descriptions name an attribute, now unmapped
    assert ("events.TokenUsageMetrics member cache_write_input_tokens names "
            "`gen_ai.usage.cache_creation.input_tokens`") in found
    assert "events.TokenUsageMetrics member provider names `gen_ai.provider.name`" in found


def test_a_member_that_names_an_attribute_needs_a_mapping(tmp_path: Path) -> None:
    root = copy_schemas(tmp_path)
    edit(root / "1.1.0" / "events" / "ThroughputMetrics.json", lambda d: d["$defs"]["fields"]["properties"].update(
        {"provider": {"description": "Provider; OpenTelemetry GenAI attribute `gen_ai.provider.name`.",
                      "type": "string"}}))
    assert messages(root) == [
        "/described: events.ThroughputMetrics member provider names `gen_ai.provider.name` in its description, but no "
        "entry maps it from that attribute (add one to events, envelope or described)"]
    (root / "otel-mapping" / "1.1.0.json").unlink()
    (missing,) = messages(root)
    assert missing.startswith(": missing: ") and "need a mapping" in missing


def test_new_version_starts_with_the_mapping_of_its_origin(tmp_path: Path) -> None:
    root = copy_schemas(tmp_path)
    new_version("1.2.0", root)
    copied = json.loads((root / "otel-mapping" / "1.2.0.json").read_text(encoding="utf-8"))
    assert copied["version"] == "1.2.0" and "schema version 1.2.0" in copied["$comment"]
    assert not messages(root, "1.2.0")
