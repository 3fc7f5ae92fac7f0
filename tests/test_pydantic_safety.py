"""Safety of the codegen profile and the pydantic models: hostile schema text (quotes, triple quotes,
backslashes, newlines, Jinja syntax, keywords as member names; see test_generate_safety.py) stays
data. The profile keeps it verbatim, and the module datamodel-code-generator writes from it imports
without running anything, keeps every wire name and every enum value, and reads the example."""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_generate_safety import NASTY, PROPS, VALUES, schema_folder

from llm_analytics_hub.codegen.ir import build_version
from llm_analytics_hub.codegen.profile import render_codegen_profiles
from llm_analytics_hub.codegen.pydantic_models import render_pydantic
from llm_analytics_hub.schema_store import load_folder


def test_hostile_schema_text_stays_data(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    schemas = schema_folder(tmp_path)
    schema_set = load_folder(schemas / "1.0.0", "1.0.0")
    profiles = render_codegen_profiles([build_version(schema_set)])
    weird_profile = json.loads(profiles["jsonschema-codegen/1.0.0/_all.json"])["$defs"]
    (weird,) = [d for k, d in weird_profile.items() if k.startswith("events.Weird")]
    assert weird["description"] == NASTY and list(weird["properties"]) == [*PROPS, "choice"]

    files = render_pydantic(profiles, ["1.0.0"], ["v1_0_0"])
    package = tmp_path / "pydantic_out"
    for relative, text in files.items():
        target = package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    folder = package / "python/llm_analytics_hub/pydantic/v1_0_0"
    spec = importlib.util.spec_from_file_location("hostile_pydantic", folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_pydantic"] = module
    spec.loader.exec_module(module)
    events = importlib.import_module("hostile_pydantic.events")
    assert "pwned" not in capfd.readouterr().out

    (model,) = [v for k, v in vars(events).items() if k.startswith("Weird") and hasattr(v, "model_fields")]
    wire_names = [field.alias or name for name, field in model.model_fields.items()]
    assert wire_names == [*PROPS, "choice"]
    assert [member.value for member in events.Choice] == VALUES
    example = {"class": "c", "choice": 'a"b', "with-dash": NASTY, "None": "n", "Ünïcode": "ü"}
    loaded = model.model_validate_json(json.dumps(example))
    assert json.loads(loaded.model_dump_json(by_alias=True, exclude_unset=True)) == example

    metrics = importlib.import_module("hostile_pydantic.metrics")
    (open_model,) = [v for v in vars(metrics).values()
                     if isinstance(v, type) and hasattr(v, "model_fields") and v.__module__ == metrics.__name__]
    open_example = {"def": 1.5, "while": 2.0, '"}': 3}
    loaded_open = open_model.model_validate_json(json.dumps(open_example))
    assert json.loads(loaded_open.model_dump_json(by_alias=True, exclude_unset=True)) == open_example
    with pytest.raises(ValueError):
        open_model.model_validate_json(json.dumps({"def": 1.5, "while": "not a number"}))


def test_missing_generator_is_one_clear_error(tmp_path: Path) -> None:
    """`llm-hub generate` without the `generate` extra: one line naming what to install, exit 2."""
    base = getattr(sys, "_base_executable", sys.executable)
    probe = subprocess.run([base, "-c", "import datamodel_code_generator"], capture_output=True, timeout=60)
    assert probe.returncode != 0, "the base interpreter has datamodel-code-generator; this test needs one without"
    script = (
        "import sys\n"
        "from llm_analytics_hub.codegen import pydantic_models\n"
        f"pydantic_models.sys.executable = {base!r}\n"
        "from llm_analytics_hub.cli import main\n"
        f"sys.argv = ['llm-hub', 'generate', '--output', {str(tmp_path / 'out')!r}]\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    *before, error = result.stderr.strip().splitlines()
    assert all(line.startswith("llm-hub: schemas ") for line in before) and len(before) <= 1, result.stderr
    # the first generate-extra tool found missing is named: ruff (Python formatting) or datamodel-code-generator
    assert error.startswith("llm-hub: error: ") and "pip install 'llm-analytics-hub[generate]'" in error, error
