"""What every `llm-hub` command shares: one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click

from .errors import HubError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"llm-hub: error: {message}", err=True)
    sys.exit(code)


def silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def guarded(func: F) -> F:
    """One-line errors and exit code 2 instead of tracebacks; quiet exit on a closed pipe."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HubError as exc:
            fail(str(exc))
        except BrokenPipeError:
            silence_stdout()
            sys.exit(1)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except MemoryError:
            fail("out of memory")
        except Exception as exc:  # the contract is one line and exit 2, never a traceback
            fail(f"internal error: {type(exc).__name__}: {exc} (please report this with the command line)")

    return wrapper  # type: ignore[return-value]
