"""Prove raw documents valid with the compiled fast paths (validation/fastpath.py), one call each.

The prover reads the schema_version a document declares from its bytes and tries that version's
decoders first: the canonical one (uuids read natively) when re-encoding the value gives the input
back byte for byte, else the exact one. A document is only proven when the decoder kept every
member (validation/members.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from ..versions import DEFAULT_VERSION
from .members import ENCODER, members_kept

if TYPE_CHECKING:  # the candidates compile their fast paths on first need; this module needs only the type
    from .fastpath import FastPath

# RecursionError: msgspec follows a deep value (a recursive type) by recursion; the precise path decides
_DECODE_ERRORS = (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError, RecursionError)
_DECLARED = b'"schema_version":"'
# After this many documents in a row that decode but are not in canonical form, skip the canonical
# attempt for the next _PAUSE documents (then try it again: streams mix producers).
_MISSES_BEFORE_PAUSE = 16
_PAUSE = 1024


Prover = Callable[[bytes], "str | None"]
_PENDING: Any = object()


def prover(candidates: Sequence[tuple[str | None, Callable[[], FastPath | None]]]) -> Prover:
    """One function that proves a raw document valid and returns its label (None: not proven).

    `candidates` pairs the schema_version a document must declare (None: any, the version is
    forced) with a function giving that version's fast path, called on first need: a stream of
    one version never compiles the others. The version the document declares is looked up in its
    bytes first, so a stream of mixed versions is decoded once per document; that textual guess
    only orders the attempts (it may come from a nested member), the decoded value decides.
    """
    if not candidates:
        return lambda raw: None
    steps: list[Any] = [_PENDING] * len(candidates)

    def step(index: int) -> Any:
        if steps[index] is _PENDING:
            version, make = candidates[index]
            fast = make()
            steps[index] = None if fast is None else (
                fast.decoder.decode, fast.label, version,
                fast.canonical.decode if fast.canonical is not None else None, fast.canonical_label)
        return steps[index]

    def attempt(raw: bytes, found: Any) -> str | None:
        decode, label, version, _, _ = found
        try:
            value = decode(raw)
        except _DECODE_ERRORS:
            return None
        if not members_kept(raw, value):
            return None  # (a lenient decoder drops the members its version does not know)
        if version is not None:
            declared = getattr(value, "schema_version", DEFAULT_VERSION)
            if (declared if declared.__class__ is str else DEFAULT_VERSION) != version:
                return None
        proven: str = label(value)
        return proven

    def any_version(raw: bytes, tried: int) -> str | None:
        """The other candidates in turn (a wrong guess, or an invalid document)."""
        for index in range(len(candidates)):
            found = step(index) if index != tried else None
            if found is not None and (proven := attempt(raw, found)) is not None:
                return proven
        return None

    # The declared version, read as the bytes after `"schema_version":"` up to the closing quote.
    first: dict[bytes, int] = {version.encode() + b'"': index
                                for index, (version, _) in enumerate(candidates) if version is not None}
    widths = {len(key) for key in first}
    width = widths.pop() if len(widths) == 1 else 0  # one slice when every version has one length
    default = first.get(DEFAULT_VERSION.encode() + b'"', 0)
    marker, skip, encode_into = _DECLARED, len(_DECLARED), ENCODER.encode_into
    scratch = threading.local()  # one re-encoding buffer per thread (Dask workers may run threads)
    misses = pause = 0  # canonical re-encodings missed in a row; documents left to skip the canonical try

    def prove(raw: bytes) -> str | None:
        nonlocal misses, pause
        found = raw.find(marker)
        index = default
        if found >= 0:
            start = found + skip
            key = raw[start:start + width] if width else raw[start:raw.find(b'"', start) + 1]
            index = first.get(key, default)
        guess = steps[index]
        if guess is _PENDING:
            guess = step(index)
        if guess is None:
            return any_version(raw, index) if len(candidates) > 1 else None
        decode, label, version, canonical, canonical_label = guess
        try:
            again = scratch.buffer  # this thread's re-encoding buffer
        except AttributeError:
            again = scratch.buffer = bytearray()
        if canonical is not None and not pause:  # `attempt` written out: this runs once per document
            try:
                value = canonical(raw)
            except _DECODE_ERRORS:
                value = None
            if value is not None:
                encode_into(value, again)
                if len(raw) - len(again) <= 1 and raw.startswith(again):
                    misses = 0
                    if version is None:
                        proven: str = canonical_label(value)
                        return proven
                    declared = getattr(value, "schema_version", DEFAULT_VERSION)
                    if (declared if declared.__class__ is str else DEFAULT_VERSION) == version:
                        proven = canonical_label(value)
                        return proven
                else:
                    misses += 1
                    if misses >= _MISSES_BEFORE_PAUSE:  # a producer that writes another form
                        misses, pause = 0, _PAUSE
        elif pause:
            pause -= 1
        try:
            value = decode(raw)
        except _DECODE_ERRORS:
            value = None
        if value is not None:
            encode_into(value, again)
            if (len(raw) - len(again) <= 1 and raw.startswith(again)) or members_kept(raw, value):
                if version is None:
                    proven = label(value)
                    return proven
                declared = getattr(value, "schema_version", DEFAULT_VERSION)
                if (declared if declared.__class__ is str else DEFAULT_VERSION) == version:
                    proven = label(value)
                    return proven
        return any_version(raw, index) if len(candidates) > 1 else None

    return prove
