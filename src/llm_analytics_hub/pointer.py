"""RFC 6901 JSON pointers: the one place that escapes and splits them."""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str | int) -> str:
    """One reference token: `~` -> `~0`, `/` -> `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(tokens: Iterable[str | int]) -> str:
    """The pointer of a path of member names and array indexes ("" for the whole document)."""
    return "".join("/" + escape(token) for token in tokens)


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer ("" -> [])."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(token) for token in pointer[1:].split("/")]
