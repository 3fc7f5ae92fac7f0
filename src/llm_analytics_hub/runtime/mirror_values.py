"""The value converters of `from_json`'s mirror path (runtime/mirror.py): the uuid and date-time
texts the producers write, raw any-typed values, and the fast ways to set a frozen object's state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..json_text import parse_document
from ..text_checks import is_producer_date_time, is_uuid_text
from .errors import ModelError
from .wire import WireDateTime, WireUUID, wire_uuid

# UUIDs and date-times are strings to msgspec and checked by the converters: a pattern in msgspec
# costs a call into `re` from C, about twice a direct `fullmatch` in the compiled converter.
uuid_text = is_uuid_text
date_time_text = is_producer_date_time  # the producers' forms; any other form goes the careful way
from_iso = datetime.fromisoformat


# Setting a slot or `__dict__` through its descriptor skips object.__setattr__'s lookup (the classes
# are frozen: their own __setattr__ refuses), a few percent of loading an event.
SET_UUID_WIRE = WireUUID.__dict__["wire"].__set__  # the slot's member descriptor


def dict_setter(cls: type) -> Callable[[Any, dict[str, Any]], None]:
    """`object.__setattr__(made, "__dict__", d)` for instances of `cls`, as one descriptor call."""
    owner = next(c for c in cls.__mro__ if "__dict__" in c.__dict__)
    setter: Callable[[Any, dict[str, Any]], None] = owner.__dict__["__dict__"].__set__
    return setter


class NoMirror(Exception):
    """A kind msgspec cannot decide exactly: its values stay raw JSON for the dict loader."""


def checked_uuid(text: str) -> Any:
    if not uuid_text(text):
        raise ModelError("", "not a hyphenated UUID")
    return wire_uuid(text)


def wire_datetime(text: str) -> Any:
    """A date-time in one of the producers' forms (the pattern above), read by the C parser."""
    if not date_time_text(text):
        raise ModelError("", "not a producer form of a date-time")
    made = WireDateTime(*from_iso(text).__reduce__()[1])  # as load_datetime builds it
    made.wire = text
    return made


def raw_json(raw: Any) -> Any:
    """An any-typed value kept as raw text: read by the shared rules (duplicate names inside it too)."""
    return parse_document(bytes(raw))


def not_a_variant(value: Any) -> Any:
    raise ModelError("", "unknown discriminator")
