"""Valid events as Parquet on Spark, with the generated Arrow schema (storage/, docs/storage.md).

    from llm_analytics_hub.spark.storage import events_dataframe, write_events

    lines = spark.read.text("s3a://lake/raw/dt=2026-11-29/")
    write_events(events_dataframe(lines), "s3a://lake/events/")      # event_date=…/payload_type=…/*.parquet

mapInArrow validates each line exactly as `validate_dataframe` does and turns the valid ones into the
wide rows of the events table (the same compiled shredder and encoder as `llm-hub load`); invalid lines
are dropped here (`validate_dataframe` reports them). The folder gets `_hub_storage.json`, so `llm-hub
export --from parquet://…` and `llm-hub query` read what Spark wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from ..storage.blocks import Target, encode_rows, set_target
from ..storage.ddl import arrow_schema
from ..storage.layout import EVENTS_TABLE, events_table
from ..validation.core import ValidatorSpec, validator_for
from ..validation.inputs import JSON_WHITESPACE
from ..validation.stream import check_raw
from ..versions import available_versions

MARKER = "_hub_storage.json"


def _rows_of_batches(batches: Iterable[pa.RecordBatch], spec: ValidatorSpec, version: str) -> Iterator[pa.RecordBatch]:
    validator = validator_for(spec)
    target = Target(version, "arrow-wide")
    set_target(target)
    for batch in batches:
        valid = []
        for number, raw in enumerate(batch.column(0).cast(pa.binary()).to_pylist()):
            if raw is None or not raw.strip(JSON_WHITESPACE):
                continue
            if not check_raw(raw, validator, "", number + 1).errors:
                valid.append((number, raw))
        rows = encode_rows(valid, validator, target)
        if rows.too_new is not None:
            raise ValueError(f"a {rows.too_new[1]} event is newer than the table's version {version}")
        if rows.count:
            yield rows.data[EVENTS_TABLE]


def events_dataframe(df: Any, column: str = "value", *, version: str | None = None) -> Any:
    """A DataFrame of the valid events among `column`'s lines, one row each, with the events table's wide
    schema at `version` (default: the newest)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    chosen = version or available_versions()[-1]
    spec = ValidatorSpec()
    spec.build()
    schema = from_arrow_schema(arrow_schema(events_table(chosen)))
    lines = df.select(F.col(column).cast("string").alias("document"))
    return lines.mapInArrow(lambda batches: _rows_of_batches(batches, spec, chosen), schema)


def write_events(events: Any, folder: str, *, version: str | None = None) -> None:
    """Append the events to a Parquet folder partitioned by event date and payload type, and record the
    version the files follow (as `llm-hub load --into parquet://` does)."""
    from pyspark.sql import functions as F

    chosen = version or available_versions()[-1]
    spark = events.sparkSession
    setting = "spark.sql.parquet.outputTimestampType"  # Spark's default, INT96, is not the Arrow schema's type
    before = spark.conf.get(setting, None)
    spark.conf.set(setting, "TIMESTAMP_MICROS")
    try:
        (events.withColumn("event_date", F.to_date(F.col("timestamp")))
         .withColumn("payload_type", F.col("payload__payload_type"))
         .write.mode("append").partitionBy("event_date", "payload_type").parquet(folder))
    finally:
        if before is None:
            spark.conf.unset(setting)
        else:
            spark.conf.set(setting, before)
    marker = json.dumps({"tables": {EVENTS_TABLE: chosen}}, indent=2) + "\n"
    jvm_path = spark._jvm.org.apache.hadoop.fs.Path(folder.rstrip("/") + "/" + MARKER)
    filesystem = jvm_path.getFileSystem(spark._jsc.hadoopConfiguration())
    stream = filesystem.create(jvm_path, True)
    stream.write(bytearray(marker.encode("utf-8")))
    stream.close()
