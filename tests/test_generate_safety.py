"""Safety: hostile schema text (quotes, backslashes, newlines, Jinja syntax, keywords) never becomes code."""

from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from llm_analytics_hub.codegen.writer import generate

NASTY = ('He said "hi" and \'bye\' """triple""" \'\'\'t\'\'\' back\\slash \\n {{ 7*7 }} {% raw %} ${x} '
         "# not a comment\nline2")
PROPS = ["class", "from", "with-dash", "1abc", "dotted.name", "has space", 'quo"te', "{{ x }}", "to_dict",
         "extra", "_private", "None", "str", "Ünïcode"]
VALUES = ['a"b', "{% if %}", "x\ny", "None", "class", "a-b", "a_b", "back\\slash", "'''"]


def schema_folder(root: Path) -> Path:
    version = root / "schemas" / "1.0.0"
    (version / "events").mkdir(parents=True)
    (version / "metrics").mkdir(parents=True)
    base = "https://llm-analytics-hub.invalid/schemas/1.0.0/"
    (version / "events" / "Weird.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base + "events/Weird.json",
        "title": 'Weird"""Type{{x}}',
        "description": NASTY,
        "type": "object",
        "properties": {name: {"description": NASTY + name, "type": "string"} for name in PROPS}
        | {"choice": {"$ref": "Choice.json"}},
        "required": ["class", "choice"],
        "additionalProperties": False,
        "examples": [{"class": "c", "choice": 'a"b', "with-dash": NASTY, "None": "n", "Ünïcode": "ü"}],
    }), encoding="utf-8")
    (version / "events" / "Choice.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base + "events/Choice.json",
        "title": "Choice", "description": "\"\"\"); import os; os.system('echo pwned') #",
        "type": "string", "enum": VALUES, "examples": VALUES,
    }), encoding="utf-8")
    (version / "metrics" / "Open.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base + "metrics/Open.json",
        "title": "class", "description": "{{ ''.__class__ }}",
        "type": "object", "properties": {"def": {"type": ["number", "null"]}}, "required": [],
        "additionalProperties": {"type": "number"},
        "examples": [{"def": 1.5, "while": 2.0, "\"}": 3}],
    }), encoding="utf-8")
    return root / "schemas"


def flat(text: str | None) -> str:
    """Docstrings are wrapped to the line width: compare their words."""
    return " ".join((text or "").split())


def field_docs(module: Path, class_name: str) -> dict[str, str]:
    """{wire name: flattened attribute docstring} of a generated dataclass, read from its source."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            body = node.body
            for field, doc in itertools.pairwise(body):
                if isinstance(field, ast.AnnAssign) and isinstance(doc, ast.Expr):
                    assert isinstance(field.target, ast.Name) and isinstance(doc.value, ast.Constant)
                    found[field.target.id] = flat(doc.value.value)
    wires = {m.attr: m.wire for m in binding_of_class(module, class_name)}
    return {wires[attr]: doc for attr, doc in found.items()}


def binding_of_class(module: Path, class_name: str) -> Any:
    loaded = sys.modules["hostile_events"]
    assert Path(loaded.__file__ or "") == module
    return getattr(loaded, class_name)._hub.shape.members


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_hostile_schema_text_generates_safe_code(tmp_path: Path) -> None:
    schemas = schema_folder(tmp_path)
    out = tmp_path / "generated"
    generate(schemas, out)
    models = out / "python/llm_analytics_hub/models/v1_0_0"
    events = load(models / "events.py", "hostile_events")
    metrics = load(models / "metrics.py", "hostile_metrics")

    weird = next(v for k, v in vars(events).items() if k.startswith("Weird"))
    assert flat(weird.__doc__) == flat(NASTY)
    assert flat(events.Choice.__doc__) == "\"\"\"); import os; os.system('echo pwned') #"
    assert field_docs(models / "events.py", weird.__name__) == {name: flat(NASTY + name) for name in PROPS} | {
        "choice": "choice"}
    assert [m.value for m in events.Choice] == VALUES
    example = json.loads((schemas / "1.0.0/events/Weird.json").read_text())["examples"][0]
    assert weird.from_dict(example).to_dict() == example
    for value in VALUES:
        assert events.Choice(value).value == value
    open_cls = metrics.class_
    open_example = {"def": 1.5, "while": 2.0, '"}': 3}
    loaded = open_cls.from_dict(open_example)
    assert loaded.def_ == 1.5 and loaded.extra == {"while": 2.0, '"}': 3}
    assert loaded.to_dict() == open_example
    assert open_cls.__doc__ == "{{ ''.__class__ }}"
    assert loaded.to_json() == json.dumps(open_example, separators=(",", ":")).encode()

    typeddicts = out / "python/llm_analytics_hub/typeddicts/v1_0_0"
    td_events = load(typeddicts / "events.py", "hostile_td_events")
    td_weird = next(v for k, v in vars(td_events).items() if k.startswith("Weird"))
    assert set(td_weird.__annotations__) == {*PROPS, "choice"}
    docs = (out / "docs/1.0.0/events.md").read_text()
    assert "{{ 7*7 }}" in docs and "{% raw %}" in docs  # Jinja syntax in schema text is not evaluated
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                             str(models / "events.py"), str(typeddicts / "events.py")],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stdout


def test_weird_names_keep_wire_names(tmp_path: Path) -> None:
    schemas = schema_folder(tmp_path)
    out = tmp_path / "generated"
    generate(schemas, out)
    events = load(out / "python/llm_analytics_hub/models/v1_0_0/events.py", "hostile_events_2")
    weird = next(v for k, v in vars(events).items() if k.startswith("Weird"))
    members: Any = weird._hub.shape.members
    assert [m.wire for m in members] == [*PROPS, "choice"]
    assert all(m.attr.isidentifier() for m in members)
    assert len({m.attr for m in members}) == len(members)
