"""The bundled samples meant to be clean pass the tool's own strictest reading (`validate --semantic`),
and the clean event sample still covers every payload variant of AnalyticsEvent."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_runner import Hub

from llm_analytics_hub.schema_store import SchemaSet, TypeEntry, load_version
from llm_analytics_hub.schema_view.layout import tagged_union, union_members

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SUFFIXES = (".json", ".ndjson", ".jsonl", ".json.gz", ".ndjson.gz", ".jsonl.gz")
# Samples with planted mistakes, there to show what a finding looks like: not meant to be clean.
WITH_MISTAKES = "with-mistakes"
# A sample names its type: "-query" files are TimeSeriesQuery documents, every other one holds events.
SCHEMA_OF = {"-query": "TimeSeriesQuery"}
CLEAN = sorted(p for p in EXAMPLES.rglob("*") if p.name.endswith(SUFFIXES) and WITH_MISTAKES not in p.name
               and "node_modules" not in p.parts)


def test_the_clean_samples_are_found() -> None:
    assert EXAMPLES / "sample-events.ndjson" in CLEAN


@pytest.mark.parametrize("sample", CLEAN, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_a_clean_sample_passes_the_semantic_lint(hub: Hub, sample: Path) -> None:
    schema = next((["--schema", name] for marker, name in SCHEMA_OF.items() if marker in sample.name), [])
    code, invalid, summary, stderr = hub.validate_json("--semantic", *schema, sample)
    assert (code, invalid, stderr) == (0, [], "")
    assert summary["documents"] == summary["valid"] > 0


def _labels(folder: SchemaSet, entry: TypeEntry, prefix: tuple[str, ...] = ()) -> set[str]:
    """Every label a document of `entry` can have: the chain of tags down its tagged unions."""
    union = tagged_union(folder, entry)
    if union is None:
        members = union_members(folder, entry)
        return _labels(folder, members[0][1], prefix) if members else {"/".join(prefix)}
    found: set[str] = set()
    for tag, variant in union.variants.items():
        chain = (*prefix, str(tag))
        found |= _labels(folder, variant, chain) if variant is not None else {"/".join(chain)}
    return found


def test_the_clean_event_sample_covers_every_payload_variant(hub: Hub) -> None:
    folder = load_version("1.0.0")
    expected = _labels(folder, folder.lookup("AnalyticsEvent"))
    done = hub.validate(EXAMPLES / "sample-events.ndjson")
    by_type = next(line for line in done.stdout.splitlines() if line.startswith("by type: "))
    seen = {item.rsplit(" ", 1)[0] for item in by_type.removeprefix("by type: ").split(", ")}
    assert len(expected) >= 19 and seen == expected
