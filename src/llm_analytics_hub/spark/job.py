"""The spark-submit entry point: validate whole folders or prefixes, report like `llm-hub validate`.

    spark-submit --master yarn "$(python -c 'import llm_analytics_hub.spark.job as j; print(j.__file__)')" \\
        s3://lake/events/dt=2026-11-29/ --invalid-out s3://lake/quarantine/dt=2026-11-29/

or `python -m llm_analytics_hub.spark PATH ...` with a local master. Exit codes as `llm-hub validate`:
0 all valid, 1 some invalid, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from llm_analytics_hub.cli_support import guarded
from llm_analytics_hub.errors import HubError, InputError
from llm_analytics_hub.validation.findings import DocumentResult, Finding
from llm_analytics_hub.validation.reporters import REPORTERS


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="llm-hub-spark", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, globs or fsspec URLs")
    parser.add_argument("--schema", help="catalogue type (default AnalyticsEvent)")
    parser.add_argument("--schema-version", help="force a schema version")
    parser.add_argument("--lenient", action="store_true")
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--format", dest="fmt", choices=sorted(REPORTERS), default="text")
    parser.add_argument("--max-errors", type=int, default=None)
    parser.add_argument("--quiet", "-q", action="store_true")
    parser.add_argument("--valid-out", metavar="DIR")
    parser.add_argument("--invalid-out", metavar="DIR")
    parser.add_argument("--master", help="Spark master when not started by spark-submit (default local[*])")
    return parser.parse_args(argv)


def _session(master: str | None) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("llm-hub validate")
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    context = spark.sparkContext
    context.setLogLevel("ERROR")
    python = worker_python(context.master or "", context.getConf().get("spark.pyspark.python"), os.environ)
    if python is not None:
        context.pythonExec = python  # read when each Python function is shipped to the workers
    return spark


def worker_python(master: str, configured: str | None, environ: Mapping[str, str]) -> str | None:
    """The Python the workers should run, where this command must say it (None: PySpark's own choice stands).

    PySpark starts its workers with $PYSPARK_PYTHON, else the `python3` first on PATH; a virtualenv called
    by its path (as cron jobs and services do) is not on PATH, so a local run would fail in its workers with
    "No module named 'llm_analytics_hub'". PYSPARK_PYTHON wins; then spark.pyspark.python (which PySpark
    reads only under spark-submit); then, for a local master, this very interpreter. A cluster's executors
    need a Python of their own with the package (README: "Validating a data lake")."""
    if environ.get("PYSPARK_PYTHON"):
        return None
    if configured:
        return configured
    return sys.executable if master.startswith("local") else None


@guarded
def run(argv: Sequence[str] | None = None) -> None:
    from pyspark.sql import functions as F

    from llm_analytics_hub.spark import summarize, validate_files

    args = _arguments(argv)
    spark = _session(args.master)
    findings = validate_files(spark, args.paths, schema=args.schema, version=args.schema_version,
                              lenient=args.lenient, semantic=args.semantic, valid_out=args.valid_out,
                              invalid_out=args.invalid_out)
    try:
        tally = summarize(findings)  # computes the findings, and so writes the quarantine outputs, once
    except Exception as exc:  # a task failed (e.g. an output it could not write): its last line says why
        raise HubError(_last_line(str(exc))) from None
    reporter = REPORTERS[args.fmt](sys.stdout, sys.stderr, max_errors=args.max_errors, quiet=args.quiet)
    problems = findings.filter(~F.coalesce(F.col("valid"), F.lit(False))).orderBy("file", "line")
    for row in problems.toLocalIterator():
        errors = tuple(Finding(e["instance_path"], e["schema_path"], e["keyword"], e["message"], e["hint"])
                       for e in row["errors"])
        if row["valid"] is None:
            reporter.input_error(InputError(row["file"], 0, errors[0].message.split(": cannot read: ", 1)[-1]))
        else:
            reporter.invalid_document(DocumentResult(row["file"], row["line"], errors, row["label"]))
    reporter.finish(tally)
    sys.stdout.flush()
    spark.stop()
    sys.exit(2 if tally.unreadable else 1 if tally.invalid else 0)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = next((line for line in reversed(lines) if "Error" in line or "cannot" in line), lines[-1] if lines else "")
    return f"the Spark job failed: {reason}"


def main() -> None:
    run()


if __name__ == "__main__":
    main()
