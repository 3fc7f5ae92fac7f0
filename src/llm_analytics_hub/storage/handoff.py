"""A block's rows from a worker process to the loader through shared memory instead of the pool's pipe.

The rows of a block are about as large as its lines (4 MiB). Through the pipe they were pickled in the
worker, copied through the kernel and unpickled in the loader, and while a large result sat in the pipe
the pool's worker-handler thread woke up again and again (its wait includes the result pipe): 0.6 s of
CPU of a 200,000-line DuckDB load, most of it in the loader, the process that also writes into the
store (docs/storage.md, "Measured"). Now a worker writes the encoded rows once into an anonymous
shared-memory file (`memfd_create`), passes the file itself to the loader over a Unix socket
(SCM_RIGHTS) and closes its copy; the outcome that goes through the pipe is small. The loader maps the
file read-only: Arrow batches are read in place, without a copy, and COPY texts are copied out once.
Where a file cannot be made or sent (no descriptor left), that block's rows take the pipe.

Nothing can leak: the files have no name; one in flight is held by the socket, which closes with the
loader (or at the end of the load). Where there is no `memfd_create` (not Linux) or no worker process
(one block, `--jobs 1`), the rows go as before.
"""

from __future__ import annotations

import mmap
import os
import pickle
import socket
import threading
from dataclasses import dataclass
from typing import Any

_TOKEN_BYTES = 64


@dataclass(frozen=True)
class Sent:
    """What the pipe carries instead of the rows: the token the file travels under, where each table's rows
    are in it: (table name, "arrow" or "bytes", offset, size), and where the rows' keys are (pickled)."""

    token: bytes
    index: tuple[tuple[str, str, int, int], ...]
    keys: tuple[int, int]


class Channel:
    """The loader's end, made before the workers are forked (they inherit the other end). A thread takes
    the files off the socket as they come, so a worker never waits on a full socket (a datagram queue holds
    10 by default, fewer than the blocks in flight of eight workers) while the loader waits on its block."""

    def __init__(self) -> None:
        self.loader, self.workers = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.pid = os.getpid()
        self.arrived: dict[bytes, int] = {}  # token -> file, until its block's outcome is read
        self.condition = threading.Condition()
        self.closed = False
        self.taker = threading.Thread(target=self._take, name="llm-hub-handoff", daemon=True)
        self.taker.start()

    def _take(self) -> None:
        while True:
            try:
                token, fds, _, _ = socket.recv_fds(self.loader, _TOKEN_BYTES, 1)
            except OSError:
                token, fds = b"", []
            with self.condition:
                if not token or self.closed:
                    for fd in fds:
                        os.close(fd)
                    self.closed = True
                    self.condition.notify_all()
                    return
                if fds:
                    self.arrived[token] = fds[0]
                self.condition.notify_all()

    def close(self) -> None:
        with self.condition:
            self.closed = True
        self.loader.shutdown(socket.SHUT_RDWR)  # wakes the thread up
        self.taker.join()
        for fd in self.arrived.values():
            os.close(fd)
        self.arrived.clear()
        self.loader.close()
        self.workers.close()

    def receive(self, sent: Sent, schemas: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The rows of `sent`: {table name: a RecordBatch read in place, or bytes}, and their keys. The worker
        sent the file before its outcome, so it has arrived or is arriving when the outcome is read here."""
        import pyarrow as pa

        with self.condition:
            while sent.token not in self.arrived:
                if self.closed:
                    raise RuntimeError("the load's shared-memory channel closed before a block's rows came")
                self.condition.wait()
            fd = self.arrived.pop(sent.token)
        try:
            buffer = _mapped(fd, sum(sent.keys))
        finally:
            os.close(fd)
        data: dict[str, Any] = {}
        for name, kind, start, length in sent.index:
            if kind == "arrow":
                data[name] = pa.ipc.read_record_batch(buffer.slice(start, length), schemas[name])
            else:
                data[name] = buffer.slice(start, length).to_pybytes()
        keys = pickle.loads(buffer.slice(*sent.keys))
        return data, keys


def _mapped(fd: int, size: int) -> Any:
    """The file mapped read-only, as an Arrow buffer. Arrow's map is made through /proc and closed at once:
    the mapping lives as long as a batch reads from it, without an open file (Python's mmap keeps one, so a
    load gathering many blocks could run out of descriptors)."""
    import pyarrow as pa

    try:
        mapped = pa.memory_map(f"/proc/self/fd/{fd}")
    except OSError:  # no /proc
        return pa.py_buffer(mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ))
    try:
        return mapped.read_buffer(size)
    finally:
        mapped.close()


_CHANNEL: list[Channel] = []  # the load's channel, inherited by the forked workers
_SENT = [0]


def open_channel() -> Channel | None:
    """The channel of a load, when this system can pass shared memory (Linux); None otherwise."""
    if not hasattr(os, "memfd_create") or not hasattr(socket, "send_fds"):
        return None
    if not _FORK_HOOK:
        os.register_at_fork(after_in_child=_forked)
        _FORK_HOOK.append(True)
    channel = Channel()
    _CHANNEL[:] = [channel]
    return channel


_FORK_HOOK: list[bool] = []


def _forked() -> None:
    """In a forked worker: only the sending end is its own (the loader's end closes with the loader)."""
    if _CHANNEL:
        _CHANNEL[0].loader.close()


def close_channel(channel: Channel | None) -> None:
    if channel is not None:
        channel.close()
        if _CHANNEL and _CHANNEL[0] is channel:
            _CHANNEL.clear()


def send(data: dict[str, Any], keys: list[str]) -> Sent | None:
    """In a worker: the rows and their keys into a shared-memory file, the file to the loader; None when not
    in a worker of a load with a channel (the rows then go through the pipe)."""
    if not _CHANNEL or os.getpid() == _CHANNEL[0].pid or not data:
        return None
    channel = _CHANNEL[0]
    _SENT[0] += 1
    token = f"{os.getpid()}:{_SENT[0]}".encode()
    try:
        fd = os.memfd_create("llm-hub-rows", os.MFD_CLOEXEC)
    except OSError:
        return None
    try:
        index = []
        with os.fdopen(fd, "wb", closefd=False) as out:
            for name, value in data.items():
                start = out.tell()
                if isinstance(value, bytes):
                    out.write(value)
                    kind = "bytes"
                else:
                    out.write(value.serialize())
                    kind = "arrow"
                index.append((name, kind, start, out.tell() - start))
            start = out.tell()
            out.write(pickle.dumps(keys, pickle.HIGHEST_PROTOCOL))
            keys_at = (start, out.tell() - start)
        socket.send_fds(channel.workers, [token], [fd])
    except OSError:  # e.g. no descriptors left: the rows go through the pipe
        return None
    finally:
        os.close(fd)
    return Sent(token, tuple(index), keys_at)
