"""Typing: mypy --strict accepts the generated packages and every example assigned to its TypedDict."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from llm_analytics_hub import runtime
from llm_analytics_hub.codegen.python.text import literal
from llm_analytics_hub.runtime.model import binding_of
from llm_analytics_hub.schema_store import load_version

SCHEMAS = load_version("1.0.0")
CORPUS = Path(__file__).resolve().parents[1] / "schemas" / "corpus" / "1.0.0"
# mypy does not implement PEP 728 `extra_items` yet: extra members of open objects cannot be typed.
OPEN_EXTRAS_IGNORE = "  # type: ignore[typeddict-unknown-key, typeddict-item, assignment]"


def mypy(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def _strip_extras(value: Any, kind: Any) -> Any:
    """`value` (of the runtime kind `kind`) with every open object's extra members emptied and every
    map variant of a tagged union emptied (test-only: mypy cannot type those members yet)."""
    if value is None:
        return None
    match kind:
        case runtime.ModelOf() if isinstance(kind.cls._hub.shape, runtime.ObjectShape):
            shape = kind.cls._hub.shape
            changes = {m.attr: _strip_extras(getattr(value, m.attr), m.kind) for m in shape.members}
            if shape.extra is not None:
                changes[shape.extra[0]] = {}
            for attr, changed in changes.items():  # in place: the wire memory (nulls, defaults) stays
                object.__setattr__(value, attr, changed)
            return value
        case runtime.UnionOf() if isinstance(binding_of(kind.alias).shape, runtime.TaggedShape):
            if isinstance(value, dict):
                return {}
            return _strip_extras(value, runtime.ModelOf(type(value)))
        case runtime.ListOf():
            return [_strip_extras(item, kind.item) for item in value]
        case runtime.MapOf():
            return {key: _strip_extras(item, kind.value) for key, item in value.items()}
        case runtime.Nullable():
            return _strip_extras(value, kind.inner)
        case _:
            return value


def without_extras(entry: Any, example: Any) -> Any:
    module = importlib.import_module(f"llm_analytics_hub.models.v1_0_0.{entry.area}")
    model_type = getattr(module, entry.name)
    loaded = runtime.from_dict(model_type, example)
    if not isinstance(model_type, type):
        kind: Any = runtime.UnionOf(model_type)
    elif issubclass(model_type, runtime.Model):
        kind = runtime.ModelOf(model_type)
    else:
        return example  # an enum or a newtype: nothing open inside
    return runtime.to_dict(_strip_extras(loaded, kind), model_type)


def write_examples_module(path: Path) -> tuple[int, int]:
    lines = ['"""Every schema example (and corpus payload) assigned to its TypedDict."""', "",
             "from __future__ import annotations", ""]
    lines += [f"from llm_analytics_hub.typeddicts.v1_0_0 import {a} as td_{a}"
              for a in sorted({e.area for e in SCHEMAS.types})]
    lines.append("")
    cases: list[tuple[Any, Any]] = [(e, x) for e in SCHEMAS.types for x in e.examples]
    for path_ in sorted(CORPUS.glob("*.valid.json")) if CORPUS.is_dir() else []:
        cases += [(SCHEMAS.lookup(c["type"]), c["payload"]) for c in json.loads(path_.read_text(encoding="utf-8"))]
    total = with_extras = 0
    for index, (entry, example) in enumerate(cases):
        stripped = without_extras(entry, example)
        target = f"td_{entry.area}.{entry.name}"
        lines.append(f"case_{index}: {target} = {literal(stripped)}")
        total += 1
        if stripped != example:
            lines.append(f"case_{index}_full: {target} = {literal(example)}{OPEN_EXTRAS_IGNORE}")
            with_extras += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total, with_extras


def test_mypy_strict_on_generated_packages(tmp_path: Path) -> None:
    result = mypy(tmp_path, "-p", "llm_analytics_hub.models", "-p", "llm_analytics_hub.typeddicts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_example_type_checks_against_its_typeddict(tmp_path: Path) -> None:
    total, with_extras = write_examples_module(tmp_path / "examples_check.py")
    assert total >= 396
    assert with_extras < total // 10  # only open objects with extra members need the ignore
    result = mypy(tmp_path, "--no-warn-unused-ignores", "examples_check.py")
    assert result.returncode == 0, result.stdout[-5000:]


def test_a_wrong_payload_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "wrong.py").write_text(
        "from llm_analytics_hub.typeddicts.v1_0_0 import events\n"
        "ok: events.LatencyMetrics = {'model_id': 'm', 'request_id': 'r', 'total_latency_ms': 1.0}\n"
        "bad_type: events.LatencyMetrics = {'model_id': 1, 'request_id': 'r', 'total_latency_ms': 1.0}\n"
        "bad_tag: events.TelemetryPayload = {'telemetry_type': 'latencyy', 'model_id': 'm', 'request_id': 'r',"
        " 'total_latency_ms': 1.0}\n"
        "bad_key: events.LatencyMetrics = {'model_id': 'm', 'request_id': 'r', 'total_latency': 1.0}\n"
        "bad_enum: events.Severity = 'loud'\n", encoding="utf-8")
    result = mypy(tmp_path, "wrong.py")
    assert result.returncode == 1
    for line in (3, 4, 5, 6):
        assert f"wrong.py:{line}:" in result.stdout, result.stdout
    assert "wrong.py:2:" not in result.stdout


CONSUMER = """
from typing import assert_type

from llm_analytics_hub.models.v1_0_0 import events


def latency_ms(line: bytes) -> float | None:
    event = events.AnalyticsEvent.from_json(line)
    assert_type(event, events.AnalyticsEvent)
    match event.payload:
        case events.LatencyMetrics(total_latency_ms=total):
            assert_type(total, float)
            return total
        case events.ThreatEvent() | events.CustomPayload():
            return None
        case _:
            return None


def written(event: events.AnalyticsEvent) -> bytes:
    return event.to_json()


wrong: str = events.AnalyticsEvent.from_json(b"{}").to_json()
"""


def test_a_consumer_matching_on_payloads_type_checks(tmp_path: Path) -> None:
    (tmp_path / "consumer.py").write_text(CONSUMER, encoding="utf-8")
    result = mypy(tmp_path, "consumer.py")
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    wrong_line = CONSUMER.splitlines().index('wrong: str = events.AnalyticsEvent.from_json(b"{}").to_json()') + 1
    assert len(errors) == 1 and f"consumer.py:{wrong_line}:" in errors[0] and "bytes" in errors[0], result.stdout


def test_typeddicts_document_every_member_and_name_variants_readably() -> None:
    """Each TypedDict member carries its description as a docstring (as the dataclass fields do), and a
    union variant's TypedDict is named like the union and its tag, exported with the types."""
    import ast

    from llm_analytics_hub.typeddicts.v1_0_0 import events

    source = Path(events.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for name, node in classes.items():
        assert "_" not in name, name
        members = [(item, node.body[index + 1] if index + 1 < len(node.body) else None)
                   for index, item in enumerate(node.body) if isinstance(item, ast.AnnAssign)]
        assert members, name
        for member, doc in members:
            assert isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant), (name, ast.unparse(member))
    latency = classes["TelemetryPayloadLatency"]
    assert ast.get_docstring(latency) == (
        'The "latency" variant of TelemetryPayload: the members of LatencyMetrics with\n`telemetry_type` beside them.')
    assert {"TelemetryPayloadLatency", "EventPayloadTelemetry", "ThreatTypeOther"} <= set(events.__all__)
    assert events.TelemetryPayload == (
        "TelemetryPayloadLatency | TelemetryPayloadThroughput | TelemetryPayloadErrorRate"
        " | TelemetryPayloadTokenUsage | TelemetryPayloadModelPerformance")
