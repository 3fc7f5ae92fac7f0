"""What the `llm-hub validate` tests share: sample documents and small assertions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llm_analytics_hub.schema_store import load_version

EXAMPLES = load_version("1.0.0").lookup("AnalyticsEvent").examples
EVENT = EXAMPLES[0]  # a telemetry/latency event
ERROR_RATE_EVENT = EXAMPLES[2]  # telemetry/error_rate: total_requests is a u64
VALID = json.dumps(EVENT)
INVALID = json.dumps({**EVENT, "total_latency": 1.0})  # an undeclared member at the top level
NDJSON_MIXED = f"{VALID}\n{INVALID}\n{VALID}\n"
# the valid event with a 0xff byte inside the string of a declared member (model_id)
INVALID_UTF8 = VALID.replace('"gpt-4o"', '"gpt-4o-\udcff"').encode("utf-8", "surrogateescape")


def counts(summary: dict[str, Any]) -> tuple[int, int, int]:
    return summary["documents"], summary["valid"], summary["invalid"]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_one_line_naming(text: str, name: str, line: int | None = None) -> str:
    """Exactly one line of `text` names `name` (and `name:line` when a line is given); it is returned."""
    needle = f"{name}:{line}:" if line is not None else name
    hits = [row for row in text.splitlines() if needle in row]
    assert len(hits) == 1, (needle, text)
    return hits[0]
