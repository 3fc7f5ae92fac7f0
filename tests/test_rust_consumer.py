"""The Rust crate as a consumer's project uses it: tests/rust_consumer is a new cargo project (its own
workspace, the crate by path, as the crate's README teaches) that decodes events, matches on the payload
variant, builds an event in code, writes it, reads it back and gets an error for a value planted on
write. The crate and the consumer pass clippy with -D warnings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_rust import CRATE, CRATE_NAME, ENV, ROOT, cargo, harness  # noqa: F401

from llm_analytics_hub.schema_store import load_version

CONSUMER = ROOT / "tests" / "rust_consumer"


def test_cargo_clippy_is_available() -> None:
    done = subprocess.run(["cargo", "clippy", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, "clippy is not installed (rustup component add clippy)"


def test_the_crate_passes_clippy(harness: Path) -> None:  # noqa: F811
    done = cargo("clippy", "--offline", "-p", CRATE_NAME, "--", "-D", "warnings")
    assert done.returncode == 0, done.stderr[-6000:]


@pytest.fixture(scope="module")
def consumer(harness: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The consumer project in a temporary folder, the crate's path made absolute, the lock file copied
    (everything it needs is pinned there, so cargo runs offline)."""
    folder = tmp_path_factory.mktemp("consumer") / "hub-consumer"
    shutil.copytree(CONSUMER, folder)
    manifest = folder / "Cargo.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('path = "../../generated/rust"',
                                                                     f"path = {json.dumps(str(CRATE))}"),
                        encoding="utf-8")
    shutil.copy(ROOT / "Cargo.lock", folder / "Cargo.lock")
    return folder


def _cargo(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    split = args.index("--") if "--" in args else len(args)  # cargo's own options before `--`
    command = ["cargo", *args[:split], "--offline", *args[split:]]
    # test_rust's target folder and its profile (the workspace's debug = 0), so the dependencies the harness
    # compiled (same lock, flags and features) are reused: only the crate (at its path from here) and the
    # consumer are compiled, not serde, regex, chrono and uuid a second time
    return subprocess.run(command, cwd=folder, input=stdin, env={**ENV, "CARGO_PROFILE_DEV_DEBUG": "0"},
                          capture_output=True, text=True, timeout=1800, check=False)


def test_the_consumer_passes_clippy(consumer: Path) -> None:
    done = _cargo(consumer, "clippy", "--all-targets", "--", "-D", "warnings")
    assert done.returncode == 0, done.stderr[-6000:]


def test_the_consumer_reads_matches_writes_and_is_refused_a_bad_value(consumer: Path) -> None:
    examples = load_version("1.0.0").lookup("events.AnalyticsEvent").examples
    latency = next(e for e in examples if e["payload"]["data"].get("telemetry_type") == "latency")
    typo = json.dumps(latency).replace("total_latency_ms", "total_latency")
    lines = "\n".join([json.dumps(latency), typo, json.dumps(examples[1]), "{not json"]) + "\n"
    done = _cargo(consumer, "run", "--quiet", stdin=lines)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    out = done.stdout.splitlines()
    assert out[0].startswith(f"line 1: {latency['payload']['data']['model_id']} took "), out
    assert any(line.startswith("line 2: invalid: /payload/data: ") for line in out), out
    assert any(line.startswith("line 4: invalid: (document): not valid JSON") for line in out), out
    written = next(line for line in out if line.startswith("wrote and read back: "))
    assert '"timestamp":"2024-01-31T23:59:59+01:00"' in written and '"cost_type":"api_cost"' in written
    assert out[-1].startswith("refused on write: /payload/data/cost_per_request: "), out
