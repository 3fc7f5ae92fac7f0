"""One JSON text into one JSON value, by the rules every entry point of the hub shares
(docs/errors.md, "One verdict per text"), or a one-line reason why not.

orjson does the work: it refuses NaN, numbers beyond the double range (`1e400`, also written as an
integer), lone surrogate escapes, invalid UTF-8, trailing commas, a second document and nesting
deeper than MAX_DEPTH levels. Two things it does not do are handled here, only for the documents
that need it: integers beyond 64 bits (orjson turns them into floats, which can round into range)
and duplicate member names (a parser keeps the last one silently; the producers' deserializer
rejects them, and dropping a member silently would hide data).

A module of its own, importing neither the validator nor the models: both use it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"
# orjson reads an integer beyond 64 bits as a float. Above the u64 range that float still
# fails every integer maximum, but just below the i64 minimum it rounds to exactly -2**63 and would
# pass; such documents are re-read exactly. (A substring test: a regex here costs more than parsing.)
_NEAR_I64_MIN = b"-922337203685477"
MAX_DEPTH = 1024  # orjson's nesting limit; deeper documents are rejected, never recursed into


@contextmanager
def deep_recursion(limit: int = 30_000) -> Iterator[None]:
    """Let Python-level parsing and validation follow a document as deep as orjson reads (1024
    levels, a few frames each), instead of failing on the interpreter's default limit of 1000."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


class ParseError(ValueError):
    """The document is not acceptable JSON; the message is one line."""


def text_bytes(text: bytes | bytearray | memoryview | str) -> bytes:
    """The bytes of one text given to a text entry point (`from_json`, `Validator.check_json`), read
    as `llm-hub validate` reads a .json file: UTF-8, one leading byte order mark skipped. A str is
    encoded as UTF-8; one holding a lone surrogate has no UTF-8 form and is refused."""
    if isinstance(text, str):
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("not valid JSON: str is not valid UTF-8: surrogates not allowed") from None
    else:
        raw = bytes(text)
    return raw[len(BOM):] if raw.startswith(BOM) else raw


def parse_document(raw: bytes) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ParseError(_describe(exc)) from None
    if _NEAR_I64_MIN in raw:
        return _parse_exactly(raw)
    try:
        same_members = raw.count(b":") == orjson.dumps(value).count(b":")
    except TypeError:  # orjson writes at most 254 levels; it reads 1024
        same_members = False
    if not same_members or b"\\u" in raw:
        # A member was dropped (each member carries one ':'), or escapes make counting unsafe.
        _reject_duplicates(raw)
    return value


def _describe(exc: orjson.JSONDecodeError) -> str:
    reason = exc.msg
    if "depth limit" in reason:
        return f"not valid JSON: nested deeper than {MAX_DEPTH} levels"
    if "BOM" in reason:
        return "not valid JSON: a UTF-8 byte order mark is only allowed at the start of a file"
    return f"not valid JSON: {reason} at column {exc.colno}"


def _reject_constant(name: str) -> Any:
    raise ParseError(f"not valid JSON: {name} is not a JSON number")


def _parse_exactly(raw: bytes) -> Any:
    """Python's parser keeps integers exact; used only for documents with very long numbers."""
    try:
        with deep_recursion():
            return json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_unique_members)
    except RecursionError:
        raise ParseError(f"not valid JSON: nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:  # pragma: no cover - orjson accepted it already
        raise ParseError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None


def _reject_duplicates(raw: bytes) -> None:
    try:
        with deep_recursion():
            json.loads(raw, object_pairs_hook=_unique_members)
    except RecursionError:  # Python's parser stops before orjson's 1024 levels
        raise ParseError(f"not valid JSON: nested deeper than {MAX_DEPTH} levels") from None


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ParseError(f"duplicate member {key!r} in one object")
        result[key] = value
    return result
