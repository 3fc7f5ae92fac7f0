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


def schemas_root() -> Path:
    """The folder that holds one sub-folder per schema version.

    LLM_HUB_SCHEMAS overrides it; an installed wheel carries the schemas as package data; a
    checkout (editable install) uses the repository's schemas/ folder.
    """
    override = os.environ.get("LLM_HUB_SCHEMAS")
    if override:
        return Path(override)
    packaged = Path(__file__).parent / "_schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


def available_versions(root: Path | None = None) -> list[str]:
    base = root or schemas_root()
    if not base.is_dir():
        raise HubError(f"schema folder not found: {base}")
    found = [p.name for p in base.iterdir() if p.is_dir() and VERSION_RE.match(p.name)]
    return sorted(found, key=parse_version)
