"""`llm-hub validate`: option parsing only; the loop over inputs lives in `run.run_validation`."""

from __future__ import annotations

import sys

import click

from ..cli_support import guarded
from ..errors import HubError
from ..versions import parse_version
from .chunks import default_jobs
from .core import ValidatorSpec
from .inputs import InputSource, Kind, collect_sources
from .progress import wants_progress
from .quarantine import QuarantineWriter, output_names
from .reporters import REPORTERS
from .run import Runner, run_validation
from .validator import Engine


@click.command("validate")
@click.argument("paths", nargs=-1, metavar="[PATH ...]")
@click.option("--schema", "schema", metavar="TYPE",
              help="Catalogue type to validate against (default AnalyticsEvent; area.Name for colliding names).")
@click.option("--schema-version", "schema_version", metavar="X.Y.Z",
              help="Force a schema version (default: each document's schema_version, absent means 1.0.0).")
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True)
@click.option("--max-errors", type=click.IntRange(min=0), default=None,
              help="Print at most N errors in all; the counts stay exact.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@click.option("--lenient", is_flag=True,
              help="Accept undeclared members, as the producers' deserializer does (strict by default).")
@click.option("--semantic", is_flag=True,
              help="Also run the semantic lint (sub-counts within totals, cost parts summing to the total, ...).")
@click.option("--engine", type=click.Choice(["fast", "reference"]), default="fast", show_default=True,
              help="fast: typed decoding proves most documents valid, jsonschema-rs reports errors; "
                   "reference: python-jsonschema alone (slow, for cross-checking).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for large NDJSON inputs (default: one per core).")
@click.option("--stdin-format", type=click.Choice(["ndjson", "json"]), default="ndjson", show_default=True,
              help="How to read '-': one document per line, or one document.")
@click.option("--cluster", metavar="ADDRESS",
              help="Run on a Dask cluster (scheduler address, e.g. tcp://HOST:8786); needs llm-analytics-hub[dask].")
@click.option("--valid-out", metavar="DIR", help="Write the valid lines, unchanged, to DIR (a folder or URL).")
@click.option("--invalid-out", metavar="DIR",
              help="Write the invalid documents with their findings, as NDJSON, to DIR (a folder or URL).")
@guarded
def validate_command(paths: tuple[str, ...], schema: str | None, schema_version: str | None, fmt: str,
                     max_errors: int | None, quiet: bool, lenient: bool, semantic: bool, engine: Engine,
                     jobs: int | None, stdin_format: Kind, cluster: str | None, valid_out: str | None,
                     invalid_out: str | None) -> None:
    """Validate JSON documents: PATH is a .json file (one document), an .ndjson/.jsonl file (one
    document per line), either gzipped (.gz), an fsspec URL of such objects (s3://bucket/prefix/*.ndjson.gz),
    or - for stdin.

    Exit codes: 0 all valid, 1 some invalid, 2 usage error or unreadable input.
    """
    if not paths:
        raise HubError("no input: give one or more paths, or - for stdin (see llm-hub validate --help)")
    if schema_version is not None:
        parse_version(schema_version)
    spec = ValidatorSpec(schema, schema_version, lenient=lenient, semantic=semantic, engine=engine)
    validator = spec.build()
    sources = collect_sources(paths, stdin_format)
    names = output_names([s.name for s in sources if isinstance(s, InputSource)])
    runner: Runner | None = None
    if cluster is not None:
        from ..dask.runner import dask_runner

        runner = dask_runner(cluster, spec, valid_out=valid_out, names=names, keep_invalid=invalid_out is not None)
    quarantine = QuarantineWriter(valid_out, invalid_out, names, write_valid=cluster is None)
    code = run_validation(sources, validator, fmt, sys.stdout, sys.stderr, max_errors=max_errors, quiet=quiet,
                          progress=wants_progress(sources, sys.stderr), jobs=jobs or default_jobs(),
                          runner=runner, quarantine=quarantine)
    sys.stdout.flush()
    sys.exit(code)
