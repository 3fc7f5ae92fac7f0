"""`llm-hub load`, `export`: option parsing only; the work is in load.py and export.py."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..cli_support import guarded, with_schemas
from ..errors import HubError
from ..validation.chunks import default_jobs
from ..validation.core import ValidatorSpec
from ..validation.inputs import InputSource, Kind, collect_sources
from ..validation.progress import wants_progress
from ..validation.quarantine import QuarantineWriter, output_names
from ..validation.reporters import REPORTERS
from ..validation.validator import Engine
from ..versions import parse_version
from .stores import DEFAULT_URL, SCHEMES, Store, open_store

if TYPE_CHECKING:  # migrate.py reads the compatibility report: a load need not import it
    from .migrate import Migration


@click.command("load")
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("--into", "into", default=DEFAULT_URL, show_default=True, metavar="URL",
              help=f"Where the events go: {SCHEMES}.")
@click.option("--schema-version", "schema_version", metavar="X.Y.Z",
              help="Force a schema version (default: each document's schema_version, absent means 1.0.0).")
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True)
@click.option("--max-errors", type=click.IntRange(min=0), default=None,
              help="Print at most N errors in all; the counts stay exact.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summaries.")
@click.option("--semantic", is_flag=True, help="Also run the semantic lint; documents it flags are not loaded.")
@click.option("--engine", type=click.Choice(["fast", "reference"]), default="fast", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for large NDJSON inputs (default: one per core).")
@click.option("--stdin-format", type=click.Choice(["ndjson", "json"]), default="ndjson", show_default=True)
@click.option("--valid-out", metavar="DIR", help="Also write the valid lines, unchanged, to DIR.")
@click.option("--invalid-out", metavar="DIR",
              help="Write the invalid documents with their findings, as NDJSON, to DIR (they are never loaded).")
@click.option("--batch-rows", type=click.IntRange(min=1), default=None,
              help="Rows per transaction, gathered in whole blocks of lines (default: 131072 for DuckDB, 65536 for "
                   "Parquet files, 65536 for PostgreSQL).")
@guarded
def load_command(paths: tuple[str, ...], into: str, schema_version: str | None, fmt: str, max_errors: int | None,
                 quiet: bool, semantic: bool, engine: Engine, jobs: int | None, stdin_format: Kind,
                 valid_out: str | None, invalid_out: str | None, batch_rows: int | None) -> None:
    """Validate AnalyticsEvents like `llm-hub validate` and load the valid ones into typed tables: a DuckDB
    file (the default), PostgreSQL or a Parquet folder. One transaction per block of lines; loading the
    same events again adds nothing (event_id is the key).

    Exit codes: 0 all valid, 1 some invalid (not loaded), 2 usage error, unreadable input or store error.
    """
    from .load import run_load

    if not paths:
        raise HubError("no input: give one or more paths, or - for stdin (see llm-hub load --help)")
    if schema_version is not None:
        parse_version(schema_version)
    validator = ValidatorSpec(None, schema_version, semantic=semantic, engine=engine).build()
    sources = collect_sources(paths, stdin_format)
    names = output_names([s.name for s in sources if isinstance(s, InputSource)])
    quarantine = QuarantineWriter(valid_out, invalid_out, names)
    store = open_store(into)
    if batch_rows is not None:
        store.batch_rows = batch_rows
        store.append_rows = min(store.append_rows, max(1, batch_rows // 4))  # still a few appends per batch
    try:
        code = run_load(sources, validator, store, fmt, sys.stdout, sys.stderr, max_errors=max_errors, quiet=quiet,
                        progress=wants_progress(sources, sys.stderr), jobs=jobs or default_jobs(),
                        quarantine=quarantine)
    finally:
        store.close()
    sys.stdout.flush()
    sys.exit(code)


@click.command("export")
@click.option("--from", "source", default=DEFAULT_URL, show_default=True, metavar="URL",
              help=f"The store: {SCHEMES}.")
@click.option("--start", metavar="DATE-TIME", help="Only events at or after this instant (RFC 3339).")
@click.option("--end", metavar="DATE-TIME", help="Only events at or before this instant (RFC 3339).")
@click.option("--type", "kind", metavar="TYPE", help="Only this payload type: telemetry, telemetry/latency, ...")
@click.option("--format", "fmt", type=click.Choice(["ndjson", "influx"]), default="ndjson", show_default=True,
              help="ndjson: the events in the producers' form; influx: their time-series points as InfluxDB "
                   "line protocol (the measurement mapping of schemas/timeseries-mapping).")
@guarded
def export_command(source: str, start: str | None, end: str | None, kind: str | None, fmt: str) -> None:
    """Write stored events to stdout, oldest first."""
    from .export import export_ndjson, filters_for, stored_table

    store = open_store(source, read_only=True)
    try:
        table = stored_table(store)
        filters = filters_for(table, start, end, kind)
        out = sys.stdout.buffer
        if fmt == "influx":
            from .influx import export_influx

            count = export_influx(store, table, filters, out)
            noun = "point(s)"
        else:
            count = export_ndjson(store, filters, out, table)
            noun = "event(s)"
    finally:
        store.close()
    out.flush()
    click.echo(f"exported {count} {noun} from {store.url}", err=True)


@click.command("migrate")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--dialect", type=click.Choice(["duckdb", "postgres"]), default=None,
              help="Whose SQL to write (default: the --apply store's; duckdb without one).")
@click.option("--apply", "apply_to", metavar="URL",
              help="Run the statements on this store in one transaction (its tables must follow OLD).")
@with_schemas
@guarded
def migrate_command(old: str, new: str, dialect: str | None, apply_to: str | None) -> None:
    """Write the statements that bring tables of schema version OLD to NEW (ADD COLUMN for an added
    optional member, a new table for a new variant). A change that is not backward compatible is
    refused, naming its compat rule.

    Exit codes: 0 written (or applied), 1 refused, 2 usage or store error.
    """
    from .migrate import MigrationRefused, plan

    parse_version(old)
    parse_version(new)
    store = open_store(apply_to) if apply_to else None
    chosen = dialect or ("postgres" if store is not None and store.dialect == "postgres" else "duckdb")
    try:
        try:
            migration = plan(old, new, "postgres" if chosen == "postgres" else "duckdb")
        except MigrationRefused as refused:
            for line in refused.lines:
                click.echo(f"llm-hub: migrate refused: {line}", err=True)
            sys.exit(1)
        if store is None:
            click.echo(migration.script(), nl=False)
            return
        apply_migration(store, migration, old, new)
    finally:
        if store is not None:
            store.close()
    click.echo(f"migrated {store.url} from {old} to {new} ({len(migration.statements)} statement(s))", err=True)


def apply_migration(store: Store, migration: Migration, old: str, new: str) -> None:
    version = store.table_version()
    if version != old:
        raise HubError(f"{store.url}: its tables follow {version or 'no version (empty)'}, not {old}")
    if store.dialect == "parquet":
        from .stores.parquet import ParquetStore

        assert isinstance(store, ParquetStore)
        store.set_version(new)  # files of the old version stay: readers fill the new columns with NULL
        return
    store.transaction(migration.statements)


@click.command("query")
@click.argument("query_file", metavar="QUERY.json")
@click.option("--from", "source", default=DEFAULT_URL, show_default=True, metavar="URL",
              help=f"The store: {SCHEMES}.")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True,
              help="json: the TimeSeriesResult; table: one line per point, for people.")
@click.option("--sql", "show_sql", is_flag=True, help="Also print the SQL that ran (on stderr).")
@guarded
def query_command(query_file: str, source: str, fmt: str, show_sql: bool) -> None:
    """Answer a TimeSeriesQuery document (measurement, time range, tag filters, aggregation over windows,
    group by, fill, limit/offset) from the stored events; print a TimeSeriesResult. The measurements are
    schemas/timeseries-mapping/<version>.json. QUERY.json may be - for stdin.

    Exit codes: 0 answered, 1 the query document is invalid, 2 usage or store error.
    """
    import json

    from .export import stored_table
    from .query import run_query

    query = read_query(query_file)
    store = open_store(source, read_only=True)
    try:
        table = stored_table(store)
        findings = ValidatorSpec("TimeSeriesQuery", table.version).build().check(query)
        if findings:
            for finding in findings:
                click.echo(f"{query_file}: {finding.instance_path or '/'}: {finding.message} [{finding.keyword}]",
                           err=True)
            sys.exit(1)
        answer, sql = run_query(store, table, query)
    finally:
        store.close()
    if show_sql:
        click.echo(sql, err=True)
    if fmt == "table":
        from .query_table import render_table

        click.echo(render_table(answer), nl=False)
    else:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))


def read_query(name: str) -> dict[str, object]:
    import json

    try:
        text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()  # noqa: SIM115
    except OSError as exc:
        raise HubError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HubError(f"{name}: not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise HubError(f"{name}: a TimeSeriesQuery is a JSON object")
    return document
