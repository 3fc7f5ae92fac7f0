"""`otel export`: NDJSON of hub documents (AnalyticsEvent, MetricType) -> OTLP/JSON requests, one per line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any, TextIO

import orjson

from ..errors import InputError
from ..validation import Validator
from ..validation.inputs import input_source, read_documents
from .export import Exporter
from .export_metrics import MetricExporter
from .mapping import load_mapping


def run_export(paths: Sequence[str], out: IO[bytes], metrics_out: IO[bytes] | None, err: TextIO, *,
               metrics_version: str, batch: int = 512) -> int:
    """Export every document; report invalid ones and the summary on `err`; the exit code (0, 1, 2)."""
    events_validator = Validator(schema="AnalyticsEvent")
    metrics_validator = Validator(schema="MetricType", version=metrics_version)
    exporters: dict[str, Exporter] = {}
    metric_exporter = MetricExporter(load_mapping(metrics_version))
    counts = {"events": 0, "metrics": 0, "invalid": 0, "unwritten": 0}
    unreadable = False
    for path in paths:
        try:
            for line, raw in read_documents(input_source(path)):
                document, problem = _document(raw)
                if document is not None and "metric_type" in document:
                    findings = metrics_validator.check(document)
                elif document is not None:
                    findings = events_validator.check(document)
                else:
                    findings = ()
                if problem or findings:
                    counts["invalid"] += 1
                    err.write(f"{path}:{line}: {problem or _first(findings)}\n")
                    continue
                assert document is not None
                if "metric_type" in document:
                    counts["metrics"] += 1
                    if metrics_out is None:
                        counts["unwritten"] += 1
                    else:
                        metric_exporter.add(document)
                    continue
                counts["events"] += 1
                version = document.get("schema_version", "1.0.0")
                if version not in exporters:
                    exporters[version] = Exporter(load_mapping(version))
                exporters[version].add(document)
        except InputError as exc:
            unreadable = True
            err.write(f"llm-hub: error: {exc}\n")
    spans = 0
    skipped: dict[str, int] = {}
    for exporter in exporters.values():
        for request in exporter.requests(batch):
            spans += sum(len(s["spans"]) for r in request["resourceSpans"] for s in r["scopeSpans"])
            out.write(orjson.dumps(request) + b"\n")
        for reason, count in exporter.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + count
    if metrics_out is not None:
        for request in metric_exporter.requests():
            metrics_out.write(orjson.dumps(request) + b"\n")
    out.flush()
    err.write(f"{counts['events']} event(s) -> {spans} span(s); {sum(skipped.values())} skipped; "
              f"{counts['metrics']} metric document(s); {counts['invalid']} invalid\n")
    for reason, count in sorted(skipped.items()):
        err.write(f"  skipped {count}: {reason}\n")
    if counts["unwritten"]:
        err.write(f"{counts['unwritten']} metric document(s) not written: give --metrics-out FILE\n")
    if unreadable:
        return 2
    return 1 if counts["invalid"] else 0


def _document(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return None, f"not JSON: {exc}"
    if not isinstance(document, dict):
        return None, "not a hub document (an AnalyticsEvent or a MetricType object)"
    return document, None


def _first(findings: Sequence[Any]) -> str:
    first = findings[0]
    return f"invalid: {first.instance_path or '(root)'}: {first.message} [{first.keyword}]"
