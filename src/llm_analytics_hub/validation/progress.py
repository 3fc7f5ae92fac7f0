"""A progress line on stderr for long runs at a terminal; silent in pipes and CI logs."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TextIO

from ..errors import InputError
from .inputs import InputSource

LARGE_INPUT_BYTES = 20_000_000


def wants_progress(sources: Sequence[InputSource | InputError], err: TextIO) -> bool:
    """A progress line only at a terminal, and only for input that takes a while (large or unsized)."""
    if not err.isatty():
        return False
    sizes = [s.size() for s in sources if isinstance(s, InputSource)]
    return any(size is None for size in sizes) or sum(s or 0 for s in sizes) > LARGE_INPUT_BYTES


class Progress:
    def __init__(self, err: TextIO, *, enabled: bool) -> None:
        self.err = err
        self.enabled = enabled
        self.started = time.monotonic()
        self.next_draw = self.started + 0.5
        self.drawn = False

    def tick(self, documents: int, invalid: int) -> None:
        """Called once per block of lines; draws at most four times a second."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.next_draw:
            return
        self.next_draw = now + 0.25
        rate = documents / max(now - self.started, 1e-9)
        self.err.write(f"\r{documents:,} documents checked, {invalid:,} invalid ({rate:,.0f}/s)")
        self.err.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.err.write("\r\033[K")
            self.err.flush()
