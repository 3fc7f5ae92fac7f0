"""Schema version folders: where they are and how they sort."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import HubError

VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
DEFAULT_VERSION = "1.0.0"


def parse_version(text: str) -> tuple[int, int, int]:
    match = VERSION_RE.match(text)
    if not match:
        raise HubError(f"not a MAJOR.MINOR.PATCH version: {text!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


_CHOSEN: list[Path] = []  # the root an authoring command chose (--schemas or discovery)


def use_schemas_root(root: Path) -> None:
    """Make `root` the schemas root of this process (what `--schemas` of a command does)."""
    _CHOSEN[:] = [root]


def installed_schemas_root() -> tuple[Path, str]:
    """The schemas this installation carries: package data of a wheel, or the checkout's folder."""
    packaged = Path(__file__).parent / "_schemas"
    if packaged.is_dir():
        return packaged, "the copy packaged with llm-hub"
    return Path(__file__).resolve().parents[2] / "schemas", "the checkout llm-hub runs from"


def schemas_root() -> Path:
    """The folder that holds one sub-folder per schema version.

    The root an authoring command chose, else LLM_HUB_SCHEMAS, else this installation's schemas.
    """
    if _CHOSEN:
        return _CHOSEN[0]
    override = os.environ.get("LLM_HUB_SCHEMAS")
    if override:
        return Path(override)
    return installed_schemas_root()[0]


def find_schemas_root(explicit: Path | None = None, start: Path | None = None) -> tuple[Path, str]:
    """The schemas an authoring command works on, and how they were found: `--schemas DIR`, else
    LLM_HUB_SCHEMAS, else `schemas/` of the current folder or its nearest parent that has one
    (so an installed llm-hub run inside a clone works on the clone), else the installed copy."""
    if explicit is not None:
        if not explicit.is_dir():
            raise HubError(f"--schemas {explicit}: no such folder")
        return explicit, "--schemas"
    override = os.environ.get("LLM_HUB_SCHEMAS")
    if override:
        if not Path(override).is_dir():
            raise HubError(f"schema folder not found: {override} (LLM_HUB_SCHEMAS)")
        return Path(override), "LLM_HUB_SCHEMAS"
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "schemas"
        if candidate.is_dir() and any(VERSION_RE.match(p.name) for p in candidate.iterdir() if p.is_dir()):
            return candidate, "found from the current folder"
    return installed_schemas_root()


def available_versions(root: Path | None = None) -> list[str]:
    base = root or schemas_root()
    if not base.is_dir():
        raise HubError(f"schema folder not found: {base}")
    found = [p.name for p in base.iterdir() if p.is_dir() and VERSION_RE.match(p.name)]
    return sorted(found, key=parse_version)
