"""Exceptions that the CLI turns into a one-line message and exit code 2."""


class HubError(Exception):
    """A usage or environment error: unknown type or version, unreadable schema folder, ..."""
