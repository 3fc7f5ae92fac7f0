"""Go toolchain for the tests of the generated Go module: one offline environment, caches in build/.

The Go toolchain is /usr/local/go/bin/go, else `go` on PATH (`make go-toolchain` installs Debian's
golang-go when neither exists). The module has no dependencies, so every command runs with the
module proxy off (GOPROXY=off, GOFLAGS=-mod=mod); builds are cached in build/go-cache so that a
second test run only links.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE_DIR = ROOT / "generated" / "go"
MODULE = "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
BUILD = ROOT / "build" / "go"


def go_binary() -> str:
    for candidate in (os.environ.get("GO"), "/usr/local/go/bin/go", shutil.which("go")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("no Go toolchain: run `make go-toolchain` (installs golang-go) or set GO=/path/to/go", pytrace=False)


def go_env() -> dict[str, str]:
    return {**os.environ, "GOCACHE": str(ROOT / "build" / "go-cache"), "GOPATH": str(ROOT / "build" / "go-path"),
            "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "GOTELEMETRY": "off",
            "CGO_ENABLED": "0"}


def run_go(args: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    tool = go_binary() if args[0] == "go" else str(Path(go_binary()).parent / args[0])
    return subprocess.run([tool, *args[1:]], cwd=cwd, env=go_env(), capture_output=True, text=True, check=False,
                          **kwargs)


def consumer_module(folder: Path, main_go: str, module_dir: Path = MODULE_DIR) -> Path:
    """A throw-away module that uses the generated one through a local `replace` (no network)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "go.mod").write_text(f"module example.com/consumer\n\ngo 1.24\n\nrequire {MODULE} v0.0.0\n\n"
                                   f"replace {MODULE} => {module_dir}\n", encoding="utf-8")
    (folder / "main.go").write_text(main_go, encoding="utf-8")
    return folder
