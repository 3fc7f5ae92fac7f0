"""Bundles: self-contained, listed in the manifest, and giving the canonical schemas' verdicts."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from llm_analytics_hub.formats import format_checker
from llm_analytics_hub.schema_store import load_version

REPO = Path(__file__).resolve().parents[1]
BUNDLES = REPO / "generated" / "jsonschema"
CORPUS = REPO / "schemas" / "corpus"
SCHEMAS = load_version("1.0.0")


def manifest() -> dict[str, Any]:
    return dict(json.loads((BUNDLES / "index.json").read_text(encoding="utf-8")))


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_manifest_lists_every_type_with_hash() -> None:
    data = manifest()
    assert data["versions"][:2] == ["1.0.0", "1.1.0"]
    rows = {(r["version"], r["qualified"]): r for r in data["types"]}
    assert sum(1 for version, _ in rows if version == "1.0.0") == len(SCHEMAS.types) == 183
    for entry in SCHEMAS.types:
        row = rows[("1.0.0", entry.qualified)]
        path = BUNDLES / row["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]


def test_bundles_are_self_contained() -> None:
    for row in manifest()["types"]:
        bundle = json.loads((BUNDLES / row["path"]).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(bundle)
        assert all(ref.startswith("#") for ref in refs(bundle)), row["path"]


def payloads() -> list[Any]:
    cases = [pytest.param(entry.qualified, example, True, id=f"{entry.qualified}-example")
             for entry in SCHEMAS.types for example in entry.examples]
    for path in sorted((CORPUS / "1.0.0").glob("*.json")) if CORPUS.is_dir() else []:
        for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            cases.append(pytest.param(case["type"], case["payload"], None, id=f"{path.name}[{index}]"))
    return cases


@pytest.mark.parametrize(("type_name", "payload", "expected"), payloads())
def test_bundle_verdict_equals_canonical(type_name: str, payload: Any, expected: bool | None) -> None:
    entry = SCHEMAS.lookup(type_name)
    row = next(r for r in manifest()["types"] if r["qualified"] == entry.qualified)
    bundle = json.loads((BUNDLES / row["path"]).read_text(encoding="utf-8"))
    canonical = SCHEMAS.reference_validator(entry)
    bundled = Draft202012Validator(bundle, format_checker=format_checker())
    canonical_errors = sorted((list(e.absolute_path), e.validator) for e in canonical.iter_errors(payload))
    bundled_errors = sorted((list(e.absolute_path), e.validator) for e in bundled.iter_errors(payload))
    assert bundled_errors == canonical_errors
    if expected is not None:
        assert not canonical_errors


@pytest.mark.skipif(shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent)) is None,
                    reason="datamodel-code-generator not installed")
def test_a_third_party_generator_reads_a_bundle(tmp_path: Path) -> None:
    """The bundles are what other tools consume: datamodel-code-generator reads one without the repo."""
    source = tmp_path / "LatencyMetrics.json"
    shutil.copy(BUNDLES / "1.0.0/events/LatencyMetrics.json", source)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "datamodel-codegen"), "--input", str(source),
         "--input-file-type", "jsonschema", "--output-model-type", "typing.TypedDict",
         "--disable-timestamp", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    text = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.py"))
    assert "total_latency_ms" in text and "queue_time_ms" in text
