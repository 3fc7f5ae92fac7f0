"""The storage target: the table layout read from the IR, the generated DDL and Arrow schema, and the
row converters' round trip in memory (the database round trips are in test_storage_roundtrip.py)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import duckdb
import pytest
from storage_support import documents, leaf_pointers, producer_form

from llm_analytics_hub.codegen.ir import GeneratorError, build_version
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.storage.ddl import arrow_schema, create_statements
from llm_analytics_hub.storage.instants import join_instant, split_instant
from llm_analytics_hub.storage.layout import events_table, table_layout
from llm_analytics_hub.storage.rows import assembler, shredder
from llm_analytics_hub.versions import available_versions

REPO = Path(__file__).resolve().parents[1]
VERSIONS = available_versions(REPO / "schemas")


@pytest.mark.parametrize("version", VERSIONS)
def test_the_generated_files_are_what_the_loader_runs(version: str) -> None:
    table = events_table(version)
    folder = REPO / "generated" / "storage" / version
    for dialect in ("duckdb", "postgres"):
        text = (folder / f"analytics_events.{dialect}.sql").read_text()
        for statement in create_statements(table, dialect):
            assert statement in text
    generated = runpy.run_path(str(folder / "analytics_events_arrow.py"))["SCHEMA"]
    assert generated.equals(arrow_schema(table), check_metadata=True)
    connection = duckdb.connect()
    connection.execute((folder / "analytics_events.duckdb.sql").read_text())
    described = connection.execute(f"DESCRIBE {table.view}").fetchall()
    assert [row[0] for row in described] == [c.name for c in table.columns]
    for part in table.parts:
        described = connection.execute(f"DESCRIBE {part.name}").fetchall()
        assert [row[0] for row in described] == [table.columns[p].name for p in part.columns]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_member_of_every_variant_is_a_typed_column(version: str) -> None:
    """Every leaf value of every example and valid corpus event lands in a column named for its path
    (no JSON blob for a declared member), and every variant has its column group."""
    table = events_table(version)
    pointers = {(c.variant, c.pointer) for c in table.columns}
    json_columns = {c.pointer for c in table.columns if c.type.kind in ("json", "map", "list")}
    seen_variants = set()
    for document in documents(version):
        label = label_of(document)
        seen_variants.add(label)
        for pointer in leaf_pointers(document):
            if any(pointer == p or pointer.startswith(p + "/") for p in json_columns):
                continue
            assert any(p == pointer and (v == "" or label == v or label.startswith(v + "/")) for v, p in pointers), (
                label, pointer)
    assert seen_variants == set(table.variants)
    assert len(table.variants) == 19
    assert all(len(c.name.encode()) <= 63 for c in table.columns)
    kinds = {c.name: c.type.kind for c in table.columns}
    assert kinds["custom__data"] == "json" and kinds["tags"] == "map"
    assert kinds["compliance_check__findings"] == "list"
    assert {"payload__payload_type", "telemetry__telemetry_type", "threat__threat_type",
            "threat__threat_type__other", "timestamp__ns", "timestamp__text"} <= kinds.keys()


def label_of(document: dict[str, Any]) -> str:
    payload = document["payload"]
    inner = payload["data"]
    tag = next((key for key in inner if key.endswith("_type")), None) if payload["payload_type"] != "custom" else None
    return payload["payload_type"] + (f"/{inner[tag]}" if tag else "")


def test_a_minor_version_only_adds_columns() -> None:
    old, new = events_table("1.0.0"), events_table("1.1.0")
    new_columns = {c.name: c for c in new.columns}
    for column in old.columns:
        assert new_columns[column.name].type == column.type


@pytest.mark.parametrize("version", VERSIONS)
def test_documents_survive_the_row_form(version: str) -> None:
    table = events_table(version)
    shred, assemble = shredder(table), assembler(table)
    for document in documents(version):
        assert assemble(shred(document)) == producer_form(document, version)


@pytest.mark.parametrize("text", [
    "2024-01-15T10:00:00Z", "2024-01-15T10:00:00.120Z", "2024-01-15T10:00:00.123456Z",
    "2024-01-15T10:00:00.123456789Z", "2024-01-15T10:00:00.100000Z", "2024-01-15T12:00:00.5+02:00",
    "2024-01-15t10:00:00z", "1969-12-31T23:59:59.999999Z", "2016-12-31T23:59:60Z", "2024-02-29T00:00:00-00:00",
])
def test_instants_keep_their_text(text: str) -> None:
    micros, nanos, original = split_instant(text)
    assert join_instant(micros, nanos, original) == text
    canonical = text.endswith("Z") and "T" in text and ".100000" not in text and ":60" not in text
    assert (original is None) == canonical


def test_what_the_layout_cannot_hold_is_refused_by_name() -> None:
    version = build_version(load_version(VERSIONS[0]))
    with pytest.raises(GeneratorError, match=r"untagged union|open object"):
        table_layout_of(version, "timeseries", "TimeSeriesPoint")


def table_layout_of(version: Any, area: str, name: str) -> Any:
    from llm_analytics_hub.storage import layout

    layout.STORED[(area, name)] = "scratch"
    try:
        return table_layout(version, area, name)
    finally:
        del layout.STORED[(area, name)]


def test_generated_ddl_is_deterministic() -> None:
    from llm_analytics_hub.codegen.storage import render_storage

    versions = [build_version(load_version(v)) for v in VERSIONS]
    assert json.dumps(render_storage(versions)) == json.dumps(render_storage(versions))


@pytest.mark.parametrize("version", VERSIONS)
def test_the_compiled_shredder_gives_the_plain_readings_values(version: str) -> None:
    """storage/columnar.py (the loader's, generated code) against rows.shredder (the plain reading), column
    by column, over every example and corpus event: the same values, each in its variant's table."""
    from llm_analytics_hub.storage.columnar import compile_shredder
    from llm_analytics_hub.storage.rows import variant_finder

    table = events_table(version)
    docs = documents(version)
    values: list[list[Any]] = [[] for _ in table.columns]
    parts: list[int] = []
    keys: list[list[Any]] = [[] for _ in table.parts]
    shred = compile_shredder(table)(values, parts.append, keys)
    for document in docs:
        shred(document)
    wide, find = shredder(table), variant_finder(table)
    rows = [wide(document) for document in docs]
    number = {part.variant: n for n, part in enumerate(table.parts)}
    assert parts == [number[find(row)] for row in rows]
    for n, part in enumerate(table.parts):
        mine = [row for row, p in zip(rows, parts, strict=True) if n == 0 or p == n]
        for position in part.columns[1 if n else 0:]:
            assert values[position] == [row[position] for row in mine], table.columns[position].name
        if n:
            assert keys[n] == [row[part.columns[0]] for row in mine]


def test_check_names_every_problem_of_a_timeseries_mapping(tmp_path: Path) -> None:
    """The mapping is data beside the schemas, checked like schemas/producer-output by `llm-hub check`."""
    import shutil

    from llm_analytics_hub.check import check_folder

    root = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", root)
    path = root / "timeseries-mapping" / "1.1.0.json"
    mapping = json.loads(path.read_text())
    latency = mapping["measurements"]["llm_latency"]
    latency["fields"]["latency_ms"] = "/payload/data/no_such_member"
    latency["tags"]["model_id"] = "/payload/data/total_latency_ms"
    mapping["measurements"]["bogus"] = {"variant": "telemetry/nope", "fields": {}}
    path.write_text(json.dumps(mapping))
    found = [f for f in check_folder(root / "1.1.0", "1.1.0") if f.rule == "timeseries-mapping"]
    messages = [f.message for f in found]
    assert any("no_such_member names no member of variant telemetry/latency" in m for m in messages), messages
    assert any("total_latency_ms is a double member; expected text or uuid" in m for m in messages), messages
    assert any("'telemetry/nope' is not a payload variant" in m for m in messages), messages
    assert not [f for f in check_folder(REPO / "schemas" / "1.1.0", "1.1.0") if f.rule == "timeseries-mapping"]
