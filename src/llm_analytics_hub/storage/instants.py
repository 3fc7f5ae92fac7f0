"""Date-times and uuids as columns: the typed value, and what the database type would lose.

A TIMESTAMPTZ holds microseconds in UTC. The producers write UTC with `Z` and a fraction of 0, 3, 6 or
9 digits, the fewest that hold the instant (chrono's `AutoSi`); that text is the *canonical* form.
`split_instant` gives the microseconds since the epoch, the nanoseconds below them, and the original
text only when it is not the canonical form of those two (another offset, a lower-case `t`, a fraction
of another width); `join_instant` is the inverse. A uuid keeps its text when it is not lower-case.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=4096)
def _day_seconds(day: str) -> int:
    return (date.fromisoformat(day).toordinal() - _EPOCH_ORDINAL) * 86400


def split_instant(text: str) -> tuple[int, int | None, str | None]:
    """(microseconds since the epoch, nanoseconds below the microsecond or None, original text or None)."""
    seconds = _day_seconds(text[:10]) + int(text[11:13]) * 3600 + int(text[14:16]) * 60
    second = int(text[17:19])
    end = 19
    nanos_total = 0
    size = len(text)
    if size > 19 and text[19] == ".":
        end = 20
        while end < size and "0" <= text[end] <= "9":
            end += 1
        nanos_total = int((text[20:end] + "000000000")[:9])  # beyond nine digits nothing is kept
    offset = text[end:]
    if offset != "Z" and offset != "z":
        sign = -1 if offset[0] == "-" else 1
        seconds -= sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
    leap = second == 60  # 23:59:60: the database type cannot hold it; the text keeps it
    if leap:
        second, nanos_total = 59, 999_999_999
    micros = (seconds + second) * 1_000_000 + nanos_total // 1000
    nanos = nanos_total % 1000 or None
    canonical = (offset == "Z" and text[10] == "T" and not leap
                 and end - 20 == _canonical_digits(nanos_total) if end > 19 else offset == "Z" and text[10] == "T"
                 and not leap)
    return micros, nanos, None if canonical else text


def _canonical_digits(nanos_total: int) -> int:
    """How many fraction digits the producers write for a sub-second part (0 for none; 3, 6 or 9)."""
    if nanos_total == 0:
        return -1  # a written fraction of zero is not canonical: the producers write none
    if nanos_total % 1_000_000 == 0:
        return 3
    return 6 if nanos_total % 1000 == 0 else 9


def join_instant(micros: int, nanos: int | None, text: str | None = None) -> str:
    """The original text when kept, else the canonical text of the instant."""
    if text is not None:
        return text
    moment = EPOCH + timedelta(microseconds=micros)
    total = moment.microsecond * 1000 + (nanos or 0)
    head = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.year < 1000:
        head = f"{moment.year:04d}" + head[head.index("-"):]
    if total == 0:
        return head + "Z"
    if total % 1_000_000 == 0:
        return f"{head}.{total // 1_000_000:03d}Z"
    if total % 1000 == 0:
        return f"{head}.{total // 1000:06d}Z"
    return f"{head}.{total:09d}Z"


@lru_cache(maxsize=4096)
def _day_text(days: int) -> str:
    day = EPOCH + timedelta(days=days)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def postgres_instant(micros: int) -> str:
    """The instant as PostgreSQL reads a timestamptz: UTC, microseconds (`2024-03-01 10:00:00.5+00`)."""
    seconds, fraction = divmod(micros, 1_000_000)
    days, second = divmod(seconds, 86400)
    hour, second = divmod(second, 3600)
    minute, second = divmod(second, 60)
    text = f"{_day_text(days)} {hour:02d}:{minute:02d}:{second:02d}"
    return f"{text}.{fraction:06d}+00" if fraction else f"{text}+00"


def instant_micros(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def split_uuid(text: str) -> tuple[str, str | None]:
    lower = text.lower()
    return lower, None if lower == text else text
