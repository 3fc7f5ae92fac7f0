"""Format assertion: `uuid` and `date-time` are part of the contract, never mere annotations."""

from __future__ import annotations

from functools import cache

from jsonschema import FormatChecker

from .errors import HubError
from .text_checks import is_uuid_text

REQUIRED_FORMATS = ("uuid", "date-time")


@cache
def format_checker() -> FormatChecker:
    """python-jsonschema's checker, refusing to run when a required format would go unchecked.

    python-jsonschema silently skips `date-time` when rfc3339-validator is not installed. Its
    date-time check also lets a trailing newline through (Python's `$` matches before one), which
    RFC 3339 and the producers' parser reject; that value is refused here. Its `uuid` check is
    `uuid.UUID()` with four hyphens in place, which also takes a trailing hyphen, an underscore or a
    non-ASCII digit (int() reads them); here a uuid is the hyphenated 8-4-4-4-12 hex form, as RFC 9562,
    the JSON Schema Test Suite, every other engine and the contract's pattern say.
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

    @checker.checks("uuid")
    def strict_uuid(instance: object) -> bool:
        return not isinstance(instance, str) or is_uuid_text(instance)

    return checker
