"""The only file I/O of `docs build`: write the site into a folder it owns.

A folder is overwritten only when it is empty or holds a site an earlier build wrote (it carries
the MARKER file), so `--out` pointed at the wrong folder never deletes anyone's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ...errors import HubError
from ..target import Files

MARKER = ".llm-hub-site"


def check_target(out: Path) -> None:
    """Refuse, before any work, a folder the build must not replace."""
    if out.exists() and not out.is_dir():
        raise HubError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise HubError(f"{out}: not empty and not a site written by `llm-hub docs build`; "
                       "pick an empty or new folder")


def write_site(files: Files, out: Path) -> int:
    """Replace `out` with the site; returns the number of bytes written."""
    check_target(out)
    try:
        if out.is_dir():
            shutil.rmtree(out)
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("written by llm-hub docs build; the whole folder is replaced on rebuild\n",
                                  encoding="utf-8")
        total = 0
        for relative, text in files.items():
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8")
            target.write_bytes(data)
            total += len(data)
    except OSError as exc:
        raise HubError(f"{exc.filename or out}: cannot write the site: {exc.strerror}") from None
    return total
