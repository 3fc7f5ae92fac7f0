"""Format assertion: `uuid` and `date-time` are part of the contract, never mere annotations."""

from __future__ import annotations

from functools import cache

from jsonschema import FormatChecker

from .errors import HubError

REQUIRED_FORMATS = ("uuid", "date-time")


@cache
def format_checker() -> FormatChecker:
    """python-jsonschema's checker, refusing to run when a required format would go unchecked.

    python-jsonschema silently skips `date-time` when rfc3339-validator is not installed. Its
    date-time check also lets a trailing newline through (Python's `$` matches before one), which
    RFC 3339 and the producers' parser reject; that value is refused here.
    """
    checker = FormatChecker()
    missing = [name for name in REQUIRED_FORMATS if name not in checker.checkers]
    if missing:
        raise HubError(
            "format checking unavailable for " + ", ".join(missing)
            + " (install the rfc3339-validator package)"
        )
    lenient_date_time, raises = checker.checkers["date-time"]

    @checker.checks("date-time", raises=raises)
    def strict_date_time(instance: object) -> bool:
        if isinstance(instance, str) and instance.endswith("\n"):
            return False
        return bool(lenient_date_time(instance))

    return checker
