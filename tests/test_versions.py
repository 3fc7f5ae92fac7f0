"""Released versions are immutable, new versions are one command, and versions share one stream."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from llm_analytics_hub.cli import main
from llm_analytics_hub.errors import HubError
from llm_analytics_hub.release import check_released, folder_hash, new_version, read_released, release
from llm_analytics_hub.validation import Validator, validate_stream

REPO_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    shutil.copytree(REPO_SCHEMAS / "1.0.0", target / "1.0.0")
    return target


def test_release_records_and_guards(root: Path) -> None:
    entry = release("1.0.0", root)
    assert entry["sha256"] == folder_hash(root / "1.0.0")
    assert read_released(root)["1.0.0"]["files"]["events/Severity.json"]
    assert list(check_released(root)) == []
    severity = root / "1.0.0" / "events" / "Severity.json"
    severity.write_text(severity.read_text(encoding="utf-8").replace("critical", "fatal"), encoding="utf-8")
    (root / "1.0.0" / "events" / "Extra.json").write_text("{}", encoding="utf-8")
    problems = list(check_released(root))
    assert {p.path.name for p in problems} == {"Severity.json", "Extra.json"}
    assert all("1.0.0 is immutable" in p.message for p in problems)
    with pytest.raises(HubError, match="already released"):
        release("1.0.0", root)
    release("1.0.0", root, force=True)
    assert list(check_released(root)) == []


def test_check_fails_when_a_released_folder_changes(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release("1.0.0", root)
    monkeypatch.setenv("LLM_HUB_SCHEMAS", str(root))
    path = root / "1.0.0" / "events" / "Severity.json"
    path.write_text(path.read_text(encoding="utf-8").replace("How serious", "How grave"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "Severity.json: [released] changed in a released version" in result.output


def test_folder_hash_sees_renames(root: Path) -> None:
    before = folder_hash(root / "1.0.0")
    (root / "1.0.0" / "events" / "Severity.json").rename(root / "1.0.0" / "events" / "Severity2.json")
    assert folder_hash(root / "1.0.0") != before


def test_new_version_copies_the_latest(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_HUB_SCHEMAS", str(root))
    result = CliRunner().invoke(main, ["new-version", "1.0.1"])
    assert result.exit_code == 0, result.output
    created = root / "1.0.1" / "events" / "AnalyticsEvent.json"
    document = json.loads(created.read_text(encoding="utf-8"))
    assert document["$id"] == "https://llm-analytics-hub.invalid/schemas/1.0.1/events/AnalyticsEvent.json"
    assert "1.0.1" not in read_released(root)
    assert "/schemas/1.0.0/" not in "".join(p.read_text(encoding="utf-8") for p in (root / "1.0.1").rglob("*.json"))
    compat = CliRunner().invoke(main, ["compat", str(root / "1.0.0"), str(root / "1.0.1"), "--no-empirical"])
    assert compat.exit_code == 0 and "verdict: patch" in compat.output
    for bad in ("1.0.1", "0.9.0", "x.y"):
        with pytest.raises(HubError):
            new_version(bad, root)


def test_repo_released_versions_are_intact() -> None:
    assert list(check_released(REPO_SCHEMAS)) == []


EVENT_110 = {
    "event_id": "5b1f0f3e-2c4d-4a8e-9f61-7d3c2b1a0e94", "timestamp": "2025-10-14T08:12:45Z",
    "source_module": "llm-observatory", "event_type": "telemetry", "schema_version": "1.1.0",
    "severity": "debug", "environment": "production", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    "payload": {"payload_type": "telemetry", "data": {
        "telemetry_type": "token_usage", "model_id": "m", "request_id": "r", "prompt_tokens": 10,
        "completion_tokens": 5, "total_tokens": 15, "cache_read_input_tokens": 4, "provider": "anthropic"}},
}


def test_one_stream_mixes_versions() -> None:
    old = {k: v for k, v in EVENT_110.items() if k != "trace_id"}
    old["schema_version"] = "1.0.0"
    old["payload"] = {"payload_type": "telemetry", "data": {
        k: v for k, v in EVENT_110["payload"]["data"].items()  # type: ignore[attr-defined]
        if k not in ("cache_read_input_tokens", "provider")}}
    absent = {k: v for k, v in old.items() if k != "schema_version"}
    mislabelled = dict(EVENT_110, schema_version="1.0.0")
    lines = [json.dumps(d) for d in (old, EVENT_110, absent, mislabelled)]
    results = list(validate_stream(lines, Validator()))
    assert [r.valid for r in results] == [True, True, True, False]
    assert any("trace_id" in f.message for f in results[3].errors)


def test_fast_path_stays_one_sided_on_1_1_0() -> None:
    """The fast path now also models minLength and number bounds (1.1.0 uses them): never a false 'valid'."""
    from llm_analytics_hub.compat.sample import Sampler
    from llm_analytics_hub.schema_store import load_version
    from llm_analytics_hub.schema_view.views import locate

    schemas = load_version("1.1.0")
    at = locate(schemas, "events/AnalyticsEvent.json")
    assert at is not None
    fast, reference = Validator(), Validator(engine="reference")
    documents = list(schemas.lookup("AnalyticsEvent").examples)
    documents += [Sampler(seed).sample(at) for seed in range(150)]
    proven = 0
    for document in documents:
        document = dict(document, schema_version="1.1.0")
        for variant in _near_misses(document):
            raw = json.dumps(variant).encode()
            if fast.fast_label(raw) is not None:
                proven += 1
                assert reference.is_valid(variant), variant
    assert proven > 100


def _near_misses(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = [document]
    data = document.get("payload", {}).get("data", {})
    for name, bad in (("provider", ""), ("operation", ""), ("time_per_output_token_ms", -0.5),
                      ("error_type", ""), ("server_address", ""), ("finish_reasons", [""])):
        if name in data:
            out.append({**document, "payload": {**document["payload"], "data": {**data, name: bad}}})
    if "trace_id" in document:
        out.append({**document, "trace_id": document["trace_id"].upper()})
    return out
