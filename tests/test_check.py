"""`llm-hub check` on a copy of schemas/ with planted defects (the command line, as a user runs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
VERSION = "1.0.0"


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LLM_HUB_SCHEMAS": str(root)}
    return subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "check"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture
def schemas_copy(tmp_path: Path) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(REPO_SCHEMAS, root)
    return root


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def refs(node: Any, at: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object holding a `$ref`, with its JSON pointer."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield at, node
        for key, value in node.items():
            if key not in ("examples", "default", "const", "enum"):
                yield from refs(value, f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from refs(value, f"{at}/{index}")


def test_clean_copy_passes(schemas_copy: Path) -> None:
    result = run_check(schemas_copy)
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stderr


def test_broken_ref_used_by_examples_is_reported(schemas_copy: Path) -> None:
    path = schemas_copy / VERSION / "events" / "LatencyMetrics.json"
    document = load(path)
    at, node = next((p, n) for p, n in refs(document) if n["$ref"].startswith("LatencyBreakdown.json"))
    node["$ref"] = "LatencyBreakdwn.json"
    save(path, document)
    result = run_check(schemas_copy)
    assert result.returncode == 1, describe(result)
    assert f"events/LatencyMetrics.json#{at}/$ref" in result.stdout, describe(result)
    assert "LatencyBreakdwn.json" in result.stdout


def test_broken_ref_is_reported_with_file_and_pointer(schemas_copy: Path) -> None:
    path = schemas_copy / VERSION / "metadata" / "OwnerInfo.json"
    document = load(path)
    document.setdefault("$defs", {})["planted"] = {"description": "planted by the test", "$ref": "OwnerInfoo.json"}
    save(path, document)
    result = run_check(schemas_copy)
    assert result.returncode == 1, describe(result)
    assert "metadata/OwnerInfo.json#/$defs/planted/$ref" in result.stdout, describe(result)
    assert "Traceback" not in result.stderr


def test_ref_to_a_remote_uri_is_a_finding_not_a_download(schemas_copy: Path) -> None:
    path = schemas_copy / VERSION / "api" / "SortOrder.json"
    document = load(path)
    document.setdefault("$defs", {})["remote"] = {"$ref": "https://json-schema.org/draft/2020-12/schema-x"}
    save(path, document)
    result = run_check(schemas_copy)
    assert result.returncode == 1, describe(result)
    assert "api/SortOrder.json#/$defs/remote/$ref" in result.stdout, describe(result)


def test_invalid_example_is_reported_with_file(schemas_copy: Path) -> None:
    path = schemas_copy / VERSION / "events" / "LatencyMetrics.json"
    document = load(path)
    document["examples"][0]["total_latency_ms"] = "slow"
    save(path, document)
    result = run_check(schemas_copy)
    assert result.returncode == 1, describe(result)
    assert "events/LatencyMetrics.json#/examples/0" in result.stdout, describe(result)
    assert "total_latency_ms" in result.stdout


def test_file_that_is_not_json_is_reported_with_file_and_line(schemas_copy: Path) -> None:
    path = schemas_copy / VERSION / "events" / "Broken.json"
    path.write_text('{\n  "title": "Broken",\n  oops\n}\n', encoding="utf-8")
    result = run_check(schemas_copy)
    assert result.returncode == 1, describe(result)
    lines = [line for line in result.stdout.splitlines() if "events/Broken.json" in line]
    assert lines and "line 3" in lines[0], describe(result)
    assert "Traceback" not in result.stderr


def test_unknown_schema_root_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_check(tmp_path / "no-such-folder")
    assert result.returncode == 2, describe(result)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, describe(result)
    assert "no-such-folder" in result.stderr
    assert "Traceback" not in result.stderr
