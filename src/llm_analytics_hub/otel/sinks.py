"""Where validated documents go: the output sink of `otel import` and `otel serve`.

A sink takes a batch of NDJSON lines (events, metric documents) and returns only when they are written
and flushed: `serve` acknowledges a request after `write` returns, so a SIGTERM loses nothing acknowledged.
Sinks here: one NDJSON stream per kind (`import`), rotating NDJSON files (`serve`), and the rejected
spans as `validate --invalid-out` records; `--into URL` goes to the loader of `llm-hub load` (`store_sink`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
from pathlib import Path
from typing import IO, Protocol

from ..errors import HubError
from .pipeline import Rejection


class Sink(Protocol):
    takes_metrics: bool

    def write(self, events: list[bytes], metrics: list[bytes]) -> None: ...

    def close(self) -> None: ...


def stored_figures(sink: Sink) -> dict[str, object] | None:
    """What a store sink stored (None for the NDJSON sinks)."""
    stored = getattr(sink, "stored", None)
    return stored() if callable(stored) else None


class StreamSink:
    """`otel import`: events to one NDJSON file or stdout, metric documents to another file (or nowhere)."""

    def __init__(self, events_out: str, metrics_out: str | None) -> None:
        self._events = open_output(events_out)
        self._metrics = open_output(metrics_out) if metrics_out else None
        self.takes_metrics = self._metrics is not None

    def write(self, events: list[bytes], metrics: list[bytes]) -> None:
        if events:
            self._events.write(b"".join(events))
            self._events.flush()
        if metrics and self._metrics is not None:
            self._metrics.write(b"".join(metrics))
            self._metrics.flush()

    def close(self) -> None:
        for handle in (self._events, self._metrics):
            if handle is not None and handle is not sys.stdout.buffer:
                handle.close()


def open_output(location: str) -> IO[bytes]:
    if location == "-":
        return sys.stdout.buffer
    try:
        Path(location).parent.mkdir(parents=True, exist_ok=True)
        return open(location, "wb")
    except OSError as exc:
        raise HubError(f"{location}: cannot write: {exc.strerror or exc}") from None


class RotatingFile:
    """NDJSON lines into DIR/<prefix>-<UTC start>-<n>.ndjson, a new file past `max_bytes` or `max_seconds`.
    Every write is flushed before it returns; a closed file is fsynced."""

    def __init__(self, folder: Path, prefix: str, max_bytes: int, max_seconds: float | None) -> None:
        self.folder, self.prefix = folder, prefix
        self.max_bytes, self.max_seconds = max_bytes, max_seconds
        self._handle: IO[bytes] | None = None
        self._size = 0
        self._opened = 0.0
        self._sequence = 0
        self.files: list[Path] = []

    def write(self, data: bytes, now: float) -> None:
        if self._handle is not None and ((self._size + len(data) > self.max_bytes and self._size)
                                         or (self.max_seconds is not None and now - self._opened >= self.max_seconds)):
            self._finish()
        if self._handle is None:
            self._start(now)
        assert self._handle is not None
        self._handle.write(data)
        self._handle.flush()
        self._size += len(data)

    def _start(self, now: float) -> None:
        stamp = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        while True:
            self._sequence += 1
            path = self.folder / f"{self.prefix}-{stamp}-{self._sequence:04d}.ndjson"
            try:
                self._handle = open(path, "xb")  # noqa: SIM115 - closed by _finish; never another run's file
                break
            except FileExistsError:
                continue
        self.files.append(path)
        self._size, self._opened = 0, now

    def _finish(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None

    def close(self) -> None:
        self._finish()


class RotatingSink:
    """`otel serve`: events-*.ndjson and metrics-*.ndjson in one folder, rotated by size or age; thread-safe."""

    takes_metrics = True

    def __init__(self, folder: str, *, max_bytes: int = 64 << 20, max_seconds: float | None = None) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HubError(f"{folder}: cannot write: {exc.strerror or exc}") from None
        self._lock = threading.Lock()
        self.events = RotatingFile(self.folder, "events", max_bytes, max_seconds)
        self.metrics = RotatingFile(self.folder, "metrics", max_bytes, max_seconds)

    def write(self, events: list[bytes], metrics: list[bytes]) -> None:
        import time

        with self._lock:
            now = time.time()
            if events:
                self.events.write(b"".join(events), now)
            if metrics:
                self.metrics.write(b"".join(metrics), now)

    def close(self) -> None:
        with self._lock:
            self.events.close()
            self.metrics.close()


def rejection_record(rejection: Rejection) -> bytes:
    """One line of --invalid-out, in the form `llm-hub validate --invalid-out` writes."""
    record = {"file": rejection.source, "line": rejection.line, "valid": False, "label": rejection.label,
              "errors": [{"instance_path": rejection.where, "schema_path": "", "keyword": "otel",
                          "message": rejection.reason}],
              "document": json.dumps(rejection.document, ensure_ascii=False) if rejection.document else ""}
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


class InvalidOut:
    """--invalid-out DIR: the rejected spans and data points, one file per input (import) or rotating (serve)."""

    def __init__(self, folder: str, *, rotating: bool = False) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HubError(f"{folder}: cannot write: {exc.strerror or exc}") from None
        self._lock = threading.Lock()
        self._rotating = RotatingFile(self.folder, "rejected", 64 << 20, None) if rotating else None
        self._files: dict[str, IO[bytes]] = {}

    def add(self, rejections: list[Rejection], name: str | None = None) -> None:
        if not rejections:
            return
        data = b"".join(rejection_record(r) for r in rejections)
        with self._lock:
            if self._rotating is not None:
                import time

                self._rotating.write(data, time.time())
                return
            key = name or "rejected.ndjson"
            handle = self._files.get(key)
            if handle is None:
                path = self.folder / key
                path.parent.mkdir(parents=True, exist_ok=True)
                handle = self._files[key] = open(path, "wb")  # noqa: SIM115 - closed by close()
            handle.write(data)
            handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._rotating is not None:
                self._rotating.close()
            for handle in self._files.values():
                handle.close()
            self._files.clear()
