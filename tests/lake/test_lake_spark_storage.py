"""Spark writes valid events as Parquet with the generated Arrow schema; `llm-hub export` reads them back
in the producers' form (tests/test_storage_roundtrip.py does the same for `llm-hub load`)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.spark.storage import events_dataframe, write_events
from llm_analytics_hub.storage.ddl import arrow_schema
from llm_analytics_hub.storage.layout import events_table


def test_spark_writes_the_generated_schema_and_export_reads_it_back(spark: Any, tmp_path: Path) -> None:
    events = []
    for index, example in enumerate(load_version("1.1.0").lookup("AnalyticsEvent").examples):
        events.append({**example, "event_id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"spark{index}"))})
    lines = [json.dumps(e) for e in events] + ['{"not": "an event"}', "not json"]
    source = tmp_path / "events.ndjson"
    source.write_text("\n".join(lines) + "\n")
    folder = tmp_path / "lake"
    write_events(events_dataframe(spark.read.text(str(source))), str(folder))
    files = sorted(folder.rglob("*.parquet"))
    assert files and all(f.parent.name.startswith("payload_type=") for f in files)
    expected = arrow_schema(events_table("1.1.0")).remove_metadata()
    for file in files:
        written = pq.read_schema(file).remove_metadata()
        assert [(f.name, f.type) for f in written] == [(f.name, f.type) for f in expected]
    exported = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "export", "--from",
                               f"parquet://{folder}"], capture_output=True, text=True, check=True)
    back = {json.loads(line)["event_id"]: json.loads(line) for line in exported.stdout.splitlines()}
    assert len(back) == len(events)
    for event in events:
        assert back[event["event_id"]] == event
