"""`llm-hub generate`: the committed tree is current, staleness is caught with a diff, output is deterministic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llm_analytics_hub.versions import available_versions

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "generated"
OWNED = ("python/llm_analytics_hub/models", "python/llm_analytics_hub/typeddicts", "docs", "jsonschema",
         "jsonschema-codegen", "python/llm_analytics_hub/pydantic")


def run_generate(*args: str, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    env.pop("LLM_HUB_SCHEMAS", None)
    return subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "generate", *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for owned in OWNED for p in sorted((root / owned).rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_committed_tree_is_current() -> None:
    result = run_generate("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_planted_edit_is_reported_with_a_diff(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy)
    target = copy / "python/llm_analytics_hub/models/v1_0_0/events.py"
    target.write_text(target.read_text().replace("class LatencyMetrics:", "class LatencyMetrics:  # edited"))
    (copy / "docs/1.0.0/stray.md").write_text("not generated\n")
    (copy / "jsonschema/1.0.0/events/Severity.json").unlink()
    result = run_generate("--check", "--output", str(copy))
    assert result.returncode == 1
    assert "--- generated/python/llm_analytics_hub/models/v1_0_0/events.py (on disk)" in result.stdout
    assert "-class LatencyMetrics:  # edited" in result.stdout
    assert "+class LatencyMetrics:" in result.stdout
    assert "events.py: differs" in result.stderr
    assert "stray.md: not generated" in result.stderr
    assert "Severity.json: missing" in result.stderr
    assert "llm-hub generate" in result.stderr
    # --check wrote nothing
    assert "# edited" in target.read_text()
    assert not (copy / "jsonschema/1.0.0/events/Severity.json").exists()


def test_generation_is_byte_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out, seed in ((first, "1"), (second, "4242")):
        result = run_generate("--output", str(out), seed=seed)
        assert result.returncode == 0, result.stderr
    a, b = tree(first), tree(second)
    assert a == b
    assert a == tree(GENERATED), "a fresh generation differs from the committed generated/ tree"
    # rerunning over an up-to-date tree writes nothing
    again = run_generate("--output", str(first))
    assert "wrote 0 file(s), removed 0" in again.stdout


def test_headers_name_sources_and_hashes_without_timestamps() -> None:
    text = (GENERATED / "python/llm_analytics_hub/models/v1_0_0/events.py").read_text()
    head = text[:4000]
    assert "DO NOT EDIT" in head
    assert "1.0.0/events/AnalyticsEvent.json" in head
    assert any(len(word) == 64 for word in head.split())
    assert "generated at" not in text.lower() and "timestamp:" not in head.lower()


def test_unknown_schema_root_is_a_usage_error(tmp_path: Path) -> None:
    result = run_generate("--schemas", str(tmp_path / "nope"), "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("llm-hub: error:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["models", "typeddicts", "pydantic"])
def test_every_version_has_a_package(kind: str) -> None:
    versions = available_versions(REPO / "schemas")
    for version in versions:
        package = GENERATED / "python/llm_analytics_hub" / kind / ("v" + version.replace(".", "_"))
        assert (package / "__init__.py").is_file()
        assert not (GENERATED / "python/llm_analytics_hub/__init__.py").exists()
