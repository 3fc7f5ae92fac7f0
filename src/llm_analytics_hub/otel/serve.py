"""`otel serve`: the OTLP/HTTP receiver, mapping each request through the pipeline into the sink."""

from __future__ import annotations

import threading
from typing import TextIO

from .importer import process
from .inputs import Request
from .otlp import DecodeError
from .pipeline import Pipeline, Tally
from .receiver import DEFAULT_MAX_BODY, OtlpServer, Signal, announce
from .report import rejection_line, write_summary
from .sinks import InvalidOut, Sink, stored_figures

MESSAGE_REASONS = 3  # reasons quoted in a partial_success error_message


class Service:
    """The consumer of the receiver: map, validate, write, then let the receiver acknowledge."""

    def __init__(self, pipeline: Pipeline, sink: Sink, err: TextIO, *, fmt: str = "text",
                 invalid_out: InvalidOut | None = None) -> None:
        self.pipeline, self.sink, self.err, self.fmt, self.invalid_out = pipeline, sink, err, fmt, invalid_out
        self.tally = Tally()
        self._lock = threading.Lock()

    def __call__(self, signal: Signal, request: Request, content_type: str) -> tuple[int, str]:
        batch = process(self.pipeline, request, takes_metrics=self.sink.takes_metrics)
        if batch.tally.bad_requests:
            raise DecodeError(batch.rejections[0].reason)
        self.sink.write(batch.events, batch.metrics)  # durable before the 200 goes out
        if self.invalid_out is not None:
            self.invalid_out.add(batch.rejections)
        with self._lock:
            self.tally.add(batch.tally)
            for rejection in batch.rejections:
                self.err.write(rejection_line(rejection, self.fmt) + "\n")
            self.err.flush()
        rejected = batch.tally.rejected_spans if signal == "traces" else batch.tally.rejected_points
        reasons = [f"{r.label} ({r.where}): {r.reason}" for r in batch.rejections[:MESSAGE_REASONS]]
        more = len(batch.rejections) - len(reasons)
        return rejected, "; ".join(reasons) + (f"; and {more} more" if more > 0 else "")


def run_serve(host: str, port: int, service: Service, *, max_body: int = DEFAULT_MAX_BODY) -> int:
    server = OtlpServer((host, port), service, max_body=max_body)
    server.lazy_traces = True  # the pipeline reads protobuf trace requests itself (Pipeline.trace_request)
    announce(server, "serve")
    try:
        server.serve_until_signalled()
    finally:
        service.sink.close()
        if service.invalid_out is not None:
            service.invalid_out.close()
    write_summary(service.tally, service.fmt, service.err, stored_figures(service.sink))
    service.err.flush()
    return 0
