"""The Spark entry point run by a virtualenv's python called by its path (as cron jobs and services do): the local
workers run that interpreter, not the `python3` first on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lake_inputs import ROOT

from llm_analytics_hub.spark.job import worker_python

BIN = Path(sys.executable).parent
BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"


def test_which_python_the_workers_run() -> None:
    assert worker_python("local[2]", None, {}) == sys.executable
    assert worker_python("local-cluster[2,1,1024]", None, {"PYSPARK_PYTHON": ""}) == sys.executable
    assert worker_python("local[2]", None, {"PYSPARK_PYTHON": "/opt/py/bin/python"}) is None  # the user's choice
    assert worker_python("local[2]", "/opt/py/bin/python", {}) == "/opt/py/bin/python"
    assert worker_python("yarn", None, {}) is None  # executors on other machines: their Python is the cluster's


def test_a_virtualenv_called_by_its_path(tmp_path: Path) -> None:
    if sys.prefix == sys.base_prefix or not BASE_PYTHON.exists():
        pytest.skip("needs the tests to run in a virtualenv")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python3").symlink_to(BASE_PYTHON)
    folders = [f for f in os.environ.get("PATH", "").split(os.pathsep) if f and Path(f).resolve() != BIN.resolve()]
    env = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(tmp_path / "bin"), *folders])
    bare = subprocess.run(["python3", "-c", "import llm_analytics_hub"], env=env, capture_output=True, check=False)
    assert bare.returncode == 1 and b"No module named 'llm_analytics_hub'" in bare.stderr  # what PySpark would run
    sample = ROOT / "examples" / "sample-events.ndjson"
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.spark", "--master", "local[1]", str(sample)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("40 documents: 40 valid, 0 invalid\n"), done.stdout
    assert "Traceback" not in done.stdout + done.stderr
