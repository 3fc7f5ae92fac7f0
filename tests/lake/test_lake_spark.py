"""Spark: the same verdicts as a single machine, on a local SparkSession (`local[2]`), through mapInArrow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import S3
from lake_inputs import Verdict, documents_in, local_verdict, verdict

from llm_analytics_hub.spark import summarize, validate_dataframe, validate_files
from llm_analytics_hub.validation.findings import DocumentResult, Finding

ENTRY_POINT = Path(sys.executable).parent / "spark-submit"


def spark_verdict(findings: Any, *, lines: bool = True) -> Verdict:
    tally = summarize(findings)
    invalid = [DocumentResult(row["file"].removeprefix("file:"), row["line"],
                              tuple(Finding(*e) for e in row["errors"]), row["label"])
               for row in findings.filter("valid = false").collect()]
    return verdict(tally, invalid, lines=lines)


def test_validate_files_gives_the_single_machine_verdicts_and_loses_nothing(inputs: dict[str, list[str]], spark: Any,
                                                                         tmp_path: Path) -> None:
    paths = inputs["corpus"] + inputs["mixed"]
    findings = validate_files(spark, paths, valid_out=str(tmp_path / "valid"),
                              invalid_out=str(tmp_path / "invalid")).cache()
    assert findings.schema.simpleString() == (
        "struct<file:string,line:bigint,valid:boolean,label:string,errors:array<struct<instance_path:string,"
        "schema_path:string,keyword:string,message:string,hint:string>>>")
    expected = local_verdict(paths)
    assert spark_verdict(findings) == expected
    assert expected.unreadable == (next(p for p in paths if p.endswith("corrupt.ndjson.gz")),)
    # Quarantine: documents in = valid out + invalid out, the same lines and records as a local run writes.
    valid, invalid = documents_in(tmp_path / "valid"), documents_in(tmp_path / "invalid")
    assert (len(valid), len(invalid)) == expected.counts[1:] and sum(expected.counts[1:]) == expected.counts[0]
    local = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", "-q", "--valid-out",
                            str(tmp_path / "lv"), "--invalid-out", str(tmp_path / "li"), *paths], check=False)
    assert local.returncode == 2
    assert valid == documents_in(tmp_path / "lv") and invalid == documents_in(tmp_path / "li")


def test_validate_dataframe_over_spark_read_text(inputs: dict[str, list[str]], spark: Any) -> None:
    """Rows of spark.read.text carry no line numbers; everything else is the single-machine verdict. (Not here:
    .json documents span lines; a corrupt .gz fails Spark's own reader; a byte order mark starting a file is
    only known to be one at line 1.)"""
    paths = [p for p in inputs["corpus"] + inputs["mixed"]
             if p.endswith((".ndjson", ".ndjson.gz")) and not p.endswith(("corrupt.ndjson.gz", "bom-first.ndjson"))]
    lines = spark.read.option("lineSep", "\n").text(paths)
    assert spark_verdict(validate_dataframe(lines).cache(), lines=False) == local_verdict(paths, lines=False)


def test_validate_dataframe_with_typed_columns(spark: Any) -> None:
    """Another catalogue type and version, the file and line taken from columns."""
    rows = [("a.ndjson", 1, '{"not": "a counter"}'), ("a.ndjson", 2, "  "), ("b.ndjson", 7, "[1")]
    frame = spark.createDataFrame(rows, "source string, number int, text string")
    found = validate_dataframe(frame, "text", file_column="source", line_column="number",
                               schema="metrics.CounterMetric", version="1.0.0").collect()
    assert [(r["file"], r["line"], r["valid"]) for r in found] == [("a.ndjson", 1, False), ("b.ndjson", 7, False)]
    assert found[1]["label"] == "(not JSON)" and found[1]["errors"][0]["keyword"] == "parse"


def test_spark_submit_over_object_storage(s3: S3, tmp_path: Path) -> None:
    """The entry point, run by spark-submit on a folder of objects: plain, .gz, empty, corrupt .gz, an archived
    object and a missing bucket. It prints what `llm-hub validate` prints and exits 2, naming what it could not read."""
    urls = ["s3://lake/archive/dt=2026-01-01/part-0.ndjson", "s3://lake/events/", "s3://no-such-bucket/x.ndjson"]
    entry = Path(__file__).resolve().parents[2] / "src" / "llm_analytics_hub" / "spark" / "__main__.py"
    settings = ["--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false"]
    done = subprocess.run([str(ENTRY_POINT), "--master", "local[2]", *settings, str(entry), *urls,
                           "--invalid-out", str(tmp_path / "invalid")],
                          capture_output=True, text=True, env=s3.env(), timeout=600, check=False)
    local = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", urls[0], "s3://lake/events/*/*",
                            urls[2]], capture_output=True, text=True, env=s3.env(), timeout=600, check=False)
    assert (done.returncode, local.returncode) == (2, 2), done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    # spark-submit passes the driver's stderr on to its stdout: compare the reports and the error lines apart.
    report = [line for line in done.stdout.splitlines() if not line.startswith(("llm-hub: error: ", "Setting "))]
    assert report == local.stdout.splitlines()
    errors = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("llm-hub: error: ")]
    assert errors == [line for line in local.stderr.splitlines() if line.startswith("llm-hub: error: ")]
    assert len(errors) == 3 and "part-1.ndjson.gz" in errors[1]
    assert len(documents_in(tmp_path / "invalid")) == int(local.stdout.split(" valid, ")[1].split(" ")[0])
