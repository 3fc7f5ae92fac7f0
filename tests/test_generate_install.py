"""`pip install .` ships the generated models, TypedDicts, pydantic models and bundles; they import without the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHECK = r"""
import json, sys
from importlib import resources
import llm_analytics_hub
from llm_analytics_hub.models.v1_0_0 import events
from llm_analytics_hub.typeddicts.v1_0_0 import events as td
from llm_analytics_hub.pydantic.v1_1_0 import events as pyd
event = {"timestamp": "2024-01-15T10:30:00Z", "source_module": "llm-observatory", "event_type": "telemetry",
         "severity": "info", "environment": "prod",
         "payload": {"payload_type": "custom", "data": {"custom_type": "x", "data": None}}}
assert events.AnalyticsEvent.from_dict(event).to_dict() == event
assert events.AnalyticsEvent.from_json(json.dumps(event)).to_dict() == event
assert not {"jinja2", "llm_analytics_hub.codegen", "jsonschema"} & set(sys.modules), "models need the generator"
loaded = pyd.AnalyticsEvent.model_validate_json(json.dumps(event))
assert json.loads(loaded.model_dump_json(exclude_unset=True)) == event
from llm_analytics_hub.codegen.render import environment
assert environment().get_template("python/models_area.py.jinja2")  # templates ship inside the package
bundles = resources.files("llm_analytics_hub") / "bundles"
index = json.loads((bundles / "index.json").read_text())
assert sum(1 for row in index["types"] if row["version"] == "1.0.0") == 183
assert (bundles / "1.1.0/events/CostBreakdown.json").is_file()
assert (bundles / "1.0.0/events/AnalyticsEvent.json").is_file()
from llm_analytics_hub.validation import Validator, native
assert native.available() == (sys.argv[1] == "native"), "the wheel should carry the native checker if built"
assert Validator().is_valid(event) and Validator().fast_label(json.dumps(event).encode()) == "custom"
print(llm_analytics_hub.__file__, events.__file__, td.__file__, pyd.__file__)
"""


def test_wheel_install_ships_generated_code(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    # the build backend of the locked dev environment (no build isolation): nothing is resolved
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                            str(wheel_dir), str(REPO)], capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr
    (wheel,) = wheel_dir.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    # dependencies come from the test venv's site-packages, added as a plain path (its .pth files,
    # which point into the checkout for the editable install, are not processed this way)
    deps = sysconfig.get_paths()["purelib"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LLM_HUB"))}
    env["PYTHONPATH"] = deps
    # the build hook compiles the native checker into the wheel wherever cargo is (hatch_build.py)
    built = bool(shutil.which("cargo") or shutil.which("cargo", path=str(Path.home() / ".cargo" / "bin")))
    built = built and os.environ.get("LLM_HUB_BUILD_NATIVE", "auto") != "0"
    assert ("-cp311-abi3-" if built else "-py3-none-any") in wheel.name, wheel.name
    run = subprocess.run([str(python), "-c", CHECK, "native" if built else "pure"], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert str(REPO) not in run.stdout
    assert str(env_dir) in run.stdout
