"""`llm-hub validate`: option parsing only; the loop over inputs lives in `run_validation`."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

import click

from ..cli_support import guarded
from ..errors import HubError
from ..versions import parse_version
from .chunks import BlockOutcome, default_jobs, validate_blocks
from .inputs import InputError, InputSource, Kind, input_source, read_blocks
from .progress import LARGE_INPUT_BYTES, Progress
from .reporters import REPORTERS, Reporter, Tally
from .stream import validate_source
from .validator import Engine, Validator


def _outcomes(source: InputSource, validator: Validator, jobs: int) -> Iterator[BlockOutcome]:
    if source.kind == "ndjson":
        yield from validate_blocks(read_blocks(source), validator, jobs)
        return
    outcome = BlockOutcome(source=source.name)
    for result in validate_source(source, validator):
        outcome.documents += 1
        if result.errors:
            outcome.invalid.append(result)
        else:
            outcome.valid_by_label[result.label] += 1
    yield outcome


def run_validation(sources: Sequence[InputSource | InputError], validator: Validator, fmt: str, out: TextIO,
                   err: TextIO, *, max_errors: int | None = None, quiet: bool = False,
                   progress: bool = False, jobs: int = 1) -> int:
    """Validate every source, report, and return the exit code (0 valid, 1 invalid, 2 unreadable)."""
    reporter = REPORTERS[fmt](out, err, max_errors=max_errors, quiet=quiet)
    return exit_code(report_sources(sources, validator, reporter, err, progress=progress, jobs=jobs))


def exit_code(tally: Tally) -> int:
    if tally.unreadable:
        return 2
    return 1 if tally.invalid else 0


def report_sources(sources: Sequence[InputSource | InputError], validator: Validator, reporter: Reporter,
                   err: TextIO, *, progress: bool = False, jobs: int = 1) -> Tally:
    """Validate every source, feed each invalid document and unreadable input to `reporter`, count."""
    tally = Tally()
    bar = Progress(err, enabled=progress)
    try:
        for source in sources:
            if isinstance(source, InputError):
                tally.unreadable.append(source.source)
                reporter.input_error(source)
                continue
            try:
                for outcome in _outcomes(source, validator, jobs):
                    tally.add_block(outcome)
                    for result in outcome.invalid:
                        reporter.invalid_document(result)
                    bar.tick(tally.documents, tally.invalid)
            except InputError as exc:
                tally.unreadable.append(source.name)
                reporter.input_error(exc)
    finally:
        bar.close()
    reporter.finish(tally)
    return tally


def _wants_progress(sources: Sequence[InputSource | InputError], err: TextIO) -> bool:
    if not err.isatty():
        return False
    sizes = [s.size() for s in sources if isinstance(s, InputSource)]
    return any(size is None for size in sizes) or sum(s or 0 for s in sizes) > LARGE_INPUT_BYTES


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
@guarded
def validate_command(paths: tuple[str, ...], schema: str | None, schema_version: str | None, fmt: str,
                     max_errors: int | None, quiet: bool, lenient: bool, semantic: bool, engine: Engine,
                     jobs: int | None, stdin_format: Kind) -> None:
    """Validate JSON documents: PATH is a .json file (one document), an .ndjson/.jsonl file (one
    document per line), either gzipped (.gz), or - for stdin.

    Exit codes: 0 all valid, 1 some invalid, 2 usage error or unreadable input.
    """
    if not paths:
        raise HubError("no input: give one or more paths, or - for stdin (see llm-hub validate --help)")
    if schema_version is not None:
        parse_version(schema_version)
    validator = Validator(schema, schema_version, lenient=lenient, engine=engine, semantic=semantic)
    sources: list[InputSource | InputError] = []
    for path in paths:
        try:
            sources.append(input_source(path, stdin_format))
        except InputError as exc:
            sources.append(exc)
    code = run_validation(sources, validator, fmt, sys.stdout, sys.stderr, max_errors=max_errors, quiet=quiet,
                          progress=_wants_progress(sources, sys.stderr), jobs=jobs or default_jobs())
    sys.stdout.flush()
    sys.exit(code)
