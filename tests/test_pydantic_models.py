"""The pydantic v2 models (llm_analytics_hub.pydantic.<version>.<area>, written by datamodel-code-generator
from the codegen profile) accept exactly what the validator accepts, and write producer-form
payloads back unchanged.

Agreement: every case of tests/agreement_cases.py that names a version (examples, corpus payloads,
mutants; a pydantic model is one version's type, so the dispatched cases, which the validator
routes by `schema_version`, are not for it) goes through `Model.model_validate_json(text)` (a
`TypeAdapter` for the enum types, which are `StrEnum`s, not models) and must get the validator's verdict.

Round trip: every example and valid corpus payload (the producers' output form) comes back from
`model_dump_json(by_alias=True, exclude_unset=True)` (a union's adapter's `dump_json`) as the same JSON
value.

INHERENT_DIFFERENCES are the only exceptions; each is a rule checked on the document, not a list
of cases, and each must still be needed (a rule that no case uses fails the test).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from agreement_cases import Case, cases, python_outcome
from pydantic import BaseModel, RootModel, TypeAdapter, ValidationError

from llm_analytics_hub.codegen.ir import module_name

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "generated" / "jsonschema-codegen"
PACKAGE = ROOT / "generated" / "python" / "llm_analytics_hub" / "pydantic"

INHERENT_DIFFERENCES = {
    "integral float": (
        "A number with a zero fraction where the schema says integer (5.0): JSON Schema counts it as an "
        "integer, pydantic's strict int refuses it, as serde (the producers' reader) does, and the "
        "schemas' own descriptions say to write integers without a fraction. Lax int would take 5.0 but "
        "also \"5\", which the schemas refuse; the models keep strict int. Rule: the validator accepts, "
        "pydantic refuses, and pydantic accepts the same document once each integral float is an int."
    ),
}


@cache
def model(version: str, qualified: str) -> Any:
    area, name = qualified.split(".")
    module = importlib.import_module(f"llm_analytics_hub.pydantic.{module_name(version)}.{area}")
    return getattr(module, name)


@cache
def adapter(cls: Any) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, BaseModel)


def load(cls: Any, text: str) -> Any:
    return cls.model_validate_json(text) if is_model(cls) else adapter(cls).validate_json(text)


def dump(cls: Any, value: Any) -> Any:
    """The JSON `cls` writes for `value`: a union's value is its variant's own class (a LatencyMetrics),
    which writes its tag only as a member of the union, so a union is dumped by its adapter."""
    if is_model(cls):
        text = value.model_dump_json(by_alias=True, exclude_unset=True)
    else:
        text = adapter(cls).dump_json(value, by_alias=True, exclude_unset=True).decode()
    return json.loads(text)


def accepts(cls: Any, document: Any) -> bool:
    try:
        load(cls, json.dumps(document))
    except ValidationError:
        return False
    return True


def integral_floats_as_ints(node: Any) -> Any:
    if isinstance(node, float) and node.is_integer() and abs(node) < 2**64:
        return int(node)
    if isinstance(node, dict):
        return {k: integral_floats_as_ints(v) for k, v in node.items()}
    if isinstance(node, list):
        return [integral_floats_as_ints(v) for v in node]
    return node


def versioned_cases() -> list[Case]:
    return [case for case in cases() if case.version is not None]


def producer_form(case: Case) -> bool:
    """Examples and valid corpus payloads, not mutants (whose origin names the change after a comma)."""
    return "," not in case.origin and ("example" in case.origin or ".valid.json" in case.origin)


def test_every_catalogue_type_has_a_model_by_its_title() -> None:
    for version_dir in sorted(PROFILE.iterdir()):
        if not version_dir.is_dir():
            continue
        for bundle in sorted(version_dir.glob("*/*.json")):
            qualified = f"{bundle.parent.name}.{bundle.stem}"
            assert model(version_dir.name, qualified) is not None, qualified


def test_models_accept_exactly_what_the_validator_accepts() -> None:
    problems: list[str] = []
    used: set[str] = set()
    every = versioned_cases()
    assert len(every) > 10_000
    for case in every:
        assert case.version is not None
        cls = model(case.version, case.type_name)
        valid = python_outcome(case)[0]
        if accepts(cls, case.document) == valid:
            continue
        if valid and accepts(cls, integral_floats_as_ints(case.document)):
            used.add("integral float")
            continue
        verdict = "accepts" if valid else "rejects"
        problems.append(f"{case.type_name} @ {case.version} {case.origin}: validator {verdict}, pydantic does not"
                        f"\n    {json.dumps(case.document)[:300]}")
    assert not problems, f"{len(problems)} disagreements:\n" + "\n".join(problems[:30])
    assert "integral float" in used


def test_producer_form_payloads_round_trip() -> None:
    problems: list[str] = []
    checked = 0
    for case in versioned_cases():
        assert case.version is not None
        if not producer_form(case) or not python_outcome(case)[0]:
            continue
        cls = model(case.version, case.type_name)
        back = dump(cls, load(cls, json.dumps(case.document)))
        checked += 1
        if back == case.document:
            continue
        problems.append(f"{case.type_name} @ {case.version} {case.origin}:\n    in:  {json.dumps(case.document)[:300]}"
                        f"\n    out: {json.dumps(back)[:300]}")
    assert checked > 500
    assert not problems, f"{len(problems)} payloads change on a round trip:\n" + "\n".join(problems[:20])


def test_models_read_like_pydantic_models() -> None:
    """Discriminated unions on the tags, closed objects forbid extras, absent is not null, exact bounds."""
    events = importlib.import_module("llm_analytics_hub.pydantic.v1_0_0.events")
    event = json.loads((ROOT / "examples" / "sample-events.ndjson").read_text(encoding="utf-8").splitlines()[0])
    loaded = events.AnalyticsEvent.model_validate_json(json.dumps(event))
    assert loaded.payload.payload_type == event["payload"]["payload_type"] == "telemetry"
    assert type(loaded.payload.data) is events.LatencyMetrics  # the variant's own class, no wrapper
    assert f"{loaded.event_id}" == event["event_id"]  # a uuid member is a str, not a RootModel
    match loaded.payload.data:
        case events.LatencyMetrics(total_latency_ms=latency):
            assert latency == event["payload"]["data"]["total_latency_ms"]
        case _:
            pytest.fail("not matched as LatencyMetrics")
    built = events.AnalyticsEvent.model_validate({**event, "payload": events.EventPayloadTelemetry(
        payload_type="telemetry", data=loaded.payload.data)})
    assert json.loads(built.model_dump_json(by_alias=True, exclude_unset=True))["payload"] == event["payload"]
    assert not any(isinstance(v, type) and issubclass(v, RootModel) for v in vars(events).values())
    assert not hasattr(importlib.import_module("llm_analytics_hub.pydantic.v1_0_0"), "Model")
    text = (PACKAGE / "v1_0_0" / "events.py").read_text(encoding="utf-8")
    assert 'InternalTag(\n            "TelemetryPayload",\n            "telemetry_type"' in text
    assert 'Field(discriminator="payload_type"' in text
    assert "class TelemetryPayloadLatency" not in text  # deleted by codegen/pydantic_unions.py
    assert events.LatencyMetrics.model_config.get("extra") == "forbid"
    latency = {"model_id": "m", "request_id": "r", "total_latency_ms": 1.5}
    assert events.LatencyMetrics.model_validate(latency).model_dump(exclude_unset=True) == latency
    for bad in ({**latency, "surprise": 1}, {**latency, "request_id": None}, {**latency, "total_latency_ms": "1"}):
        with pytest.raises(ValidationError):
            events.LatencyMetrics.model_validate_json(json.dumps(bad))
    cost = {"provider": "p", "api_endpoint": "/v1", "request_count": 2**64 - 1, "cost_per_request": 0.5,
            "total_cost_usd": 1.0, "billing_period": "2024-01"}  # request_count is a u64
    assert accepts(events.ApiCostEvent, cost)
    assert dump(events.ApiCostEvent, load(events.ApiCostEvent, json.dumps(cost))) == cost
    assert not accepts(events.ApiCostEvent, {**cost, "request_count": 2**64})
    assert not accepts(events.ApiCostEvent, {**cost, "request_count": -1})


def test_the_imported_models_are_the_generated_ones() -> None:
    """The editable install keeps a copy of generated/ (hatch force-include); tests must not read a stale one."""
    for path in sorted(PACKAGE.rglob("*.py")):
        dotted = ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module("llm_analytics_hub.pydantic" + ("." + dotted if dotted != "__init__" else ""))
        assert module.__file__ is not None
        assert Path(module.__file__).read_bytes() == path.read_bytes(), (
            f"{module.__file__} is not {path}: reinstall after `llm-hub generate` (pip install -e . --no-deps)")


def test_models_and_the_example_service_pass_mypy_strict(tmp_path: Path) -> None:
    runs = ((["-p", "llm_analytics_hub.pydantic"], tmp_path), (["app.py"], ROOT / "examples" / "fastapi_receiver"))
    for args, cwd in runs:
        result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args],
                                capture_output=True, text=True, cwd=cwd, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
