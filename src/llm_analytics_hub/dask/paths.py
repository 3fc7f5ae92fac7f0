"""Local paths on a cluster: resolved where the command runs, and checked against what the workers see.

A Dask worker opens the paths it is handed in its own process, relative to its own working folder,
perhaps on another machine. So before anything is submitted the client makes every local input and
the --valid-out folder absolute, checks that each input can be read here (as a local run does), and
asks every worker whether it sees the same files (same sizes) and the folder. A path a worker cannot
see is one line naming it (an unreadable input, the run goes on; an output folder, the run stops):
local paths need a filesystem shared by the client and the workers, or an object-store URL instead.
URLs and stdin (read by the client, shipped as bytes) need none of this.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import HubError, InputError
from ..validation.inputs import InputSource, is_url

ADVICE = "use a shared path or an object-store URL"
Seen = int | str  # a file's size, or why it cannot be read


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def file_seen(path: str) -> Seen:
    """The size of a readable regular file, else why not (what a worker answers for each input)."""
    try:
        if os.path.isdir(path):
            return "is a directory"
        size = os.stat(path).st_size
        with open(path, "rb"):
            return size
    except OSError as exc:
        return _reason(exc)


def folder_seen(path: str) -> str | None:
    """None for a folder this process can write into, else why not."""
    if not os.path.isdir(path):
        return "no such folder" if not os.path.exists(path) else "not a folder"
    return None if os.access(path, os.W_OK | os.X_OK) else "Permission denied"


def what_a_worker_sees(files: Sequence[str], folders: Sequence[str]) -> tuple[list[Seen], list[str | None]]:
    """Run on every worker by `client.run`."""
    return [file_seen(p) for p in files], [folder_seen(p) for p in folders]


def localize(sources: Sequence[InputSource | InputError]) -> list[InputSource | InputError]:
    """Local inputs with absolute paths (names unchanged, so reports read as the user wrote them); one that
    cannot be read here becomes the InputError a local run gives."""
    found: list[InputSource | InputError] = []
    for source in sources:
        if isinstance(source, InputError) or source.path is None:
            found.append(source)
            continue
        seen = file_seen(str(source.path))
        if isinstance(seen, str):
            found.append(InputError(source.name, 0, seen))
            continue
        found.append(replace(source, path=Path(os.path.abspath(source.path))))
    return found


def local_folder(location: str | None) -> str | None:
    """An output folder as every worker must name it: URLs as they are, local paths absolute."""
    return location if location is None or is_url(location) else os.path.abspath(location)


def make_folder(location: str) -> str | None:
    """Create a local output folder so that the workers can be asked whether they see it; returns the topmost
    folder created (to remove if nothing is written into it). A path that cannot be a folder is left to the
    workers' writes, which name the file they could not write, as a local run does."""
    top = None
    probe = location
    while not os.path.lexists(probe):
        top, probe = probe, os.path.dirname(probe)
    try:
        os.makedirs(location, exist_ok=True)
    except OSError:
        return None
    return top


def remove_if_empty(folder: str, top: str | None) -> None:
    """Remove the folders `make_folder` created that nothing was written into (a local run writes none)."""
    if top is None:
        return
    current = folder
    while True:
        try:
            os.rmdir(current)
        except OSError:
            return
        if current == top:
            return
        current = os.path.dirname(current)


def _worker_answers(client: Any, files: list[str], folders: list[str]) -> dict[str, Any]:
    try:
        answers: dict[str, Any] = client.run(what_a_worker_sees, files, folders)
    except Exception as exc:  # e.g. a worker without llm-analytics-hub installed
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise HubError(f"a Dask worker could not run llm-hub's path check: {type(exc).__name__}: {reason} "
                       "(the workers need llm-analytics-hub[dask], the client's version)") from None
    return answers


def _who(addresses: list[str]) -> str:
    more = f" (and {len(addresses) - 1} more)" if len(addresses) > 1 else ""
    return f"the Dask worker at {addresses[0]}{more}"


def check_visible(client: Any, sources: list[InputSource | InputError],
                  valid_out: str | None) -> list[InputSource | InputError]:
    """Ask every worker what it sees: an input it cannot read, or reads at another size, becomes an InputError;
    a --valid-out folder it cannot see is a HubError. `sources` come from `localize`, `valid_out` from
    `local_folder` (and `make_folder`)."""
    local = {i: s for i, s in enumerate(sources) if isinstance(s, InputSource) and s.path is not None}
    files = [str(s.path) for s in local.values()]
    folders = [valid_out] if valid_out is not None and not is_url(valid_out) and os.path.isdir(valid_out) else []
    if not files and not folders:
        return list(sources)
    answers = _worker_answers(client, files, folders)
    for index, folder in enumerate(folders):
        blind = sorted(a for a, (_, seen) in answers.items() if seen[index] is not None)
        if blind:
            reason = answers[blind[0]][1][index]
            raise HubError(f"{folder}: cannot write: {_who(blind)} cannot see this folder ({reason}); {ADVICE}")
    checked = list(sources)
    for position, (index, source) in enumerate(local.items()):
        name, path = source.name, files[position]
        size = file_seen(path)
        if isinstance(size, str):  # gone since `localize`
            checked[index] = InputError(name, 0, size)
            continue
        blind = sorted(a for a, (seen, _) in answers.items() if seen[position] != size)
        if blind:
            seen = answers[blind[0]][0][position]
            reason = seen if isinstance(seen, str) else f"another file there: {seen} bytes, {size} here"
            checked[index] = InputError(name, 0, f"{_who(blind)} cannot see {path} ({reason}); {ADVICE}")
    return checked
