"""A scratch schema version that uses every supported keyword, and the documents that probe it.

`build_tree(folder)` copies the schema tree, starts version 2.0.0 (a new major: added constraints may
break) and writes into it
- the constraints an author would add next, on TokenUsageMetrics (a tagged-union variant: closed
  members, an array, a nullable member, an untyped value, an enum of integers, a const) and on the
  envelope (CommonEventFields: a string member and the `tags` map and its values);
- `events.VocabularySuite`: one optional member per group of the vendored JSON Schema Test Suite
  (tests/data/json-schema-test-suite) whose schema the keyword policy accepts as a member's schema.

`probes(tree)` gives the documents: for each keyword, an event that breaks only it (and one that
breaks nothing), and for each suite test, `{member: data}`. Every engine must give them the
reference verdict (python-jsonschema through `Validator(native=False)`) and instance locations.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "data" / "json-schema-test-suite"
VERSION = "2.0.0"
SUITE_TYPE = "events.VocabularySuite"

# TokenUsageMetrics members: (name, schema, a value that satisfies it, {keyword: a value breaking only it})
TOKEN_USAGE: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = [
    ("model_id", {"type": "string", "minLength": 2, "maxLength": 40}, "gpt-4o",
     {"minLength": "g", "maxLength": "g" * 41}),
    ("prompt_tokens", {"type": "integer", "minimum": 0, "exclusiveMaximum": 1000000}, 2048,
     {"exclusiveMaximum": 1000000}),
    ("total_tokens", {"type": "integer", "exclusiveMinimum": 0, "maximum": 4294967295}, 2404,
     {"exclusiveMinimum": 0}),
    ("completion_tokens", {"type": "integer", "minimum": 0, "maximum": 4294967295, "multipleOf": 2}, 356,
     {"multipleOf": 357}),
    ("cost_usd", {"type": "number", "minimum": 0, "multipleOf": 5}, 12.5 * 2, {"multipleOf": 12.5, "minimum": -5}),
    ("stop_sequences", {"type": "array", "items": {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"},
                        "minItems": 1, "maxItems": 3, "uniqueItems": True}, ["end", "stop"],
     {"minItems": [], "maxItems": ["a", "b", "c", "d"], "uniqueItems": ["end", "end"]}),
    ("priority", {"type": "integer", "enum": [1, 2, 3]}, 2, {"enum": 4}),
    ("api", {"type": "string", "const": "chat"}, "chat", {"const": "completion"}),
    ("budget_ms", {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 60000}, {"type": "null"}]}, None,
     {"maximum": 60001}),
    ("labels", {"maxLength": 5, "minimum": 3, "maxItems": 2, "minProperties": 1, "maxProperties": 1,
                "uniqueItems": True}, "short",
     {"maxLength": "toolong", "minimum": 2, "maxItems": [1, 2, 3], "minProperties": {},
      "maxProperties": {"a": 1, "b": 2}, "uniqueItems": [1, 1.0]}),
    ("trace", {"type": "string", "format": "uuid"}, "c954d3c8-4e25-466f-a5ff-1cdb8fc5b912", {"format": "c954d3c8"}),
]
# CommonEventFields (the envelope)
ENVELOPE: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = [
    ("environment", {"type": "string", "minLength": 2, "maxLength": 20, "pattern": "^[a-z]+$"}, "production",
     {"pattern": "Production"}),
    ("tags", {"type": "object", "additionalProperties": {"type": "string", "maxLength": 32},
              "maxProperties": 3, "default": {}}, {"app": "bot"},
     {"maxProperties": {"a": "1", "b": "2", "c": "3", "d": "4"}, "maxLength": {"a": "x" * 33}}),
]
# on the whole TokenUsageMetrics object (its tag member counts)
TOKEN_USAGE_OBJECT = {"maxProperties": 18}


@dataclass(frozen=True)
class Probe:
    label: str  # "keyword: member" or "suite file / group / test"
    type_name: str
    document: Any
    keyword: str  # the keyword it tests
    suite_valid: bool | None = None  # the Test Suite's verdict (suite probes only)


def hub(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LLM_HUB_SCHEMAS"}
    return subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=900, check=False)


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _described(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"description": text, **schema}


def suite_groups() -> list[tuple[str, int, dict[str, Any]]]:
    """(file, index, group) of every vendored suite group whose schema could be a member's schema."""
    from llm_analytics_hub.schema_view import vocabulary

    found = []
    for path in sorted(SUITE.rglob("*.json")):
        for index, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            schema = group["schema"]
            if not isinstance(schema, dict):
                continue
            schema = {k: v for k, v in schema.items() if k != "$schema"}
            text = json.dumps(schema)
            if any(marker in text for marker in ('"$ref"', '"$defs"', '"$id"', '"$anchor"', '"definitions"')):
                continue  # a `$ref` inside a member would resolve against the scratch file
            if list(vocabulary.lint(schema)):
                continue
            found.append((str(path.relative_to(SUITE)), index, {**group, "schema": schema}))
    return found


def _suite_type(groups: list[tuple[str, int, dict[str, Any]]]) -> dict[str, Any]:
    members = {f"c{n}": _described(group["schema"], f"Test Suite {name} #{index}: {group['description']}")
               for n, (name, index, group) in enumerate(groups)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://llm-analytics-hub.invalid/schemas/{VERSION}/events/VocabularySuite.json",
        "title": "VocabularySuite",
        "description": "Scratch type of the vocabulary tests: one member per JSON Schema Test Suite case group.",
        "type": "object", "properties": members, "additionalProperties": False, "examples": [{}],
    }


def _constrain(fields: dict[str, Any], spec: list[tuple[str, dict[str, Any], Any, dict[str, Any]]]) -> None:
    for name, schema, _, _ in spec:
        old = fields["properties"].get(name, {})
        fields["properties"][name] = _described(schema, old.get("description", f"Scratch member {name}."))


def build_tree(folder: Path) -> tuple[Path, list[tuple[str, int, dict[str, Any]]]]:
    """The scratch schema tree (its `schemas/` folder) and the suite groups planted in it."""
    schemas = folder / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    made = hub("new-version", VERSION, "--schemas", str(schemas))
    assert made.returncode == 0, made.stderr
    events = schemas / VERSION / "events"
    usage_path = events / "TokenUsageMetrics.json"
    usage = json.loads(usage_path.read_text(encoding="utf-8"))
    _constrain(usage["$defs"]["fields"], TOKEN_USAGE)
    usage["$defs"]["fields"].update(TOKEN_USAGE_OBJECT)
    _write(usage_path, usage)
    common_path = events / "CommonEventFields.json"
    common = json.loads(common_path.read_text(encoding="utf-8"))
    _constrain(common["$defs"]["fields"], ENVELOPE)
    _write(common_path, common)
    _retag_examples(schemas / VERSION)
    groups = suite_groups()
    while True:  # drop the groups the IR refuses (an inline object, a type list, ...): each is counted
        _write(events / "VocabularySuite.json", _suite_type(groups))
        refused = _ir_refusal(schemas / VERSION)
        if refused is None:
            _producer_output(schemas)
            return schemas, groups
        groups = [g for n, g in enumerate(groups) if f"/properties/c{n}" != refused]


def _ir_refusal(folder: Path) -> str | None:
    """The `/properties/cN` of the suite member the IR refuses, or None when it takes them all."""
    from llm_analytics_hub.codegen.ir import GeneratorError, build_version
    from llm_analytics_hub.schema_store import load_folder

    try:
        build_version(load_folder(folder, VERSION))
    except GeneratorError as exc:
        found = re.search(r"VocabularySuite\.json#(/properties/c[0-9]+)", str(exc))
        if found is None:
            raise
        return found.group(1)
    return None


def _producer_output(schemas: Path) -> None:
    """The new optional members that may be null are left out when absent (as serde's skip)."""
    from llm_analytics_hub.schema_store import load_folder
    from llm_analytics_hub.schema_view import output_form

    path = schemas / "producer-output" / f"{VERSION}.json"
    form = json.loads(path.read_text(encoding="utf-8"))
    members = output_form.optional_nullable_members(load_folder(schemas / VERSION, VERSION))
    form["when_none"] = {key: form["when_none"].get(key, "omit") for key in sorted(members)}
    _write(path, form)


def _retag_examples(folder: Path) -> None:
    """Every example and corpus-like document of the new version satisfies the added constraints."""
    for path in folder.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        fixed = _fix(copy.deepcopy(data))
        if fixed != data:
            _write(path, fixed)


def _fix(node: Any) -> Any:
    """Make documents in `examples` satisfy the scratch constraints (tags, schema_version, token counts)."""
    if isinstance(node, dict):
        if "examples" in node and isinstance(node["examples"], list):
            node["examples"] = [_fix_document(e) for e in node["examples"]]
        for key, value in node.items():
            if key != "examples":
                node[key] = _fix(value)
    elif isinstance(node, list):
        return [_fix(v) for v in node]
    return node


def _fix_document(document: Any) -> Any:
    if isinstance(document, dict):
        if "tags" in document and isinstance(document["tags"], dict):
            document["tags"] = dict(list(document["tags"].items())[:3]) or {"app": "bot"}
        if "environment" in document and "event_type" in document:
            document.setdefault("tags", {"app": "bot"})
        if "completion_tokens" in document and isinstance(document["completion_tokens"], int):
            document["completion_tokens"] -= document["completion_tokens"] % 2
            if isinstance(document.get("total_tokens"), int) and isinstance(document.get("prompt_tokens"), int):
                document["total_tokens"] = document["prompt_tokens"] + document["completion_tokens"]
        for key, value in document.items():
            document[key] = _fix_document(value)
    elif isinstance(document, list):
        return [_fix_document(v) for v in document]
    return document


def base_event(schemas: Path) -> dict[str, Any]:
    """A valid 2.0.0 token_usage event that sets every scratch member."""
    from llm_analytics_hub.schema_store import load_folder

    folder = load_folder(schemas / VERSION, VERSION)
    event = copy.deepcopy(folder.lookup("events.AnalyticsEvent").examples[0])
    event["schema_version"] = VERSION
    event["environment"], event["tags"] = "production", {"app": "bot"}
    usage = {"telemetry_type": "token_usage", "request_id": "req-1"}
    usage.update({name: value for name, _, value, _ in TOKEN_USAGE})
    event["payload"] = {"payload_type": "telemetry", "data": usage}
    return event


def probes(schemas: Path, groups: list[tuple[str, int, dict[str, Any]]]) -> list[Probe]:
    event = base_event(schemas)
    found = [Probe("valid: every scratch member set", "events.AnalyticsEvent", event, "")]
    for name, _, _, breaking in TOKEN_USAGE:
        for keyword, value in breaking.items():
            wrong = copy.deepcopy(event)
            wrong["payload"]["data"][name] = value
            found.append(Probe(f"{keyword}: payload/data/{name}", "events.AnalyticsEvent", wrong, keyword))
    for name, _, _, breaking in ENVELOPE:
        for keyword, value in breaking.items():
            wrong = copy.deepcopy(event)
            wrong[name] = value
            found.append(Probe(f"{keyword}: {name}", "events.AnalyticsEvent", wrong, keyword))
    wide = copy.deepcopy(event)
    wide["payload"]["data"].update(cache_read_input_tokens=1, cache_write_input_tokens=1, reasoning_tokens=1,
                                   streaming=True, response_id="r", response_model="m", provider="openai")
    found.append(Probe("maxProperties: payload/data", "events.AnalyticsEvent", wide, "maxProperties"))
    for n, (name, index, group) in enumerate(groups):
        for test in group["tests"]:
            found.append(Probe(f"{name} #{index} {group['description']} / {test['description']}", SUITE_TYPE,
                               {f"c{n}": test["data"]}, name.split("/")[-1].removesuffix(".json"), test["valid"]))
    return found
