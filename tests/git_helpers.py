"""Temporary git repositories for the pipeline tests (pre-commit hooks, compat-base, the Action).

Git runs with a private configuration (no system or user config of the machine leaks in) and a
fixed identity, so commits work on a fresh CI machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "examples"
LLM_HUB = [sys.executable, "-m", "llm_analytics_hub.cli"]


def git_env(home: Path) -> dict[str, str]:
    """The environment of every git (and pre-commit) run: private config under `home`."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Hook Test\n\temail = hooks@example.invalid\n"
                      "[advice]\n\tdetachedHead = false\n[commit]\n\tgpgsign = false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_", "INPUT_"))}
    env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    return env


def git(repo: Path, *args: str, env: dict[str, str]) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def new_repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", env=env)
    return path


def commit_all(repo: Path, message: str, env: dict[str, str]) -> str:
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD", env=env)


def copy_schemas(dest: Path) -> Path:
    """This repository's schema tree (versions, corpus, released.json) as a team's own schema folder."""
    shutil.copytree(SCHEMAS, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def token_usage(schemas: Path, version: str) -> Path:
    return schemas / version / "events" / "TokenUsageMetrics.json"


def add_optional_member(document: Any) -> None:
    """A backward compatible change: a new optional, described member."""
    document["$defs"]["fields"]["properties"]["reasoning_tokens_hint"] = {
        "description": "Tokens the model spent reasoning, when the provider reports them.",
        "type": "integer", "minimum": 0}


def remove_total_tokens(document: Any) -> None:
    """A breaking change: payloads with total_tokens (all of them) become invalid."""
    del document["$defs"]["fields"]["properties"]["total_tokens"]
    document["$defs"]["fields"]["required"].remove("total_tokens")


def llm_hub(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*LLM_HUB, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=300)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc
