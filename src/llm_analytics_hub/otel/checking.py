"""`otel check` runs: over export files, or listening like `serve` (accepting everything, storing nothing)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import TextIO

from .check_report import finding_line, sarif, write_coverage
from .checker import Checker, Finding
from .inputs import InputError, Request, Signal, requests
from .otlp import DecodeError
from .receiver import DEFAULT_MAX_BODY, OtlpServer, announce


class CheckRun:
    def __init__(self, checker: Checker, out: TextIO, fmt: str) -> None:
        self.checker, self.out, self.fmt = checker, out, fmt
        self.findings: list[Finding] = []
        self.unreadable = 0
        self._lock = threading.Lock()

    def request(self, request: Request) -> list[Finding]:
        try:
            if request.problem is not None:
                raise DecodeError(request.problem)
            if request.signal == "traces" and request.spans is not None:
                found = self.checker.spans(request.spans, request.source, request.line)
            elif request.signal == "metrics" and request.metrics is not None:
                found = self.checker.metrics(request.metrics, request.source, request.line)
            else:
                found = []
        except DecodeError as exc:
            with self._lock:
                self.unreadable += 1
                self.out.write(f"llm-hub: error: {request.source}:{request.line}: {exc}\n")
            return []
        with self._lock:
            self.findings += found
            if self.fmt != "sarif":
                for finding in found:
                    self.out.write(finding_line(finding, self.fmt) + "\n")
                self.out.flush()
        return found

    def finish(self) -> int:
        coverage = self.checker.coverage_report()
        if self.fmt == "sarif":
            self.out.write(json.dumps(sarif(self.findings, coverage), indent=2, ensure_ascii=False) + "\n")
        else:
            write_coverage(coverage, self.fmt, self.out)
        self.out.flush()
        if self.unreadable:
            return 2
        return 1 if any(f.level in ("error", "warning") for f in self.findings) else 0


def check_files(paths: Sequence[str], run: CheckRun, err: TextIO, signal: Signal | None = None) -> int:
    unreadable = False
    for path in paths:
        try:
            for request in requests(path, signal):
                run.request(request)
        except InputError as exc:
            unreadable = True
            err.write(f"llm-hub: error: {exc}\n")
    code = run.finish()
    return 2 if unreadable else code


def check_listening(host: str, port: int, run: CheckRun, *, max_body: int = DEFAULT_MAX_BODY) -> int:
    def consume(signal: Signal, request: Request, content_type: str) -> tuple[int, str]:
        run.request(request)
        return 0, ""

    server = OtlpServer((host, port), consume, max_body=max_body)
    announce(server, "check")
    server.serve_until_signalled()
    run.finish()
    return 0
