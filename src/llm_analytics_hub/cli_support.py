"""What every `llm-hub` command shares: one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from .errors import HubError
from .versions import find_schemas_root, use_schemas_root

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
            if debugging():
                traceback.print_exc()
            fail(f"internal error: {type(exc).__name__}: {exc} (please report this with the command line; "
                 "--traceback or LLM_HUB_DEBUG=1 shows where it happened)")

    return wrapper  # type: ignore[return-value]


def debugging() -> bool:
    """`llm-hub --traceback ...` or LLM_HUB_DEBUG=1: show the traceback of an unexpected error."""
    return os.environ.get("LLM_HUB_DEBUG", "") not in ("", "0")


def with_schemas(func: F) -> F:
    """The `--schemas DIR` option of the authoring commands: pick the schemas root (see
    `find_schemas_root`) and say which on stderr, the command's first output line."""

    @click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False, path_type=Path),
                  help="Schema root holding one folder per version (default: ./schemas of this folder or "
                       "its nearest parent, else the installed copy).")
    @wraps(func)
    def wrapper(*args: Any, schemas_dir: Path | None = None, **kwargs: Any) -> Any:
        try:
            root, how = find_schemas_root(schemas_dir)
        except HubError as exc:
            fail(str(exc))
        use_schemas_root(root)
        click.echo(f"llm-hub: schemas {root} ({how})", err=True)
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
