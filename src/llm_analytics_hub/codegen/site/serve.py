"""`llm-hub docs serve`: the built site on 127.0.0.1, for a quick look (not a production server)."""

from __future__ import annotations

import errno
import http.server
from functools import partial
from pathlib import Path
from typing import Any

from ...errors import HubError

HOST = "127.0.0.1"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """One line per request would drown the URL the user needs; errors still reach the browser."""


def make_server(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A server bound to HOST:port (0 picks a free port); a busy port is a one-line error."""
    handler = partial(QuietHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise HubError(f"port {port} on {HOST} is already in use; pick another with --port") from None
        if exc.errno == errno.EACCES:
            raise HubError(f"port {port} on {HOST} needs privileges; pick one above 1023 with --port") from None
        raise HubError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
