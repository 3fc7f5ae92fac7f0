"""CHANGELOG.md: one entry per release of the project's packages, written from the compatibility verdicts
of the schema versions the release carries (`llm-hub changelog`; `make dist` refuses a stale entry).

An entry names the schema versions every package of the release carries and, for each, its verdict
against its predecessor by the static rules of `llm-hub compat` (the bump it needs, the changes by rule,
as in generated/docs/<version>/changelog.md), whether it is new since the previous entry and whether it
is released (frozen in released.json). Only the entry of the current project version is ever rewritten;
the older ones are history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codegen.changelog import changelog_doc
from ..codegen.render import render_template
from ..release import read_released
from ..schema_store import load_folder
from ..versions import available_versions

HEADING = re.compile(r"^## (\d+\.\d+\.\d+)\s*$", re.M)
CARRIED = re.compile(r"^Schema versions carried: (.*)$", re.M)
TITLE = """# Changelog

One entry per release of the packages (Python, npm, Rust crate, Go module, Java), newest first, written
by `llm-hub changelog` from the compatibility verdicts of the schema versions each release carries.
Every change of a schema version, by rule: `generated/docs/<version>/changelog.md`.
"""


@dataclass(frozen=True)
class Entry:
    version: str
    start: int  # where its heading starts in the file
    end: int  # where the next entry (or the file) starts


def entries(text: str) -> list[Entry]:
    found = list(HEADING.finditer(text))
    return [Entry(m.group(1), m.start(), found[i + 1].start() if i + 1 < len(found) else len(text))
            for i, m in enumerate(found)]


def carried_before(text: str, project_version: str) -> set[str] | None:
    """The schema versions the newest entry other than `project_version`'s carried (None: no such entry)."""
    for entry in entries(text):
        if entry.version != project_version:
            listed = CARRIED.search(text, entry.start, entry.end)
            return {v.strip() for v in listed.group(1).split(",")} if listed else set()
    return None


def render_entry(project_version: str, root: Path, before: set[str] | None) -> str:
    """The entry of `project_version` for the schema tree at `root` (newest schema version first)."""
    versions = available_versions(root)
    sets = [load_folder(root / v, v) for v in versions]
    released = read_released(root)
    schemas: list[dict[str, Any]] = []
    for index, current in enumerate(sets):
        doc = changelog_doc(sets[index - 1] if index else None, current)
        schemas.append({**doc, "new": before is None or current.version not in before,
                        "released": current.version in released})
    return render_template("release_changelog_entry.md.jinja2", release=project_version,
                           carried=", ".join(versions), schemas=list(reversed(schemas)))


def updated(text: str, project_version: str, root: Path) -> str:
    """The changelog `text` with the entry of `project_version` written anew (added on top if missing)."""
    if not text.strip():
        text = TITLE
    entry = render_entry(project_version, root, carried_before(text, project_version))
    for found in entries(text):
        if found.version == project_version:
            return text[:found.start] + entry + ("\n" if found.end < len(text) else "") + text[found.end:]
    existing = entries(text)
    if not existing:
        return text.rstrip("\n") + "\n\n" + entry
    at = existing[0].start
    return text[:at] + entry + "\n" + text[at:]


def default_path(root: Path) -> Path:
    """CHANGELOG.md beside the schema root (the repository's top folder)."""
    return root.parent / "CHANGELOG.md"
