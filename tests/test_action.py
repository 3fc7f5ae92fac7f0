"""The composite GitHub Action: action.yml and its script, run with the environment a runner provides.

A pull request is rebuilt from git alone: an `origin` repository whose `main` holds the team's
schemas and events, a `feature` branch with the change, and a workspace cloned like
actions/checkout does it (one commit of the head branch, no origin/main). The script then runs as
the Action's last step runs it, with the INPUT_* variables action.yml passes (its defaults, unless
a test sets them) and GITHUB_WORKSPACE, GITHUB_BASE_REF, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from git_helpers import (
    EXAMPLES,
    ROOT,
    add_optional_member,
    commit_all,
    copy_schemas,
    edit_json,
    git,
    git_env,
    new_repo,
    remove_total_tokens,
    token_usage,
)
from validate_support import EVENT

from llm_analytics_hub.ci.summary import cell

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
RUN_STEP = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "run")


def input_env(name: str) -> str:
    return "INPUT_" + name.upper().replace("-", "_")


class Runner:
    """One pull request: origin with main, a feature branch, a shallow workspace, the runner's files."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.env = git_env(tmp_path / "home")
        self.origin = tmp_path / "origin.git"
        git(tmp_path, "init", "-q", "--bare", str(self.origin), env=self.env)
        self.author = new_repo(tmp_path / "author", self.env)
        copy_schemas(self.author / "schemas")
        (self.author / "events").mkdir()
        shutil.copy(EXAMPLES / "sample-events.ndjson", self.author / "events" / "day1.ndjson")
        commit_all(self.author, "schemas and events", self.env)
        git(self.author, "remote", "add", "origin", self.origin.as_uri(), env=self.env)
        git(self.author, "push", "-q", "origin", "main", env=self.env)
        git(self.author, "checkout", "-q", "-b", "feature", env=self.env)
        self.workspace = tmp_path / "workspace"
        self.summary = tmp_path / "runner" / "step_summary.md"
        self.output = tmp_path / "runner" / "output.txt"

    def pull_request(self, change: Callable[[Path], None]) -> None:
        change(self.author)
        commit_all(self.author, "the change under review", self.env)
        git(self.author, "push", "-q", "origin", "feature", env=self.env)
        git(self.tmp, "clone", "-q", "--depth=1", "--single-branch", "--branch", "feature", self.origin.as_uri(),
            str(self.workspace), env=self.env)

    def run(self, github_base_ref: str | None = "main", **inputs: str) -> subprocess.CompletedProcess[str]:
        self.summary.parent.mkdir(exist_ok=True)
        self.summary.write_text("")
        self.output.write_text("")
        env = {**self.env, "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.workspace),
               "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_OUTPUT": str(self.output),
               "RUNNER_TEMP": str(self.tmp / "runner"),
               "GITHUB_EVENT_NAME": "pull_request" if github_base_ref else "push"}
        if github_base_ref:
            env.update(GITHUB_BASE_REF=github_base_ref, GITHUB_HEAD_REF="feature")
        for name, spec in ACTION["inputs"].items():
            env[input_env(name)] = inputs.get(name.replace("-", "_"), str(spec.get("default", "")))
        # `run:` of the step invokes the module with the venv's python; here, this test's python
        module = RUN_STEP["run"].split(" -m ")[1].strip().strip("'\"")
        proc = subprocess.run([sys.executable, "-m", module], cwd=self.tmp, env=env, capture_output=True,
                              text=True, check=False, timeout=600)
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc

    def outputs(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text().splitlines())


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path)


def add_bad_events_and_break_schema(repo: Path) -> None:
    shutil.copy(EXAMPLES / "sample-events-with-mistakes.ndjson", repo / "events" / "day2.ndjson")
    edit_json(token_usage(repo / "schemas", "1.1.0"), remove_total_tokens)


def test_pull_request_with_invalid_events_and_a_breaking_change(runner: Runner) -> None:
    runner.pull_request(add_bad_events_and_break_schema)
    proc = runner.run(paths="events/*.ndjson\n  archive/**/*.json.gz")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert ("::error file=events/day2.ndjson,line=2,title=enum at /source_module::\"llm-costops\" is not one of"
            in out)
    assert out.count("::error file=events/day2.ndjson,") == 12  # every error of the 7 invalid documents
    assert "::warning title=llm-hub::no file matches archive/**/*.json.gz" in out
    assert ("::error file=schemas/1.1.0/events/TokenUsageMetrics.json,title=property-removed%3A "
            "events.TokenUsageMetrics::member 'total_tokens' removed (not backward compatible with 1.1.0 at "
            "origin/main)") in out
    token = re.search(r"^::stop-commands::(\w+)$", out, re.MULTILINE)
    assert token and f"\n::{token.group(1)}::\n" in out  # the quoted schema report cannot issue commands
    assert runner.outputs() == {"documents": "48", "valid": "41", "invalid": "7", "unreadable": "0",
                                "errors": "12", "compat": "breaking", "bump": "major", "exit-code": "1"}
    assert git(runner.workspace, "rev-parse", "--verify", "origin/main", env=runner.env)  # fetched on demand

    summary = runner.summary.read_text()
    assert "**Event files:** ❌ 7 of 48 documents invalid" in summary
    assert ("**Schema compatibility:** ❌ NOT backward compatible with origin/main: the change needs a new major "
            "version") in summary
    assert "| 48 | 41 | 7 | 0 | 12 |" in summary
    worst = [line for line in summary.splitlines() if line.startswith("| events/day2")]
    assert len(worst) == 10  # the ten worst of twelve errors: not JSON, unknown version, then in input order
    assert worst[0] == ("| events/day2\\.ndjson | 7 | \\(root\\) | parse | not valid JSON: unexpected end of "
                        "data at column 85 |")
    assert worst[1].startswith("| events/day2\\.ndjson | 6 | /schema\\_version | schema\\_version |")
    assert worst[2].startswith("| events/day2\\.ndjson | 1 | /payload/data | unevaluatedProperties |")
    assert "**Errors by keyword:** required 4, unevaluatedProperties 2, enum 2" in summary
    assert "| 1\\.1\\.0 | 1\\.1\\.0 at origin/main | major ❌ | 4 | 10 | 0 | 0 |" in summary
    assert ("| 1\\.1\\.0 | property\\-removed | events\\.TokenUsageMetrics | member 'total\\_tokens' removed |"
            in summary)


def test_clean_pull_request_passes(runner: Runner) -> None:
    def change(repo: Path) -> None:
        shutil.copy(EXAMPLES / "sample-events.ndjson", repo / "events" / "day2.ndjson")
        edit_json(token_usage(repo / "schemas", "1.1.0"), add_optional_member)

    runner.pull_request(change)
    proc = runner.run(paths="events/**/*.ndjson")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout
    assert "::notice title=llm-hub validate::80 documents: 80 valid, 0 invalid" in proc.stdout
    assert runner.outputs() == {"documents": "80", "valid": "80", "invalid": "0", "unreadable": "0",
                                "errors": "0", "compat": "compatible", "bump": "minor", "exit-code": "0"}
    summary = runner.summary.read_text()
    assert "**Event files:** ✅ all 80 documents valid" in summary
    assert "**Schema compatibility:** ✅ backward compatible with origin/main (bump: minor)" in summary
    assert "| 1\\.1\\.0 | 1\\.1\\.0 at origin/main | minor | 0 | 0 | 4 | 0 |" in summary  # 1 member, 4 types
    assert "Worst findings" not in summary and "Breaking changes" not in summary


def test_push_build_skips_compat_unless_required(runner: Runner) -> None:
    runner.pull_request(add_bad_events_and_break_schema)
    proc = runner.run(github_base_ref=None, paths="events/day1.ndjson")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert runner.outputs()["compat"] == "skipped"
    assert "⏭️ skipped: not a pull request and no base\\-ref given" in runner.summary.read_text()

    required = runner.run(github_base_ref=None, paths="events/day1.ndjson", compat="true")
    assert required.returncode == 2
    assert runner.outputs()["compat"] == "error"


def test_base_ref_input_and_unreadable_inputs(runner: Runner) -> None:
    runner.pull_request(add_bad_events_and_break_schema)
    git(runner.workspace, "fetch", "-q", "--depth=1", "origin", "main", env=runner.env)
    proc = runner.run(github_base_ref=None, base_ref="FETCH_HEAD", paths="events/day1.ndjson missing.ndjson")
    assert proc.returncode == 2  # the unreadable input outranks the breaking change
    assert "::error file=missing.ndjson::missing.ndjson: cannot read" in proc.stdout
    outputs = runner.outputs()
    assert (outputs["unreadable"], outputs["compat"], outputs["exit-code"]) == ("1", "breaking", "2")
    summary = runner.summary.read_text()
    assert "| missing\\.ndjson |  | \\(root\\) | unreadable | missing\\.ndjson: cannot read:" in summary


def test_hostile_member_names_stay_inside_their_cells(runner: Runner) -> None:
    hostile = "a|b <script>alert(1)</script> `x` [l](http://e) \n## heading **bold**"
    runner.pull_request(lambda repo: (repo / "events" / "odd.json").write_text(json.dumps({**EVENT, hostile: 1})))
    proc = runner.run(paths="events/odd.json", compat="false")
    assert proc.returncode == 1
    summary = runner.summary.read_text()
    assert "<script>" not in summary and "\n## heading" not in summary
    rows = [line for line in summary.splitlines() if line.startswith("| events/odd")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows)  # five cells, no more


def test_paths_one_per_line_may_hold_spaces(runner: Runner) -> None:
    def change(repo: Path) -> None:
        shutil.copy(EXAMPLES / "sample-events.ndjson", repo / "events" / "day 2 (copy).ndjson")

    runner.pull_request(change)
    proc = runner.run(paths="events/day 2 (copy).ndjson\nevents/day1.ndjson\n", compat="false")
    assert proc.returncode == 0, proc.stdout
    assert runner.outputs()["documents"] == "80"


@pytest.mark.parametrize("text", ["a|b", "<img src=x onerror=1>", "`code`", "line\nbreak", "\\|", "*_[]()#!", "$x$"])
def test_cell_is_inert(text: str) -> None:
    escaped = cell(text)
    assert "\n" not in escaped and "<" not in escaped
    assert not re.search(r"(?<!\\)[|`*_\[\]$]", escaped.replace("\\\\", ""))


def test_bad_input_is_one_annotation_and_exit_2(runner: Runner) -> None:
    runner.pull_request(lambda repo: None)
    proc = runner.run(paths="events/day1.ndjson", compat="sometimes")
    assert proc.returncode == 2
    assert proc.stdout == "::error title=llm-hub::input compat must be auto, true or false, not 'sometimes'\n"
    unknown = runner.run(paths="events/day1.ndjson", schema="NoSuchType")
    assert unknown.returncode == 2 and unknown.stdout.startswith("::error title=llm-hub::")


def test_action_yml_passes_every_input_and_maps_every_output(runner: Runner) -> None:
    assert ACTION["runs"]["using"] == "composite"
    env: dict[str, Any] = RUN_STEP["env"]
    assert env == {input_env(name): f"${{{{ inputs.{name} }}}}" for name in ACTION["inputs"]
                   if name != "python-version"}
    install = "\n".join(step.get("run", "") for step in ACTION["runs"]["steps"])
    assert '-m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in install
    assert {name: spec["value"] for name, spec in ACTION["outputs"].items()} == \
        {name: f"${{{{ steps.run.outputs.{name} }}}}" for name in ACTION["outputs"]}
    runner.pull_request(lambda repo: None)
    runner.run(paths="events/day1.ndjson")
    assert set(runner.outputs()) == set(ACTION["outputs"])  # the script writes exactly the declared outputs


def test_readme_workflow_uses_only_declared_inputs() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    (workflow,) = [yaml.safe_load(b) for b in blocks if b.startswith("on: pull_request")]
    (step,) = [s for s in workflow["jobs"]["contract"]["steps"] if "llm-analytics-hub" in s.get("uses", "")]
    assert set(step["with"]) <= set(ACTION["inputs"])
    used = re.findall(r"steps\.hub\.outputs\.([\w-]+)", yaml.safe_dump(workflow))
    assert used and set(used) <= set(ACTION["outputs"])
