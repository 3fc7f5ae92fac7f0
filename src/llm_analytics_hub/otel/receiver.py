"""An OTLP/HTTP receiver: POST /v1/traces and /v1/metrics, protobuf or JSON, gzip, as the OTLP specification
says. What happens to a request is the `Consumer`'s business (`serve` maps and stores it, `check --listen`
reports on it); the receiver answers 200 with `partial_success` when the consumer rejected some spans or data
points (never the whole batch for one bad span), 400 for a body that is no OTLP request, 413 past the body
limit (compressed or not), 415 for a content type or encoding it does not speak, 404 elsewhere.

Nothing acknowledged is lost: the consumer returns only once the request's documents are written, and
the 200 goes out after that. On SIGTERM (or SIGINT) the receiver stops accepting connections, lets every
request in progress finish and be answered (with `Connection: close`), closes idle keep-alive connections,
waits for every handler thread, and only then returns, so the caller closes its sink last.
"""

from __future__ import annotations

import contextlib
import gzip
import signal
import socket
import sys
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import orjson

from ..errors import HubError
from .inputs import TRACES_START, Request, json_request, lazy_json_spans, lazy_spans
from .otlp import DecodeError

Signal = Literal["traces", "metrics"]
PATHS: dict[str, Signal] = {"/v1/traces": "traces", "/v1/metrics": "metrics"}
PROTOBUF, JSON = "application/x-protobuf", "application/json"
DEFAULT_MAX_BODY = 16 << 20
# (signal, request) -> (rejected count, error message); writes what it accepts before returning
Consumer = Callable[[Signal, Request, str], tuple[int, str]]


class BodyTooLarge(Exception):
    pass


class OtlpServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for every handler: nothing acknowledged is cut off
    block_on_close = True
    allow_reuse_address = True
    # a protobuf or OTLP/JSON trace request handed over unread (`Request.body`, `json_body`), for a consumer
    # whose pipeline reads them itself and answers DecodeError as the receiver would (`serve`'s); else decoded here
    lazy_traces = False

    def __init__(self, address: tuple[str, int], consumer: Consumer, *, max_body: int = DEFAULT_MAX_BODY,
                 idle_timeout: float = 60.0) -> None:
        super().__init__(address, OtlpHandler)
        self.consumer = consumer
        self.max_body = max_body
        self.idle_timeout = idle_timeout
        self.draining = threading.Event()
        self._connections: dict[socket.socket, bool] = {}  # socket -> busy with a request
        self._lock = threading.Lock()
        self.requests = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request is no news (it was not acknowledged); anything else is one line."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError | BrokenPipeError):
            sys.stderr.write(f"llm-hub: error: connection from {client_address[0]}: {type(error).__name__}: {error}\n")

    def track(self, connection: socket.socket, busy: bool | None) -> bool:
        """Record a connection's state (None: gone); False when the receiver is draining and it is idle."""
        with self._lock:
            if busy is None:
                self._connections.pop(connection, None)
                return True
            if not busy and self.draining.is_set():
                return False
            self._connections[connection] = busy
            return True

    def close_idle(self) -> None:
        with self._lock:
            idle = [c for c, busy in self._connections.items() if not busy]
        for connection in idle:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def drain(self) -> None:
        """Stop accepting (from any thread but the one in serve_forever); idle connections are closed."""
        if not self.draining.is_set():
            self.draining.set()
            threading.Thread(target=self.shutdown, daemon=True).start()
        self.close_idle()

    def serve_until_signalled(self) -> None:
        """serve_forever until SIGTERM/SIGINT, then drain and wait for every handler thread."""
        previous = {sig: signal.signal(sig, lambda *_: self.drain()) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.serve_forever(poll_interval=0.1)
        finally:
            self.draining.set()
            self.wait_for_handlers()
            self.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def wait_for_handlers(self) -> None:
        threads = getattr(self, "_threads", None) or []
        for thread in list(threads):
            while thread.is_alive():
                self.close_idle()  # a connection may have turned idle, or arrived, since the last look
                thread.join(0.05)


class OtlpHandler(BaseHTTPRequestHandler):
    server: OtlpServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_timeout)
        self.server.track(self.connection, False)

    def finish(self) -> None:
        self.server.track(self.connection, None)
        super().finish()

    def parse_request(self) -> bool:
        self.server.track(self.connection, True)  # a request arrived: no longer idle, answered even when draining
        return super().parse_request()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per rejection is the consumer's; a line per request would drown it

    def do_GET(self) -> None:
        self._reply(404, JSON, b'{"code": 5, "message": "POST OTLP requests to /v1/traces or /v1/metrics"}')

    def do_POST(self) -> None:
        try:
            self._post()
        finally:
            self.server.track(self.connection, False)
            if self.server.draining.is_set():
                self.close_connection = True

    def _post(self) -> None:
        signal_name = PATHS.get(self.path.split("?", 1)[0])
        if signal_name is None:
            self._discard()
            return self._status(404, JSON, f"no such endpoint {self.path}: use /v1/traces or /v1/metrics")
        content_type = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if content_type not in (PROTOBUF, JSON):
            self._discard()
            return self._status(415, JSON, f"unsupported Content-Type {content_type or '(none)'}: "
                                           f"send {PROTOBUF} or {JSON}")
        encoding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("gzip", "identity"):
            self._discard()
            return self._status(415, content_type, f"unsupported Content-Encoding {encoding}: send gzip or none")
        try:
            body = self._body()
            if encoding == "gzip":
                body = _gunzip(body, self.server.max_body)
        except BodyTooLarge as exc:
            self.close_connection = True
            return self._status(413, content_type, str(exc))
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            self.close_connection = True
            return self._status(400, content_type, f"unreadable body: {exc}")
        request = _decode(signal_name, content_type, body, f"POST {self.path} from {self.client_address[0]}",
                          lazy=self.server.lazy_traces)
        if request.problem is not None:
            return self._status(400, content_type, request.problem)
        try:
            rejected, message = self.server.consumer(signal_name, request, content_type)
        except DecodeError as exc:
            return self._status(400, content_type, str(exc))
        except HubError as exc:  # the store failed (`--into`): nothing acknowledged, the client retries (OTLP: 503)
            sys.stderr.write(f"llm-hub: error: {exc}\n")
            return self._status(503, content_type, str(exc))
        except Exception as exc:  # a fault of ours: say so, acknowledge nothing
            sys.stderr.write(f"llm-hub: error: internal error on {self.path}: {type(exc).__name__}: {exc}\n")
            return self._status(500, content_type, f"internal error: {type(exc).__name__}")
        self.server.requests += 1
        self._reply(200, content_type, _response(signal_name, content_type, rejected, message))

    def _discard(self) -> None:
        """Read (and drop) a small body so the connection stays usable; close it otherwise."""
        length = self.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) <= self.server.max_body:
            self.rfile.read(int(length))
        else:
            self.close_connection = True

    def _body(self) -> bytes:
        limit = self.server.max_body
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked(limit)
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise ValueError("no Content-Length")
        if int(length) > limit:
            raise BodyTooLarge(f"the body has {length} bytes; the limit is {limit} (--max-body)")
        return self.rfile.read(int(length))

    def _chunked(self, limit: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(1024)
            chunk = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if chunk == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            size += chunk
            if size > limit:
                raise BodyTooLarge(f"the chunked body passes the limit of {limit} bytes (--max-body)")
            parts.append(self.rfile.read(chunk))
            self.rfile.readline(8)

    def _status(self, code: int, content_type: str, message: str) -> None:
        grpc = {400: 3, 404: 5, 413: 8, 415: 3}.get(code, 2)  # google.rpc.Code of the Status body
        if content_type == PROTOBUF:
            from google.rpc import status_pb2  # googleapis-common-protos, with opentelemetry-proto

            body = status_pb2.Status(code=grpc, message=message).SerializeToString()
        else:
            content_type, body = JSON, orjson.dumps({"code": grpc, "message": message})
        self._reply(code, content_type, body)

    def _reply(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection or self.server.draining.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        # end_headers, with the body: one send, not two (http.server keeps the headers in this list until then)
        self._headers_buffer.append(b"\r\n" + body)  # type: ignore[attr-defined]
        self.flush_headers()
        self.wfile.flush()


def _gunzip(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(body, limit + 1)
    if len(data) > limit or inflater.unconsumed_tail:
        raise BodyTooLarge(f"the body inflates past the limit of {limit} bytes (--max-body)")
    if not inflater.eof:
        raise gzip.BadGzipFile("truncated gzip body")
    return data


def _decode(signal_name: Signal, content_type: str, body: bytes, source: str, *, lazy: bool = False) -> Request:
    if content_type == JSON:
        if lazy and signal_name == "traces" and TRACES_START.match(body):  # the pipeline reads the text
            return Request(source, 1, "traces", spans=lazy_json_spans(body), json_body=body)
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return Request(source, 1, None, problem=f"not JSON: {exc}")
        request = json_request(source, 1, document)
        if request.problem is None and request.signal != signal_name:
            found = request.signal or "no"
            return Request(source, 1, None, problem=f"a {found} request sent to /v1/{signal_name}")
        return request
    from .otlp_proto import _modules, metrics_from_proto, parse_metrics, parse_traces, spans_from_proto

    if lazy and signal_name == "traces":
        _modules()
        return Request(source, 1, "traces", spans=lazy_spans(body), body=body)
    try:
        if signal_name == "traces":
            return Request(source, 1, "traces", spans=spans_from_proto(parse_traces(body)))
        return Request(source, 1, "metrics", metrics=metrics_from_proto(parse_metrics(body)))
    except DecodeError as exc:
        return Request(source, 1, None, problem=str(exc))


def _response(signal_name: Signal, content_type: str, rejected: int, message: str) -> bytes:
    field = "rejected_spans" if signal_name == "traces" else "rejected_data_points"
    if content_type == JSON:
        if not rejected:
            return b"{}"
        camel = "rejectedSpans" if signal_name == "traces" else "rejectedDataPoints"
        return orjson.dumps({"partialSuccess": {camel: str(rejected), "errorMessage": message}})
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    module: Any = trace_service_pb2 if signal_name == "traces" else metrics_service_pb2
    response = (module.ExportTraceServiceResponse() if signal_name == "traces"
                else module.ExportMetricsServiceResponse())
    if rejected:
        setattr(response.partial_success, field, rejected)
        response.partial_success.error_message = message
    return bytes(response.SerializeToString())


def announce(server: OtlpServer, what: str) -> None:
    sys.stderr.write(f"llm-hub: otel {what} listening on {server.url} (POST /v1/traces, /v1/metrics)\n")
    sys.stderr.flush()
