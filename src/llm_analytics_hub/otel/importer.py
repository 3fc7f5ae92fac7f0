"""`otel import`: OTLP export files -> AnalyticsEvent NDJSON (and metric documents), request by request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ..validation.quarantine import output_names
from .inputs import InputError, Request, Signal, requests
from .otlp import DecodeError
from .pipeline import Batch, Pipeline, Rejection, Tally
from .report import rejection_line, write_summary
from .sinks import InvalidOut, Sink, stored_figures


def process(pipeline: Pipeline, request: Request, *, takes_metrics: bool = True) -> Batch:
    """One request through the pipeline; a request that cannot be read is one rejection, written nowhere."""
    batch = Batch()
    if request.problem is None and request.signal == "traces" and request.spans is not None:
        try:
            if request.json_body is not None:
                return pipeline.json_trace_request(request.json_body, request.spans, request.source, request.line)
            if request.body is not None:
                return pipeline.trace_request(request.body, request.source, request.line)
            return pipeline.spans(request.spans, request.source, request.line)
        except DecodeError as exc:
            request.problem = str(exc)
            batch = Batch()
    elif request.problem is None and request.signal == "metrics" and request.metrics is not None:
        try:
            batch = pipeline.metrics(request.metrics, request.source, request.line)
        except DecodeError as exc:
            request.problem = str(exc)
            batch = Batch()
        else:
            if not takes_metrics:
                batch.tally.unwritten_points += len(batch.metrics)
                batch.metrics = []
            return batch
    elif request.problem is None and request.signal == "logs":
        batch.tally.skipped_spans["an OTLP logs request (logs are not mapped)"] += 1
        return batch
    batch.tally.bad_requests += 1
    batch.rejections.append(Rejection(request.source, request.line, "", "request", request.problem or "unreadable"))
    return batch


def run_import(paths: Sequence[str], pipeline: Pipeline, sink: Sink, err: TextIO, *, fmt: str = "text",
               signal: Signal | None = None, invalid_out: InvalidOut | None = None) -> int:
    """Import every file; report rejections and the summary on `err`; the exit code (0, 1 rejected, 2 unreadable)."""
    tally = Tally()
    unreadable = False
    names = output_names(list(paths))
    try:
        for path in paths:
            try:
                for request in requests(path, signal):
                    batch = process(pipeline, request, takes_metrics=sink.takes_metrics)
                    sink.write(batch.events, batch.metrics)
                    for rejection in batch.rejections:
                        err.write(rejection_line(rejection, fmt) + "\n")
                    if invalid_out is not None:
                        invalid_out.add(batch.rejections, names[path].invalid if path in names else None)
                    tally.add(batch.tally)
            except InputError as exc:
                unreadable = True
                err.write(f"llm-hub: error: {exc}\n")
    finally:
        sink.close()
        if invalid_out is not None:
            invalid_out.close()
    write_summary(tally, fmt, err, stored_figures(sink))
    if unreadable:
        return 2
    return 1 if tally.rejected else 0
