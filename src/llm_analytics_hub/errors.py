"""Exceptions that the CLI turns into a one-line message and exit code 2."""


class HubError(Exception):
    """A usage or environment error: unknown type or version, unreadable schema folder, ..."""


class InputError(Exception):
    """An input that cannot be read (missing, a directory, unreadable, corrupt compression)."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}:{line}: cannot read: {reason}" if line else f"{source}: cannot read: {reason}")
        self.source = source
        self.line = line
