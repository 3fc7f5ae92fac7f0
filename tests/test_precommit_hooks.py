"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit in temporary git repositories.

The hook repository is a committed snapshot of this working tree (uncommitted edits included), so
pre-commit installs exactly the code under test as a python hook from a local clone; pip fetches
only its dependencies. `pre-commit try-repo` always installs into a fresh temporary store (that is
how pre-commit implements it), so it runs twice, each time with every hook: once on a commit that
must pass, once on one that must fail. The runs with a `.pre-commit-config.yaml` (file patterns
and arguments configured) share one store, PRE_COMMIT_HOME, for the whole test session. The three
installs run at once: each mostly waits on pip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
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
    llm_hub,
    new_repo,
    remove_total_tokens,
    token_usage,
)

from llm_analytics_hub.schema_store import load_version

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
USAGE = load_version("1.0.0").lookup("TokenUsageMetrics").examples[0]
HOOK_NAMES = {"llm-hub-validate": "llm-hub validate (event files)", "llm-hub-check": "llm-hub check (lint schemas)",
              "llm-hub-compat": "llm-hub compat (refuse incompatible schema changes)"}


@pytest.fixture(scope="session")
def session_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-session")
    # pre-commit installs the hook repository with pip, whose build hook would compile the native checker in
    # release three times at once, from nothing, each in its clone's own target folder (10-15 minutes of the
    # suite on 2 cores): the hooks are tested with the pure package, whose verdicts are the native checker's
    # (tests/test_native_checker.py, test_validate_differential.py); test_packaging.py tests the native builds.
    return {**git_env(home / "git"), "PRE_COMMIT_HOME": str(home / "store"), "PRE_COMMIT_COLOR": "never",
            "LLM_HUB_BUILD_NATIVE": "0"}


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, session_env: dict[str, str]) -> tuple[Path, str]:
    """(path, commit) of a snapshot of this working tree: tracked and new files, not ignored ones."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet staged is listed and absent
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    new_repo(snapshot, session_env)
    return snapshot, commit_all(snapshot, "snapshot of the working tree under test", session_env)


def pre_commit(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*PRE_COMMIT, *args], cwd=repo, env=env, capture_output=True, text=True, check=False,
                          timeout=900)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def verdicts(output: str) -> dict[str, str]:
    """Hook name -> Passed / Failed / Skipped, from pre-commit's status lines."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^(.*?)\.{3,}(?:\(no files to check\))?(Passed|Failed|Skipped)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def consumer_repo(path: Path, env: dict[str, str]) -> Path:
    """A team's repository: its own schema tree and a stream of events, committed."""
    repo = new_repo(path, env)
    copy_schemas(repo / "schemas")
    (repo / "events").mkdir()
    shutil.copy(EXAMPLES / "sample-events.ndjson", repo / "events" / "2024-03-01.ndjson")
    (repo / "README.md").write_text("events and schemas\n")
    commit_all(repo, "baseline", env)
    return repo


def good_commit(repo: Path, env: dict[str, str]) -> None:
    """Staged: a valid event file, a new minor version with one more optional member."""
    shutil.copy(EXAMPLES / "sample-events.ndjson", repo / "events" / "2024-03-02.ndjson")
    schemas = repo / "schemas"
    created = llm_hub("new-version", "1.2.0", cwd=repo, env={**env, "LLM_HUB_SCHEMAS": str(schemas)})
    assert created.returncode == 0, created.stderr
    edit_json(token_usage(schemas, "1.2.0"), add_optional_member)
    git(repo, "add", "-A", env=env)


def bad_commit(repo: Path, env: dict[str, str]) -> None:
    """Staged: an event file with mistakes, a member removed from the unreleased 1.1.0."""
    shutil.copy(EXAMPLES / "sample-events-with-mistakes.ndjson", repo / "events" / "2024-03-02.ndjson")
    edit_json(token_usage(repo / "schemas", "1.1.0"), remove_total_tokens)
    git(repo, "add", "-A", env=env)


def configured_repo(path: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> Path:
    """A repository whose .pre-commit-config.yaml sets files: and args: of every hook."""
    snapshot, commit = hook_repo
    repo = new_repo(path, env)
    copy_schemas(repo / "contracts")
    (repo / "payloads").mkdir()
    (repo / "payloads" / "usage.json").write_text(json.dumps(USAGE))
    (repo / "logs").mkdir()
    (repo / "logs" / "debug.ndjson").write_text("not an event\n")  # outside every pattern: never validated
    hooks = [
        {"id": "llm-hub-validate", "files": r"^payloads/.*\.json$", "args": ["--schema", "TokenUsageMetrics"]},
        {"id": "llm-hub-check", "files": "^contracts/", "args": ["--schemas", "contracts"]},
        {"id": "llm-hub-compat", "files": "^contracts/", "args": ["--schemas", "contracts", "--no-empirical"]},
    ]
    config = {"repos": [{"repo": str(snapshot), "rev": commit, "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2))  # JSON is YAML
    commit_all(repo, "baseline", env)
    return repo


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, hook_repo: tuple[Path, str],
         session_env: dict[str, str]) -> dict[str, Any]:
    """The three environment installs at once (each mostly waits on pip): try-repo on the good and
    on the bad commit, and `install-hooks` of the configured repository into the session's store."""
    base = tmp_path_factory.mktemp("consumers")
    good, bad = consumer_repo(base / "good", session_env), consumer_repo(base / "bad", session_env)
    good_commit(good, session_env)
    bad_commit(bad, session_env)
    configured = configured_repo(base / "configured", hook_repo, session_env)
    snapshot, commit = hook_repo
    try_repo = ("try-repo", str(snapshot), "--ref", commit)
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = {"good": pool.submit(pre_commit, good, *try_repo, "--verbose", env=session_env),
                "bad": pool.submit(pre_commit, bad, *try_repo, env=session_env),
                "install": pool.submit(pre_commit, configured, "install-hooks", env=session_env)}
        done: dict[str, Any] = {name: job.result() for name, job in jobs.items()}
    assert done["install"].returncode == 0, done["install"].stdout + done["install"].stderr
    return {**done, "configured": configured}


def test_try_repo_passes_a_good_commit(runs: dict[str, Any]) -> None:
    proc = runs["good"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert verdicts(proc.stdout) == dict.fromkeys(HOOK_NAMES.values(), "Passed"), proc.stdout
    assert "40 documents: 40 valid, 0 invalid" in proc.stdout  # only the staged event file
    assert "checked 3 version(s): 1.0.0, 1.1.0, 1.2.0; 0 finding(s)" in proc.stdout
    assert "== 1.2.0 against 1.1.0" in proc.stdout and "reasoning_tokens_hint" in proc.stdout


def test_try_repo_fails_a_bad_commit(runs: dict[str, Any]) -> None:
    proc = runs["bad"]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert verdicts(proc.stdout) == dict.fromkeys(HOOK_NAMES.values(), "Failed"), proc.stdout
    out = proc.stdout
    assert "events/2024-03-02.ndjson:2: /source_module:" in out and "8 documents: 1 valid, 7 invalid" in out
    # check: the examples of the changed type no longer fit it
    assert "schemas/1.1.0/events/TokenUsageMetrics.json#/examples/0: [example] invalid at (root)" in out
    assert "property-removed" in out and "NOT backward compatible with HEAD" in out


def test_configured_patterns_and_arguments(runs: dict[str, Any], session_env: dict[str, str]) -> None:
    """files: and args: of a .pre-commit-config.yaml pick the documents, their type and the schema folder."""
    repo = runs["configured"]
    passed = pre_commit(repo, "run", "--all-files", "--verbose", env=session_env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert verdicts(passed.stdout) == dict.fromkeys(HOOK_NAMES.values(), "Passed"), passed.stdout
    assert "1 documents: 1 valid, 0 invalid" in passed.stdout and "by type: TokenUsageMetrics 1" in passed.stdout

    (repo / "payloads" / "bad.json").write_text(json.dumps({**USAGE, "prompt_tokens": -1}))
    edit_json(token_usage(repo / "contracts", "1.0.0"), remove_total_tokens)
    git(repo, "add", "-A", env=session_env)
    failed = pre_commit(repo, "run", env=session_env)
    assert failed.returncode == 1
    assert verdicts(failed.stdout) == dict.fromkeys(HOOK_NAMES.values(), "Failed"), failed.stdout
    assert "payloads/bad.json:1: /prompt_tokens: -1 is less than the minimum of 0 [minimum]" in failed.stdout
    assert "comparing contracts with its state at HEAD" in failed.stdout
    assert "== 1.0.0 against 1.0.0 at HEAD" in failed.stdout
    assert "debug.ndjson" not in failed.stdout + passed.stdout


def readme_block(start: str) -> str:
    """The fenced yaml block of README.md whose first line is `start`."""
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    (block,) = [b for b in blocks if b.startswith(start)]
    return str(block)


def test_manifest_and_readme_config_are_valid(tmp_path: Path, session_env: dict[str, str]) -> None:
    manifest = pre_commit(ROOT, "validate-manifest", ".pre-commit-hooks.yaml", env=session_env)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = tmp_path / "config.yaml"
    config.write_text(readme_block("# .pre-commit-config.yaml"))
    checked = pre_commit(tmp_path, "validate-config", str(config), env=session_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == set(HOOK_NAMES)
    assert {hook["id"]: hook["name"] for hook in hooks} == HOOK_NAMES
