"""Typing: mypy --strict accepts the generated packages and every example assigned to its TypedDict."""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from llm_analytics_hub.codegen.python_views import literal
from llm_analytics_hub.schema_store import load_version

SCHEMAS = load_version("1.0.0")
CORPUS = Path(__file__).resolve().parents[1] / "schemas" / "corpus" / "1.0.0"
# mypy does not implement PEP 728 `extra_items` yet: extra members of open objects cannot be typed.
OPEN_EXTRAS_IGNORE = "  # type: ignore[typeddict-unknown-key, typeddict-item, assignment]"


def mypy(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def _strip_extras(obj: Any) -> None:
    """Empty every open object's extra members in a freshly loaded model tree (test-only mutation)."""
    if isinstance(obj, list):
        for item in obj:
            _strip_extras(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            _strip_extras(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        spec = getattr(type(obj), "_spec", None)
        extra = getattr(spec, "extra", None)
        if extra is not None:
            object.__setattr__(obj, extra.attr, {})
        if getattr(spec, "content", "?") is None and isinstance(getattr(obj, "value", None), dict):
            object.__setattr__(obj, "value", {})  # a map variant of an internally tagged union
        for field in dataclasses.fields(obj):
            _strip_extras(getattr(obj, field.name))


def without_extras(entry: Any, example: Any) -> Any:
    module = importlib.import_module(f"llm_analytics_hub.models.v1_0_0.{entry.area}")
    loaded = getattr(module, entry.name).from_dict(example)
    _strip_extras(loaded)
    return loaded.to_dict()


def write_examples_module(path: Path) -> tuple[int, int]:
    lines = ['"""Every schema example (and corpus payload) assigned to its TypedDict."""', "",
             "from __future__ import annotations", ""]
    lines += [f"from llm_analytics_hub.typeddicts.v1_0_0 import {a} as td_{a}"
              for a in sorted({e.area for e in SCHEMAS.types})]
    lines.append("")
    cases: list[tuple[Any, Any]] = [(e, x) for e in SCHEMAS.types for x in e.examples]
    for path_ in sorted(CORPUS.glob("*.valid.json")) if CORPUS.is_dir() else []:
        cases += [(SCHEMAS.lookup(c["type"]), c["payload"]) for c in json.loads(path_.read_text(encoding="utf-8"))]
    total = with_extras = 0
    for index, (entry, example) in enumerate(cases):
        stripped = without_extras(entry, example)
        target = f"td_{entry.area}.{entry.name}"
        lines.append(f"case_{index}: {target} = {literal(stripped)}")
        total += 1
        if stripped != example:
            lines.append(f"case_{index}_full: {target} = {literal(example)}{OPEN_EXTRAS_IGNORE}")
            with_extras += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total, with_extras


def test_mypy_strict_on_generated_packages(tmp_path: Path) -> None:
    result = mypy(tmp_path, "-p", "llm_analytics_hub.models", "-p", "llm_analytics_hub.typeddicts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_example_type_checks_against_its_typeddict(tmp_path: Path) -> None:
    total, with_extras = write_examples_module(tmp_path / "examples_check.py")
    assert total >= 396
    assert with_extras < total // 10  # only open objects with extra members need the ignore
    result = mypy(tmp_path, "--no-warn-unused-ignores", "examples_check.py")
    assert result.returncode == 0, result.stdout[-5000:]


def test_a_wrong_payload_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "wrong.py").write_text(
        "from llm_analytics_hub.typeddicts.v1_0_0 import events\n"
        "ok: events.LatencyMetrics = {'model_id': 'm', 'request_id': 'r', 'total_latency_ms': 1.0}\n"
        "bad_type: events.LatencyMetrics = {'model_id': 1, 'request_id': 'r', 'total_latency_ms': 1.0}\n"
        "bad_tag: events.TelemetryPayload = {'telemetry_type': 'latencyy', 'model_id': 'm', 'request_id': 'r',"
        " 'total_latency_ms': 1.0}\n"
        "bad_key: events.LatencyMetrics = {'model_id': 'm', 'request_id': 'r', 'total_latency': 1.0}\n"
        "bad_enum: events.Severity = 'loud'\n", encoding="utf-8")
    result = mypy(tmp_path, "wrong.py")
    assert result.returncode == 1
    for line in (3, 4, 5, 6):
        assert f"wrong.py:{line}:" in result.stdout, result.stdout
    assert "wrong.py:2:" not in result.stdout
