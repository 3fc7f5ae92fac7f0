"""Checks of string shapes the schemas fix, shared by the validator's fast path and the models'
runtime (a module of its own: importing it pulls in neither)."""

from __future__ import annotations

_HEX_AS_X = bytes.maketrans(b"0123456789abcdefABCDEFx", b"xxxxxxxxxxxxxxxxxxxxxx?")
_UUID_SHAPE = b"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"


def is_uuid_text(value: str) -> bool:
    """The schemas' uuid pattern (8-4-4-4-12 hex digits, either case), without the regex engine:
    ASCII, and every byte a hex digit except the four hyphens. About three times cheaper."""
    return value.isascii() and value.encode().translate(_HEX_AS_X) == _UUID_SHAPE


_DIGIT_AS_0 = bytes.maketrans(b"0123456789", b"0000000000")
_PRODUCER_DATE_TIMES = frozenset(
    f"0000-00-00T00:00:00{fraction}{offset}".encode()
    for fraction in ("", ".000", ".000000") for offset in ("Z", "+00:00", "-00:00")
)


def is_producer_date_time(value: str) -> bool:
    """The producers' RFC 3339 forms, `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff](Z|+HH:MM|-HH:MM)` in ASCII
    digits (what `datetime.fromisoformat` then reads exactly), without the regex engine: every digit
    becomes 0 and the result must be one of the nine shapes. Calendar checks are fromisoformat's."""
    return value.isascii() and value.encode().translate(_DIGIT_AS_0) in _PRODUCER_DATE_TIMES
