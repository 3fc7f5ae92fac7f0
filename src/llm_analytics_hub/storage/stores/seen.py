"""Which keys of a batch a load may have written already: a fixed-size Bloom filter of the keys it wrote.

A load keeps each event_id once: before this, every batch's keys were looked up in the events table, the
largest single cost of a PostgreSQL load after the envelope's COPY (a 6,000-key `= ANY(array)` probe of
the primary key per block: 0.75-1.0 s of the server's time for the 200,000-line mix) and 0.1 s of
DuckDB's. When the events table holds no row at the load's start, a key can only be stored already if
this load wrote it, so only the keys the filter has seen (and the false positives: about 2 in 10,000 at
a million keys) are looked up; when the table held rows, every key still is. The filter's size is fixed
(16 MiB), so a load's memory does not grow with its input; a false positive costs one lookup, never a
lost or doubled event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_BITS = 1 << 27  # 16 MiB
_MASK = _BITS - 1


class SeenKeys:
    """The keys a load wrote, as two bits each of a fixed bit array (hashes of one process only). The
    native extension tests and sets them (native/src/seen.rs: 5 ms for 200,000 keys, Python's loop
    below 85 ms); without it, Python does, with its own hashes: either is a Bloom filter, and one
    filter always uses the same."""

    def __init__(self, *, native: bool = True) -> None:
        self.bits = bytearray(_BITS >> 3)
        from ...validation.native import _NATIVE

        self.native = _NATIVE if native and hasattr(_NATIVE, "seen_keys") else None

    def candidates(self, keys: Sequence[str]) -> list[str]:
        """The keys that may have been added before (or earlier in `keys`); all of `keys` are added."""
        if self.native is not None and isinstance(keys, list):
            return [keys[position] for position in self.native.seen_keys(self.bits, keys)]
        bits = self.bits
        found = []
        for key in keys:
            code = hash(key)
            first = code & _MASK
            second = (code >> 27) & _MASK
            low, high = first >> 3, second >> 3
            one, two = 1 << (first & 7), 1 << (second & 7)
            if bits[low] & one and bits[high] & two:
                found.append(key)
            else:
                bits[low] |= one
                bits[high] |= two
        return found


class KeysToLookUp:
    """A SQL store's choice, made at its first append: when the events table held rows, every key of a batch
    is looked up; when it was empty, only those the filter of this store's keys has seen."""

    def __init__(self) -> None:
        self._seen: SeenKeys | None = None
        self._decided = False

    def among(self, keys: list[str], connection: Any, table: str) -> list[str]:
        """`connection`: DuckDB's or psycopg's (both `execute(sql).fetchall()`)."""
        if not self._decided:
            held = connection.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]
            self._seen = None if held else SeenKeys()
            self._decided = True
        return keys if self._seen is None else self._seen.candidates(keys)
