"""`llm-hub otel import|serve|check|export`: option parsing only; the work lives in the modules beside."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..cli_support import guarded
from ..errors import HubError
from ..versions import available_versions, parse_version

if TYPE_CHECKING:
    from .pipeline import Pipeline

FORMATS = click.Choice(["text", "json"])
F = TypeVar("F", bound=Callable[..., Any])


def _version(value: str | None) -> str:
    known = available_versions()
    if value is None:
        return known[-1]
    parse_version(value)
    if value not in known:
        raise HubError(f"unknown schema version {value!r}; known versions: {', '.join(known)}")
    return value


def _pipeline(schema_version: str | None, source_module: str | None, environment: str | None) -> Pipeline:
    from .pipeline import Pipeline

    return Pipeline(_version(schema_version), source_module=source_module, environment=environment)


def _shared(func: F) -> F:
    """Options of every command that maps telemetry into events."""
    func = click.option("--schema-version", metavar="X.Y.Z",
                        help="Schema version of the events (default: the newest).")(func)
    func = click.option("--source-module", metavar="NAME",
                        help="source_module of the events (default llm-analytics-hub; a span's llm_hub.source_module "
                             "resource attribute wins).")(func)
    func = click.option("--environment", metavar="NAME",
                        help="environment of the events without a deployment.environment.name resource attribute "
                             "(default: unknown).")(func)
    return func


@click.group("otel")
def otel_group() -> None:
    """OpenTelemetry in and out: OTLP GenAI spans and metrics become validated hub events, and back."""


@otel_group.command("import")
@click.argument("paths", nargs=-1, metavar="FILE...")
@click.option("--out", "-o", "out", default="-", show_default=True, metavar="PATH",
              help="AnalyticsEvent NDJSON (- for stdout).")
@click.option("--metrics-out", metavar="PATH", help="MetricType NDJSON of the GenAI metrics.")
@click.option("--invalid-out", metavar="DIR",
              help="Write the rejected spans and data points with their reasons, as NDJSON, to DIR.")
@click.option("--into", metavar="URL",
              help="Store the events instead (like `llm-hub load --into`: duckdb:///FILE, postgresql://..., "
                   "parquet://DIR); one transaction per batch, a re-import adds nothing.")
@click.option("--signal", type=click.Choice(["traces", "metrics"]),
              help="What protobuf files hold (default: from the file name, then the content).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True,
              help="Rejections and summary on stderr: text, or NDJSON.")
@_shared
@guarded
def import_command(paths: tuple[str, ...], out: str, metrics_out: str | None, invalid_out: str | None,
                   into: str | None, signal: str | None, fmt: str, schema_version: str | None,
                   source_module: str | None, environment: str | None) -> None:
    """Import OTLP exports (OTLP/JSON, JSON lines as the collector's file exporter writes, or protobuf; .gz too):
    one TokenUsageMetrics and one LatencyMetrics event per GenAI model-call span, an ErrorRateMetrics event
    when error.type is set, and the GenAI metrics as the hub's metric types. Every event is validated.

    Exit codes: 0 everything mapped, 1 some span or data point rejected, 2 usage error or unreadable input.
    """
    from .importer import run_import
    from .sinks import InvalidOut, Sink, StreamSink
    from .store_sink import MetricsFile, open_store

    if not paths:
        raise HubError("no input: give one or more OTLP export files (see llm-hub otel import --help)")
    if into and out != "-":
        raise HubError("give --out or --into, not both: with --into the events go into the store")
    pipeline = _pipeline(schema_version, source_module, environment)
    sink: Sink = (open_store(into, pipeline.mapping.version, metrics=MetricsFile(metrics_out) if metrics_out else None)
                  if into else StreamSink(out, metrics_out))
    invalid = InvalidOut(invalid_out) if invalid_out else None
    code = run_import(paths, pipeline, sink, sys.stderr, fmt=fmt, signal=signal,  # type: ignore[arg-type]
                      invalid_out=invalid)
    sys.exit(code)


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise HubError(f"--listen {value}: expected HOST:PORT, e.g. 127.0.0.1:4318")
    return host.strip("[]"), int(port)


def _size(value: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = value.strip().lower().removesuffix("b") or "0"
    factor = units.get(text[-1], 1)
    number = text[:-1] if text[-1] in units else text
    if not number.isdigit() or int(number) <= 0:
        raise HubError(f"{value!r} is not a size (e.g. 16M, 512k, 1048576)")
    return int(number) * factor


@otel_group.command("serve")
@click.option("--listen", default="127.0.0.1:4318", show_default=True, metavar="HOST:PORT",
              help="Address of the OTLP/HTTP receiver (port 0: any free port, printed on stderr).")
@click.option("--out-dir", default="otel-events", show_default=True, metavar="DIR",
              help="Folder of the rotating events-*.ndjson and metrics-*.ndjson files.")
@click.option("--rotate-size", default="64M", show_default=True, metavar="SIZE",
              help="Start a new file past this size.")
@click.option("--rotate-seconds", type=click.FloatRange(min=1), metavar="S", help="Start a new file after S seconds.")
@click.option("--max-body", default="16M", show_default=True, metavar="SIZE",
              help="Largest request body, compressed or inflated (413 beyond).")
@click.option("--invalid-out", metavar="DIR",
              help="Write the rejected spans and data points with their reasons to DIR.")
@click.option("--into", metavar="URL",
              help="Store the events instead (like `llm-hub load --into`: duckdb:///FILE, postgresql://..., "
                   "parquet://DIR), each request in one transaction committed before its 200; the metric "
                   "documents still go to --out-dir.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True,
              help="Rejections and the final summary on stderr: text, or NDJSON.")
@_shared
@guarded
def serve_command(listen: str, out_dir: str, rotate_size: str, rotate_seconds: float | None, max_body: str,
                  invalid_out: str | None, into: str | None, fmt: str, schema_version: str | None,
                  source_module: str | None, environment: str | None) -> None:
    """Receive OTLP/HTTP (POST /v1/traces and /v1/metrics; protobuf or JSON; gzip): every GenAI model-call
    span becomes validated events written to rotating NDJSON files before the request is acknowledged; a span
    that cannot be mapped is rejected alone in partial_success. SIGTERM or Ctrl-C: finish the requests in
    progress, then stop; nothing acknowledged is lost.
    """
    from .serve import Service, run_serve
    from .sinks import InvalidOut, RotatingSink, Sink
    from .store_sink import open_store

    host, port = _listen(listen)
    pipeline = _pipeline(schema_version, source_module, environment)
    files = RotatingSink(out_dir, max_bytes=_size(rotate_size), max_seconds=rotate_seconds)
    sink: Sink = open_store(into, pipeline.mapping.version, metrics=files.metrics, each_write=True) if into else files
    invalid = InvalidOut(invalid_out, rotating=True) if invalid_out else None
    try:
        service = Service(pipeline, sink, sys.stderr, fmt=fmt, invalid_out=invalid)
        sys.exit(run_serve(host, port, service, max_body=_size(max_body)))
    except OSError as exc:
        raise HubError(f"--listen {listen}: {exc.strerror or exc}") from None


@otel_group.command("export")
@click.argument("paths", nargs=-1, metavar="FILE...")
@click.option("--out", "-o", "out", default="-", show_default=True, metavar="PATH",
              help="OTLP/JSON trace requests, one per line (- for stdout).")
@click.option("--metrics-out", metavar="PATH", help="OTLP/JSON metrics requests of the MetricType documents.")
@click.option("--batch", default=512, show_default=True, type=click.IntRange(min=1), help="Spans per request.")
@click.option("--schema-version", metavar="X.Y.Z",
              help="Schema version of the metric documents (default: the newest); events carry their own.")
@guarded
def export_command(paths: tuple[str, ...], out: str, metrics_out: str | None, batch: int,
                   schema_version: str | None) -> None:
    """Export hub events (AnalyticsEvent NDJSON: token usage, latency, single-request error rate) as OTLP/JSON
    spans, and MetricType documents as OTLP/JSON metrics, one request per line (what the collector's file
    exporter writes and `otel import` reads back to the same events).

    Exit codes: 0 exported (events without an OpenTelemetry form are counted as skipped), 1 some input invalid,
    2 usage error or unreadable input.
    """
    from .exporting import run_export
    from .sinks import open_output

    if not paths:
        raise HubError("no input: give one or more NDJSON files of hub events, or - for stdin")
    events = open_output(out)
    metrics = open_output(metrics_out) if metrics_out else None
    try:
        code = run_export(paths, events, metrics, sys.stderr, metrics_version=_version(schema_version), batch=batch)
    finally:
        for handle in (events, metrics):
            if handle is not None and handle is not sys.stdout.buffer:
                handle.close()
    sys.exit(code)


@otel_group.command("check")
@click.argument("paths", nargs=-1, metavar="[FILE...]")
@click.option("--listen", metavar="HOST:PORT", help="Receive OTLP/HTTP like `serve` and check what arrives "
                                                    "(until SIGTERM or Ctrl-C) instead of reading files.")
@click.option("--signal", type=click.Choice(["traces", "metrics"]), help="What protobuf files hold.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--max-body", default="16M", show_default=True, metavar="SIZE",
              help="Largest request body when listening.")
@click.option("--schema-version", metavar="X.Y.Z", help="Mapping of this schema version (default: the newest).")
@guarded
def check_command(paths: tuple[str, ...], listen: str | None, signal: str | None, fmt: str, max_body: str,
                  schema_version: str | None) -> None:
    """Check telemetry against the GenAI conventions the mapping knows: missing required or recommended
    attributes, wrong types, deprecated names, sub-counts above their totals, spans import would reject; with
    the coverage of every attribute and mapped member. Findings and coverage go to stdout.

    Exit codes: 0 no error or warning, 1 findings, 2 usage error or unreadable input.
    """
    from .checker import Checker
    from .checking import CheckRun, check_files, check_listening

    if bool(paths) == bool(listen):
        raise HubError("give either FILE... or --listen HOST:PORT (see llm-hub otel check --help)")
    run = CheckRun(Checker(_pipeline(schema_version, None, None)), sys.stdout, fmt)
    if listen:
        host, port = _listen(listen)
        try:
            sys.exit(check_listening(host, port, run, max_body=_size(max_body)))
        except OSError as exc:
            raise HubError(f"--listen {listen}: {exc.strerror or exc}") from None
    sys.exit(check_files(paths, run, sys.stderr, signal))  # type: ignore[arg-type]
