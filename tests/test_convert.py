"""`llm-hub convert` up and down on the whole corpus and every example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from llm_analytics_hub.cli import main
from llm_analytics_hub.conversion import Converter
from llm_analytics_hub.errors import HubError
from llm_analytics_hub.schema_store import load_version

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "schemas" / "corpus" / "1.0.0"


def corpus_entries() -> list[tuple[str, Any]]:
    entries = []
    for path in sorted(CORPUS.glob("*.valid.json")):
        entries += [(e["type"], e["payload"]) for e in json.loads(path.read_text(encoding="utf-8"))]
    return entries


def without_version(document: Any) -> Any:
    return {k: v for k, v in document.items() if k != "schema_version"} if isinstance(document, dict) else document


def test_up_on_the_whole_corpus() -> None:
    entries = corpus_entries()
    assert len(entries) > 500
    converters: dict[str, Converter] = {}
    for type_name, payload in entries:
        converter = converters.setdefault(type_name, Converter("1.1.0", type_name, source="1.0.0"))
        result = converter.convert(payload)
        assert result.errors == [], (type_name, payload)
        assert result.dropped == []
        assert without_version(result.document) == without_version(payload)  # nothing invented
        if converter.versioned:
            assert result.document["schema_version"] == "1.1.0"


def test_down_on_every_example_and_back() -> None:
    old = load_version("1.0.0")
    old_names = {t.qualified for t in old.types}
    converted = 0
    for entry in load_version("1.1.0").types:
        if entry.qualified not in old_names:
            with pytest.raises(HubError):
                Converter("1.0.0", entry.qualified, source="1.1.0")
            continue
        down = Converter("1.0.0", entry.qualified, source="1.1.0")
        up = Converter("1.1.0", entry.qualified, source="1.0.0")
        for example in entry.examples:
            result = down.convert(example)
            assert result.errors == [], (entry.qualified, example, result.errors)
            back = up.convert(result.document)
            assert back.errors == [] and back.dropped == []
            if not result.dropped:
                assert without_version(back.document) == without_version(example)
            converted += 1
    assert converted > 300


def test_down_reports_every_dropped_member() -> None:
    example = load_version("1.1.0").lookup("AnalyticsEvent").examples[-2]
    result = Converter("1.0.0").convert(example)
    assert result.errors == []
    assert result.document["schema_version"] == "1.0.0"
    assert "/trace_id" in result.dropped and "/span_id" in result.dropped
    assert "/payload/data/cache_read_input_tokens" in result.dropped
    assert "/payload/data/prompt_tokens_by_modality" in result.dropped
    assert "trace_id" not in result.document
    assert result.document["payload"]["data"]["prompt_tokens"] == example["payload"]["data"]["prompt_tokens"]


def test_down_on_the_corpus_is_lossless_for_1_0_0_payloads() -> None:
    converters: dict[str, Converter] = {}
    for type_name, payload in corpus_entries():
        converter = converters.setdefault(type_name, Converter("1.0.0", type_name, source="1.1.0"))
        result = converter.convert(payload)
        assert result.errors == [] and result.dropped == [], (type_name, payload)


def test_cli(tmp_path: Path) -> None:
    examples = load_version("1.1.0").lookup("AnalyticsEvent").examples
    source = tmp_path / "mixed.ndjson"
    source.write_text("".join(json.dumps(e) + "\n" for e in examples) + "not json\n", encoding="utf-8")
    report = tmp_path / "report.ndjson"
    result = CliRunner().invoke(main, ["convert", "--to", "1.0.0", str(source), "--report", str(report)])
    assert result.exit_code == 1  # the last line is not JSON
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(examples)
    assert all(d["schema_version"] == "1.0.0" for d in lines)
    assert f"{source}:{len(examples) - 1}: dropped /trace_id" in result.stderr
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert sum(len(r["dropped"]) for r in rows) > 10
    out = tmp_path / "down.ndjson"
    out.write_text(result.stdout, encoding="utf-8")
    checked = CliRunner().invoke(main, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    crossing = CliRunner().invoke(main, ["convert", "--to", "2.0.0", str(out)])
    assert crossing.exit_code == 2
