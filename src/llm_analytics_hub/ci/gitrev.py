"""A folder as it was at a git revision, read with `git archive`: the working tree is never touched."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from ..errors import HubError


def git(repo: Path, *args: str) -> bytes:
    """Run git in `repo`; a failure is one line naming the git command."""
    try:
        proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise HubError("git is not installed (needed to read the base revision's schemas)") from exc
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HubError(f"git {' '.join(args)}: {reason[-1] if reason else f'exit code {proc.returncode}'}")
    return proc.stdout


def repo_root(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    return Path(git(folder, "rev-parse", "--show-toplevel").decode().strip())


def has_revision(repo: Path, rev: str) -> bool:
    proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=repo,
                          capture_output=True, check=False)
    return proc.returncode == 0


def export_folder(repo: Path, rev: str, relative: str, dest: Path) -> Path | None:
    """Write the folder `relative` (POSIX, from the repository root) as of `rev` under `dest`.

    Returns where it landed, or None when `rev` has no such folder (the schemas are new).
    """
    if relative not in ("", ".") and not git(repo, "ls-tree", "-d", rev, "--", relative).strip():
        return None
    data = git(repo, "archive", "--format=tar", rev, *([] if relative in ("", ".") else ["--", relative]))
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: refuse links and paths leaving dest
            archive.extractall(dest, filter="data")
        else:  # pragma: no cover - older 3.11 patch releases
            archive.extractall(dest)
    return dest / relative
