"""`llm-hub doctor` and `llm-hub --version`: whether the native checker is in use, and why not when not.

The development install has it (`make test` runs `make native`); the reasons it is not used are made
here one at a time: disabled, a module of another interface, a schema folder edited after it was built.
The installed artifacts (a pure wheel, a wheel built without cargo) are in tests/test_packaging.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from hub_runner import Hub

from llm_analytics_hub.validation import native

ROOT = Path(__file__).resolve().parent.parent


def doctor(hub: Hub, *args: str, **env: str) -> tuple[int, dict[str, Any]]:
    done = hub("doctor", "--format", "json", *args, env={**os.environ, **env})
    report: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, report


def test_the_development_install_uses_the_native_checker_for_every_version(hub: Hub) -> None:
    assert native.available(), "the native checker is not built: run `make native` (make test does)"
    code, report = doctor(hub, "--require-native")
    assert code == 0 and report["kind"] == "checkout" and report["build"] is None
    found = report["native"]
    assert found["in_use"] and found["covers"] == report["schema_versions"] == ["1.0.0", "1.1.0"], found
    assert found["api"] == found["expected_api"] == native.API and found["reason"] is None
    version = hub("--version").stdout.splitlines()
    assert version[0] == "llm-hub, version 1.0.0"
    assert version[1].startswith("native checker: in use (interface 2; covers schema versions 1.0.0, 1.1.0"), version


def test_disabled_by_the_environment(hub: Hub) -> None:
    code, report = doctor(hub, "--require-native", LLM_HUB_NATIVE="0")
    assert code == 1 and report["native"]["reason"] == "disabled by LLM_HUB_NATIVE=0"
    assert hub("--version", env={**os.environ, "LLM_HUB_NATIVE": "0"}).stdout.splitlines()[1] == \
        "native checker: not in use: disabled by LLM_HUB_NATIVE=0"


def test_a_module_of_another_interface_is_not_used(hub: Hub, tmp_path: Path) -> None:
    old = tmp_path / "_native.py"  # any module file loads through LLM_HUB_NATIVE_LIBRARY
    old.write_text("API = 1\n", encoding="utf-8")
    code, report = doctor(hub, LLM_HUB_NATIVE_LIBRARY=str(old))
    assert code == 0 and not report["native"]["in_use"] and report["native"]["api"] == 1
    assert report["native"]["reason"] == f"interface 1 where this llm-hub needs {native.API} (built from other sources)"


def test_a_schema_folder_that_differs_from_the_compiled_one_is_named(hub: Hub, tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    common = schemas / "1.1.0" / "common.json"
    common.write_text(common.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, report = doctor(hub, "--require-native", LLM_HUB_SCHEMAS=str(schemas))
    found = report["native"]
    assert code == 1 and found["in_use"] and found["covers"] == ["1.0.0"], found
    assert found["not_covered"] == {"1.1.0": "its schema folder differs from the one compiled in (digest mismatch)"}
    text = hub("doctor", env={**os.environ, "LLM_HUB_SCHEMAS": str(schemas)}).stdout
    assert "without it: 1.1.0: its schema folder differs from the one compiled in (digest mismatch)" in text
