"""`llm-hub compat-base`: a schema change against the schemas of a git revision, through the real CLI.

Each test builds a git repository holding a copy of this repository's schema tree, commits it,
changes it the way a schema author would, and reads the verdict and the exit code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from git_helpers import (
    add_optional_member,
    commit_all,
    copy_schemas,
    edit_json,
    git,
    git_env,
    llm_hub,
    new_repo,
    remove_total_tokens,
    token_usage,
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return git_env(tmp_path / "home")


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A repository whose last commit holds the schema tree (1.0.0, 1.1.0, corpus)."""
    path = new_repo(tmp_path / "repo", env)
    copy_schemas(path / "schemas")
    commit_all(path, "schemas", env)
    return path


def test_unchanged_schemas_compare_nothing(repo: Path, env: dict[str, str]) -> None:
    proc = llm_hub("compat-base", cwd=repo, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["comparing schemas with its state at HEAD",
                                        "no version folder changed since HEAD", "backward compatible"]


def test_compatible_change_to_a_version_passes(repo: Path, env: dict[str, str]) -> None:
    edit_json(token_usage(repo / "schemas", "1.1.0"), add_optional_member)
    proc = llm_hub("compat-base", cwd=repo, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "== 1.1.0 against 1.1.0 at HEAD" in proc.stdout
    assert "property-added-optional" in proc.stdout and "reasoning_tokens_hint" in proc.stdout
    assert "verdict: minor (backward compatible)" in proc.stdout
    assert "1.0.0" not in proc.stdout.split("\n", 1)[1]  # the unchanged folder is not compared


def test_breaking_change_to_a_version_fails(repo: Path, env: dict[str, str]) -> None:
    edit_json(token_usage(repo / "schemas", "1.0.0"), remove_total_tokens)
    proc = llm_hub("compat-base", "--format", "json", cwd=repo, env=env)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["backward_compatible"], report["verdict"], report["base"]) == (False, "major", "HEAD")
    (comparison,) = report["comparisons"]
    assert (comparison["version"], comparison["against"]) == ("1.0.0", "1.0.0 at HEAD")
    removed = [c for c in comparison["report"]["changes"] if c["rule"] == "property-removed"]
    assert "events.TokenUsageMetrics" in [c["type"] for c in removed]
    assert comparison["report"]["empirical"]["counterexamples"]  # corpus payloads with total_tokens now fail


def test_new_minor_is_compared_with_its_predecessor(repo: Path, env: dict[str, str]) -> None:
    schemas = repo / "schemas"
    created = llm_hub("new-version", "1.2.0", cwd=repo, env={**env, "LLM_HUB_SCHEMAS": str(schemas)})
    assert created.returncode == 0, created.stderr
    edit_json(token_usage(schemas, "1.2.0"), remove_total_tokens)
    proc = llm_hub("compat-base", "--no-empirical", cwd=repo, env=env)
    assert proc.returncode == 1
    assert "== 1.2.0 against 1.1.0" in proc.stdout
    assert "property-removed" in proc.stdout
    assert proc.stdout.endswith("NOT backward compatible with HEAD: this change needs a new major version\n")


def test_new_major_may_break(repo: Path, env: dict[str, str]) -> None:
    schemas = repo / "schemas"
    assert llm_hub("new-version", "2.0.0", cwd=repo, env={**env, "LLM_HUB_SCHEMAS": str(schemas)}).returncode == 0
    edit_json(token_usage(schemas, "2.0.0"), remove_total_tokens)
    proc = llm_hub("compat-base", cwd=repo, env=env)
    assert proc.returncode == 0, proc.stdout
    assert "== 2.0.0: new major version, nothing to compare with" in proc.stdout


def test_removing_a_version_is_breaking(repo: Path, env: dict[str, str]) -> None:
    shutil.rmtree(repo / "schemas" / "1.1.0")
    proc = llm_hub("compat-base", cwd=repo, env=env)
    assert proc.returncode == 1
    assert "== 1.1.0: removed (present at HEAD)" in proc.stdout


def test_first_commit_compares_each_version_with_its_predecessor(tmp_path: Path, env: dict[str, str]) -> None:
    repo = new_repo(tmp_path / "fresh", env)
    schemas = copy_schemas(repo / "custom" / "contracts")
    edit_json(token_usage(schemas, "1.1.0"), remove_total_tokens)
    proc = llm_hub("compat-base", "--schemas", "custom/contracts", "--no-empirical", cwd=repo, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "(no schema folder at HEAD: every version is new)" in proc.stdout.splitlines()[0]
    assert "== 1.0.0: new major version" in proc.stdout and "== 1.1.0 against 1.0.0" in proc.stdout


def test_base_branch_of_a_clone(tmp_path: Path, repo: Path, env: dict[str, str]) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone), env=env)
    git(clone, "checkout", "-q", "-b", "feature", env=env)
    edit_json(token_usage(clone / "schemas", "1.1.0"), remove_total_tokens)
    commit_all(clone, "drop total_tokens", env)
    assert llm_hub("compat-base", "--no-empirical", cwd=clone, env=env).returncode == 0  # HEAD has the change
    proc = llm_hub("compat-base", "--no-empirical", "--base", "origin/main", cwd=clone, env=env)
    assert proc.returncode == 1
    assert "== 1.1.0 against 1.1.0 at origin/main" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--base", "no-such-branch"), "unknown git revision 'no-such-branch'"),
    (("--schemas", "nowhere"), "--schemas nowhere: no such folder"),
])
def test_bad_input_is_one_line_and_exit_2(repo: Path, env: dict[str, str], args: tuple[str, ...],
                                          message: str) -> None:
    proc = llm_hub("compat-base", *args, cwd=repo, env=env)
    assert proc.returncode == 2
    *before, error = proc.stderr.splitlines()  # before it at most the line naming the schemas used
    assert error.startswith("llm-hub: error:") and message in error, proc.stderr
    assert all(line.startswith("llm-hub: schemas ") for line in before) and len(before) <= 1, proc.stderr


def test_outside_a_git_repository(tmp_path: Path, env: dict[str, str]) -> None:
    copy_schemas(tmp_path / "loose" / "schemas")
    proc = llm_hub("compat-base", cwd=tmp_path / "loose", env={**env, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1].startswith(
        "llm-hub: error: git rev-parse --show-toplevel: fatal: not a git repository"), proc.stderr
