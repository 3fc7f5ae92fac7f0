"""Scalar wire forms: RFC 3339 date-times and UUIDs that remember their exact text.

Objects loaded from the wire write back exactly what they were read from; objects built in code
are written in the producer form: UTC `Z` timestamps with 0/3/6 fraction digits, lower-case UUIDs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, SafeUUID

from ..text_checks import is_uuid_text
from .errors import ModelError

_DATE_TIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)
_SHORT_FORM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3}|\.\d{6})?(?:Z|[+-]\d\d:\d\d)")
_object_setattr = object.__setattr__
_new = object.__new__
_from_iso = datetime.fromisoformat


class WireUUID(UUID):
    """A UUID that remembers the exact string it was read from (e.g. upper-case hex).

    Its 128-bit value is read from that text on first use, so loading an event costs no integer
    parsing for ids that are only carried along.
    """

    __slots__ = ("_value", "wire")
    wire: str
    _value: int
    is_safe = SafeUUID.unknown  # type: ignore[misc]  # UUID declares it Final; ours is the same constant

    @property  # type: ignore[misc]  # UUID declares `int` Final; here it is computed once from the text
    def int(self) -> int:
        try:
            return self._value
        except AttributeError:
            value = int(self.wire.replace("-", ""), 16)
            _object_setattr(self, "_value", value)
            return value

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return wire_uuid, (self.wire,)


def wire_uuid(text: str) -> WireUUID:
    """A WireUUID of text already known to be a hyphenated UUID."""
    made = _new(WireUUID)
    _object_setattr(made, "wire", text)
    return made


class WireDateTime(datetime):
    """A timezone-aware datetime that remembers the exact RFC 3339 text it was read from.

    The text keeps what `datetime` cannot: nanoseconds, the original offset and fraction width.
    Arithmetic on it gives a datetime without that memory, written in the producer form.
    """

    wire: str | None = None


def kind_of(value: Any) -> str:
    """The JSON kind of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def expected(what: str, value: Any) -> ModelError:
    return ModelError("", f"expected {what}, got {kind_of(value)}")


def load_uuid(value: Any) -> UUID:
    if value.__class__ is not str or not is_uuid_text(value):
        raise ModelError("", f"expected a hyphenated UUID string, got {value!r}")
    return wire_uuid(value)


def load_datetime(value: Any) -> datetime:
    if value.__class__ is not str:
        raise expected("an RFC 3339 date-time string", value)
    if _SHORT_FORM.fullmatch(value) is not None:  # the producers' forms: the C parser reads them exactly
        try:  # the subclass from the parsed state: cheaper than WireDateTime.fromisoformat
            made = WireDateTime(*_from_iso(value).__reduce__()[1])
        except ValueError:
            raise ModelError("", f"not a valid date-time: {value!r}") from None
        made.wire = value
        return made
    return _load_datetime_slowly(value)


def _load_datetime_slowly(value: str) -> datetime:
    match = _DATE_TIME_RE.fullmatch(value)
    if not match:
        raise ModelError("", f"not an RFC 3339 date-time: {value!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if zulu:
        tz: timezone = UTC
    else:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        made = WireDateTime(int(year), int(month), int(day), int(hour), int(minute),
                            min(int(second), 59), micro, tzinfo=tz)  # a leap second :60 reads as :59
    except ValueError as exc:
        raise ModelError("", f"not a valid date-time: {value!r} ({exc})") from None
    made.wire = value
    return made


def format_datetime(value: datetime) -> str:
    """The producer (chrono) form: UTC, `Z`, a 3/6-digit fraction only when non-zero."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    text = (f"{value.year:04d}-{value.month:02d}-{value.day:02d}"  # strftime writes year 5 as "5"
            f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
    if value.microsecond:
        digits = f"{value.microsecond:06d}"
        text += "." + (digits[:3] if digits.endswith("000") else digits)
    return text + "Z"


def dump_datetime(value: datetime) -> str:
    wire = getattr(value, "wire", None)
    return wire if isinstance(wire, str) else format_datetime(value)


def dump_uuid(value: UUID) -> str:
    wire = getattr(value, "wire", None)
    return wire if isinstance(wire, str) else str(value)
