"""Checks of string shapes the schemas fix, shared by the validator's fast path and the models'
runtime (a module of its own: importing it pulls in neither)."""

from __future__ import annotations

_HEX_AS_X = bytes.maketrans(b"0123456789abcdefABCDEFx", b"xxxxxxxxxxxxxxxxxxxxxx?")
_UUID_SHAPE = b"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"


def is_uuid_text(value: str) -> bool:
    """The schemas' uuid pattern (8-4-4-4-12 hex digits, either case), without the regex engine:
    ASCII, and every byte a hex digit except the four hyphens. About three times cheaper."""
    return value.isascii() and value.encode().translate(_HEX_AS_X) == _UUID_SHAPE
