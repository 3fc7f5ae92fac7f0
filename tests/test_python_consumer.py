"""A consumer project as Python's packaging guide teaches: examples/python_consumer (pyproject.toml,
src layout, a console script) installed with the hub into a fresh virtual environment, type-checked
with `mypy --strict`, and run: it decodes an event, matches on the payload's class, builds an event in
code, writes it, reads it back, and gets a ModelError for a NaN planted in it on write.

The environment is build/py-consumer, made once (and again when a pyproject.toml changes): both
projects are installed editable with `pip install --no-deps -e`, so the hub's code is the checkout's;
their dependencies (orjson, msgspec, mypy, ...) come from this test's environment, whose
site-packages a .pth file adds after the venv's own (no download, and the .pth files in it, such as
its own editable hub, are not followed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "examples" / "python_consumer"
ENV = ROOT / "build" / "py-consumer"
PYTHON = ENV / "bin" / "python"


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LLM_HUB", "MYPY"))}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def consumer_env() -> Path:
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (PROJECT / "pyproject.toml").read_bytes())
    marker = ENV / "installed-from"
    if not PYTHON.is_file() or not marker.is_file() or marker.read_text() != stamp.hexdigest():
        shutil.rmtree(ENV, ignore_errors=True)
        venv.create(ENV, with_pip=False)
        installed = run(sys.executable, "-m", "pip", "--python", PYTHON, "install", "-q", "--no-deps",
                        "-e", ROOT, "-e", PROJECT)
        assert installed.returncode == 0, installed.stderr
        site = Path(run(PYTHON, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
        (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
        marker.write_text(stamp.hexdigest())
    return ENV


def test_the_hub_is_the_checkouts(consumer_env: Path) -> None:
    found = run(PYTHON, "-c", "import llm_analytics_hub.models, event_consumer; "
                              "print(llm_analytics_hub.models.__file__, event_consumer.__file__)")
    assert found.returncode == 0, found.stderr
    models, consumer = found.stdout.split()
    assert models.startswith(str(ROOT / "generated")) and consumer.startswith(str(PROJECT))


def test_mypy_strict_accepts_the_consumer(consumer_env: Path) -> None:
    checked = run(PYTHON, "-m", "mypy", "--strict", "--no-incremental", "-p", "event_consumer", cwd=PROJECT)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_mypy_strict_sees_the_models_types(consumer_env: Path, tmp_path: Path) -> None:
    """Not a vacuous pass: the same check refuses a wrong member type and an unknown payload class."""
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from llm_analytics_hub.models.v1_0_0.events import AnalyticsEvent, LatencyMetrics\n"
        "LatencyMetrics(model_id=5, request_id='r', total_latency_ms=1.0)\n"
        "def f(event: AnalyticsEvent) -> float:\n"
        "    return event.payload.total_latency_ms\n", encoding="utf-8")
    checked = run(PYTHON, "-m", "mypy", "--strict", "--no-incremental", wrong, cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout
    assert 'Argument "model_id" to "LatencyMetrics" has incompatible type "int"' in checked.stdout
    assert 'has no attribute "total_latency_ms"' in checked.stdout  # a payload may be another variant


def test_the_consumer_runs(consumer_env: Path) -> None:
    ran = run(ENV / "bin" / "event-consumer")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0] == "read: gpt-4o: 2121 ms in all, first token after 179 ms"
    assert lines[2] == "read back: gpt-4o-mini: 812 ms in all, first token after unknown"
    assert lines[3] == "refused on write: /payload/data/total_latency_ms: expected a finite number, got nan"
