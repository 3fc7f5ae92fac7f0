"""The empirical half of the gate, the `llm-hub compat` command, and the gate inside `llm-hub check`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from compat_helpers import Docs, planted_pair, props

from llm_analytics_hub.cli import main
from llm_analytics_hub.compat.report import compare, compare_dirs, load_version_dir
from llm_analytics_hub.compat.sample import Sampler, from_regex
from llm_analytics_hub.schema_view.views import locate

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"


def anyof_to_oneof(d: Docs) -> None:
    value = d["events/Value.json"]
    value["oneOf"] = value.pop("anyOf")


def test_empirical_finds_what_the_static_rules_miss(tmp_path: Path) -> None:
    # number | u32 | string as a oneOf: every non-negative integer now matches two variants.
    old_dir, new_dir = planted_pair(tmp_path, anyof_to_oneof)
    static_only = compare_dirs(old_dir, new_dir, empirical=False)
    assert static_only.compatible, [c.as_dict() for c in static_only.changes]
    report = compare_dirs(old_dir, new_dir, samples=40)
    assert not report.compatible and report.verdict == "major"
    assert report.empirical is not None
    rules = {c.rule for c in report.empirical.counterexamples}
    assert "union-variants-overlap" in rules
    example = next(c for c in report.empirical.counterexamples if c.rule == "union-variants-overlap")
    assert isinstance(example.payload, int) or example.instance_path


def test_empirical_confirms_a_static_breaking_change(tmp_path: Path) -> None:
    old_dir, new_dir = planted_pair(tmp_path, lambda d: d["common.json"]["$defs"]["u32"].update(maximum=100))
    report = compare_dirs(old_dir, new_dir, samples=30)
    assert report.empirical is not None
    assert any(c.rule == "maximum-tightened" for c in report.empirical.counterexamples)


def test_generated_payloads_are_valid_under_their_schema() -> None:
    schemas = load_version_dir(SCHEMAS / "1.1.0")
    report = compare(schemas, schemas, samples=6)
    assert report.empirical is not None
    assert report.empirical.counterexamples == []
    assert report.empirical.generated_rejected_by_old == 0  # the generator reads the schemas exactly


def test_sampler_is_deterministic() -> None:
    schemas = load_version_dir(SCHEMAS / "1.1.0")
    at = locate(schemas, "events/AnalyticsEvent.json")
    assert at is not None
    first = [Sampler(seed).sample(at) for seed in range(5)]
    assert first == [Sampler(seed).sample(at) for seed in range(5)]


def test_regex_generator() -> None:
    import random
    import re

    rng = random.Random(1)
    for pattern in ("^[0-9a-f]{32}$", "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                    "^(?:ab|cd)+x?$"):
        for _ in range(20):
            assert re.search(pattern, from_regex(pattern, rng))


def test_cli_repo_versions_are_a_minor() -> None:
    result = CliRunner().invoke(main, ["compat", str(SCHEMAS / "1.0.0"), str(SCHEMAS / "1.1.0")])
    assert result.exit_code == 0, result.output
    assert "verdict: minor (backward compatible)" in result.output
    assert "property-added-optional" in result.output


def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    old_dir, new_dir = planted_pair(tmp_path, lambda d: props(d)["level"].update(enum=["low"]))
    result = CliRunner().invoke(main, ["compat", str(old_dir), str(new_dir), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "major" and data["backward_compatible"] is False
    change = next(c for c in data["changes"] if c["rule"] == "enum-value-removed")
    assert set(change) == {"rule", "type", "old", "new", "kind", "message"}
    missing = CliRunner().invoke(main, ["compat", str(tmp_path / "nope"), str(new_dir)])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LLM_HUB_SCHEMAS": str(root)}
    return subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "check"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_check_rejects_an_illegal_minor(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    leaf = root / "1.1.0" / "events" / "LatencyMetrics.json"
    document = json.loads(leaf.read_text(encoding="utf-8"))
    document["$defs"]["fields"]["required"].append("ttft_ms")
    document["examples"] = [e for e in document["examples"] if "ttft_ms" in e]
    leaf.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_check(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[compat]" in result.stdout and "property-made-required" in result.stdout
    assert "LatencyMetrics" in result.stdout
