"""The README's Python examples run as written (on the first sample event)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_generated_models_example_runs(capsys: Any) -> None:
    (block,) = [b for b in python_blocks() if "from llm_analytics_hub.models" in b]
    line = (REPO / "examples" / "sample-events.ndjson").read_bytes().splitlines()[0]
    namespace: dict[str, Any] = {"line": line, "print": print}
    exec(compile(block, "README.md", "exec"), namespace)
    assert json.loads(namespace["event"].to_json()) == json.loads(line)
    printed = capsys.readouterr().out
    assert printed.strip(), "the match statement reached no variant on the sample event"
    assert "/payload/data/total_latency_ms expected a finite number, got nan" in printed  # refused on write


def run_block(marker: str, line: bytes) -> dict[str, Any]:
    (block,) = [b for b in python_blocks() if marker in b]
    namespace: dict[str, Any] = {"line": line, "print": print}
    exec(compile(block, "README.md", "exec"), namespace)
    return namespace


def test_the_pydantic_example_runs(capsys: Any) -> None:
    line = (REPO / "examples" / "sample-events.ndjson").read_bytes().splitlines()[0]
    namespace = run_block("from llm_analytics_hub.pydantic", line)
    assert type(namespace["received"].payload.data).__name__ == "LatencyMetrics"
    assert json.loads(namespace["built"].model_dump_json(exclude_unset=True)) == json.loads(line)["payload"]
    assert capsys.readouterr().out.strip(), "the match statement reached no variant on the sample event"


def test_the_typeddict_example_runs(capsys: Any) -> None:
    line = (REPO / "examples" / "sample-events.ndjson").read_bytes().splitlines()[0]
    run_block("from llm_analytics_hub.typeddicts", line)
    assert capsys.readouterr().out.split() == ["2024-03-01T00:00:00Z", "telemetry"]
