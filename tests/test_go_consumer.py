"""The generated Go module as its users use it: tests/go_consumer is a module of its own that requires
github.com/llm-analytics-hub/llm-analytics-hub/generated/go (a local replace, no network), decodes every sample event,
switches on the payload variant, builds an event in code, writes it, reads it back and gets an error
naming the member for each planted bad value on write. It must pass `go vet` and staticcheck with every
check (pinned in the Makefile, `make go-tools` fetches it into build/go-tools; the generated module
passes it too), and print the expected lines.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from go_support import MODULE_DIR, ROOT, consumer_module, go_binary, go_env, run_go

STATICCHECK = ROOT / "build" / "go-tools" / "staticcheck"
SAMPLES = ROOT / "examples" / "sample-events.ndjson"


def pinned_staticcheck() -> str:
    """The staticcheck binary of `make go-tools`, checked to be the version the Makefile pins."""
    version = re.search(r"^STATICCHECK_VERSION := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert version, "the Makefile no longer pins STATICCHECK_VERSION"
    if not STATICCHECK.is_file():
        pytest.fail(f"{STATICCHECK} is missing: run `make go-tools` (fetches staticcheck {version.group(1)})",
                    pytrace=False)
    done = subprocess.run([str(STATICCHECK), "-version"], capture_output=True, text=True, check=False)
    assert version.group(1).lstrip("v") in done.stdout, \
        f"staticcheck is not {version.group(1)}: {done.stdout}; run `make go-tools`"
    return str(STATICCHECK)


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("go-consumer")
    return consumer_module(folder, (ROOT / "tests" / "go_consumer" / "main.go").read_text(encoding="utf-8"))


def test_consumer_is_vet_and_staticcheck_clean(consumer: Path) -> None:
    done = run_go(["go", "vet", "./..."], cwd=consumer, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    staticcheck = pinned_staticcheck()
    for folder in (consumer, MODULE_DIR):  # the generated module itself too: every check, not the defaults
        done = subprocess.run([staticcheck, "-checks", "all", "./..."], cwd=folder, capture_output=True, text=True,
                              check=False, timeout=900, env=_go_env_with_toolchain())
        assert done.returncode == 0, f"{folder}:\n{done.stdout}{done.stderr}"


def _go_env_with_toolchain() -> dict[str, str]:
    env = go_env()
    env["PATH"] = f"{Path(go_binary()).parent}:{env.get('PATH', '')}"  # staticcheck runs `go list`
    return env


def test_consumer_reads_switches_builds_writes_and_is_refused_bad_values(consumer: Path) -> None:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    done = run_go(["go", "run", "."], cwd=consumer, input="\n".join(lines) + "\n", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.splitlines()
    described = [line for line in out if line.startswith("line ")]
    assert len(described) == len(lines) and not [d for d in described if "reading" in d], described
    assert sum("latency gpt" in d for d in described) >= 1 and any(" security " in d for d in described)
    written = json.loads(next(line for line in out if line.startswith("written: "))[len("written: "):])
    assert written["payload"] == {"payload_type": "telemetry", "data": {
        "telemetry_type": "latency", "model_id": "gpt-4o", "request_id": "req-1", "total_latency_ms": 812.5,
        "ttft_ms": 180.5}}
    assert written["timestamp"] == "2024-01-15T10:30:00.412Z" and written["schema_version"] == "1.0.0"
    assert "read back: latency gpt-4o 812.5 ms at 2024-01-15T10:30:00.412Z" in out
    assert "bad event id: /event_id format" in out
    assert "NaN latency: /payload/data/total_latency_ms encode" in out
    assert "unknown severity: /severity enum" in out
