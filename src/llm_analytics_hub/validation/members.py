"""Whether a typed decoder kept every member of a raw document.

A msgspec decoder keeps the last of two members of the same name, so a decoded document counts as
proven only when nothing can have been dropped: its re-encoding is the input itself (the encoder
never writes a member twice), or, for other spacing and member order, both texts have as many
colons (each member has one outside strings; strings keep theirs) and the input has no `\\u`
escape (an escaped colon would count on one side only). Both fast paths (`fastpath.FastPath.accepts`
and the stream `prover`) ask this.
"""

from __future__ import annotations

from typing import Any

import msgspec

ENCODER = msgspec.json.Encoder()
_ENCODE = ENCODER.encode


def members_kept(raw: bytes, value: Any) -> bool:
    """Whether decoding `raw` into `value` kept every member (False: one may have been a duplicate)."""
    again = _ENCODE(value)
    # The input is the encoding itself, or it plus the line's final newline (the decoder accepted
    # the input, so a byte after the JSON text is whitespace).
    if len(raw) - len(again) <= 1 and raw.startswith(again):
        return True
    if b"\\" in raw and b"\\u" in raw:
        return False
    return raw.count(b":") == again.count(b":")
