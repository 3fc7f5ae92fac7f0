"""The one exception the generated models raise for wire data they cannot hold."""

from __future__ import annotations

from ..pointer import escape


class ModelError(ValueError):
    """A wire value that cannot become a model object; `path` is the JSON pointer of the place.

    Loaders raise it with the innermost place known and each enclosing loader prepends its member
    or index on the way out, so the pointer costs nothing while loading succeeds.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.reason = message
        self._inner = path
        self._outer: list[str] = []  # tokens prepended by enclosing loaders, innermost first

    def within(self, token: str | int) -> ModelError:
        self._outer.append(escape(token))
        return self

    @property
    def path(self) -> str:
        return "".join("/" + token for token in reversed(self._outer)) + self._inner

    def __str__(self) -> str:
        return f"at {self.path or '/'}: {self.reason}"
