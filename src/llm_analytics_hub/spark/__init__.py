"""Validate documents on Spark (extra `llm-analytics-hub[spark]`): mapInArrow over Arrow batches,
compiled validators cached per Python worker, the same verdicts as `llm-hub validate`.

    from llm_analytics_hub.spark import validate_dataframe, validate_files, summarize

    lines = spark.read.text("s3a://lake/events/dt=2026-11-29/")            # one row per line
    findings = validate_dataframe(lines)                                     # file, line, valid, label, errors
    print(summarize(findings).as_dict())

    findings = validate_files(spark, ["s3://lake/events/dt=2026-11-29/"],   # exact line numbers,
                              invalid_out="s3://lake/quarantine/dt=2026-11-29/")  # quarantine outputs
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from ..errors import InputError
from ..validation.core import ValidatorSpec
from ..validation.inputs import InputSource, collect_sources
from ..validation.quarantine import output_names
from ..validation.remote import StorageOptions
from ..validation.reporters import Tally
from .arrow import FINDINGS_DDL, UNREADABLE, findings_of_batches
from .files import TASK_DDL, check_inputs, files_under

__all__ = ["FINDINGS_DDL", "summarize", "validate_dataframe", "validate_files"]


def _spec(schema: str | None, version: str | None, lenient: bool, semantic: bool) -> ValidatorSpec:
    spec = ValidatorSpec(schema, version, lenient=lenient, semantic=semantic)
    spec.build()  # an unknown type or version fails here, on the driver, once
    return spec


def _file_column(df: Any, file_column: str | None) -> Any:
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    if file_column is not None:
        return F.col(file_column).cast("string")
    try:  # file sources expose the hidden _metadata column (Databricks' recommended way)
        df.select("_metadata.file_path").schema  # noqa: B018 - resolves the column now
        return F.col("_metadata.file_path")
    except AnalysisException:
        return F.lit(None).cast("string")


def validate_dataframe(df: Any, column: str = "value", *, file_column: str | None = None,
                       line_column: str | None = None, schema: str | None = None, version: str | None = None,
                       lenient: bool = False, semantic: bool = False) -> Any:
    """A DataFrame of findings, one row per non-blank document of `column` (a string column, e.g. from
    `spark.read.text`): file, line (from `line_column`, else null), valid, label, errors."""
    from pyspark.sql import functions as F

    spec = _spec(schema, version, lenient, semantic)
    line = F.col(line_column).cast("long") if line_column else F.lit(None).cast("long")
    columns = df.select(F.col(column).cast("string").alias("document"), _file_column(df, file_column).alias("file"),
                        line.alias("line"))
    return columns.mapInArrow(partial(_findings, spec=spec), FINDINGS_DDL)


def _findings(batches: Iterable[Any], spec: ValidatorSpec) -> Iterator[Any]:
    return findings_of_batches(batches, spec)


def _inputs(paths: Sequence[str], storage_options: StorageOptions | None) -> list[str | InputError]:
    found: list[str | InputError] = []
    for path in paths:
        for source in collect_sources(files_under(path, storage_options), storage_options=storage_options):
            found.append(source.name if isinstance(source, InputSource) else source)
    return found


def validate_files(spark: Any, paths: Sequence[str], *, schema: str | None = None, version: str | None = None,
                   lenient: bool = False, semantic: bool = False, valid_out: str | None = None,
                   invalid_out: str | None = None, storage_options: StorageOptions | None = None,
                   partitions: int | None = None) -> Any:
    """Findings of every document of the inputs that `paths` name (files, folders, globs, fsspec URLs), read by
    the tasks themselves: exact line numbers, and quarantine outputs written per input. Lazy: the outputs are
    written when the result is computed (e.g. by `summarize`)."""
    spec = _spec(schema, version, lenient, semantic)
    inputs = _inputs(paths, storage_options)
    names = output_names([i for i in inputs if isinstance(i, str)])
    rows = [(i, *names[i], "") if isinstance(i, str) else (i.source, "", "", str(i)) for i in inputs]
    tasks = spark.createDataFrame(rows, TASK_DDL)
    # One task per core by default: a task serves several inputs one after the other, in one Python worker.
    count = partitions or max(1, min(len(rows), spark.sparkContext.defaultParallelism))
    body = partial(_inputs_findings, spec=spec, valid_out=valid_out, invalid_out=invalid_out,
                   storage_options=storage_options)
    return tasks.repartition(count).mapInArrow(body, FINDINGS_DDL)


def _inputs_findings(batches: Iterable[Any], spec: ValidatorSpec, valid_out: str | None, invalid_out: str | None,
                     storage_options: StorageOptions | None) -> Iterator[Any]:
    return check_inputs(batches, spec, valid_out, invalid_out, storage_options)


def summarize(findings: Any) -> Tally:
    """Exact counts of a findings DataFrame, as `llm-hub validate` counts. The findings are computed once (cached
    for the three small aggregations), unless the caller cached them already."""
    from pyspark.sql import functions as F

    owned = not findings.is_cached
    cached = findings.cache() if owned else findings
    try:
        tally = Tally()
        for row in cached.groupBy("label", "valid").count().collect():
            if row["valid"] is None:
                continue
            tally.documents += row["count"]
            counts = tally.by_label.setdefault(row["label"], [0, 0])
            if row["valid"]:
                tally.valid += row["count"]
                counts[0] += row["count"]
            else:
                tally.invalid += row["count"]
                counts[1] += row["count"]
        invalid = cached.filter(F.col("valid") == F.lit(False))
        for row in invalid.select(F.explode("errors.keyword").alias("keyword")).groupBy("keyword").count().collect():
            tally.by_keyword[row["keyword"]] += row["count"]
        unreadable = cached.filter(F.col("valid").isNull() & (F.col("label") == F.lit(UNREADABLE)))
        tally.unreadable = sorted(row["file"] for row in unreadable.select("file").collect())
        return tally
    finally:
        if owned:
            cached.unpersist()
