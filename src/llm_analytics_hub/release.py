"""Released schema versions never change: a recorded hash per released folder, and new versions.

`schemas/released.json` maps each released version to the sha256 of its folder and of every file
in it. The folder hash covers the sorted relative paths and the bytes of every file, so renames,
additions and removals all change it; the per-file hashes let `llm-hub check` name what changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HubError
from .otel.mapping import FOLDER as OTEL_MAPPING_FOLDER
from .schema_store import ID_BASE
from .schema_view.output_form import FOLDER as OUTPUT_FOLDER
from .versions import available_versions, parse_version, schemas_root

RELEASED_FILE = "released.json"
@dataclass(frozen=True)
class ReleaseProblem:
    version: str
    path: Path  # the released folder, or one file in it
    message: str


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, keyed by its relative POSIX path, sorted."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(found.items()))


def folder_hash(folder: Path) -> str:
    """One sha256 over the sorted relative paths and bytes of every file of the folder."""
    digest = hashlib.sha256()
    for relative in sorted(file_hashes(folder)):
        data = (folder / relative).read_bytes()
        digest.update(relative.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0" + data)
    return digest.hexdigest()


def released_path(root: Path | None = None) -> Path:
    return (root or schemas_root()) / RELEASED_FILE


def read_released(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """{version: {"sha256": folder hash, "files": {relative path: sha256}}}; empty when none."""
    path = released_path(root)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HubError(f"{path}: unreadable: {exc}") from exc
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, dict):
        raise HubError(f"{path}: expected an object with a \"versions\" object")
    return versions


def write_released(released: dict[str, dict[str, Any]], root: Path | None = None) -> Path:
    path = released_path(root)
    ordered = {v: released[v] for v in sorted(released, key=parse_version)}
    document = {
        "comment": "Released schema versions and their hashes; written by `llm-hub release X.Y.Z`. "
                   "A released folder must never change (llm-hub check fails if it does).",
        "versions": ordered,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def release(version: str, root: Path | None = None, *, force: bool = False) -> dict[str, Any]:
    """Record the current content of a version folder as released (re-record with force)."""
    base = root or schemas_root()
    parse_version(version)
    folder = base / version
    if not folder.is_dir():
        raise HubError(f"no schema version folder {folder}")
    released = read_released(base)
    if version in released and not force:
        raise HubError(f"{version} is already released; released versions never change "
                       f"(--force re-records it, only for a version nobody has consumed yet)")
    entry = {"sha256": folder_hash(folder), "files": file_hashes(folder)}
    released[version] = entry
    write_released(released, base)
    return entry


def check_released(root: Path | None = None) -> Iterator[ReleaseProblem]:
    """A problem for every released folder whose content differs from the recorded hashes."""
    base = root or schemas_root()
    for version, entry in read_released(base).items():
        folder = base / version
        if not folder.is_dir():
            yield ReleaseProblem(version, folder, f"released version {version} is missing")
            continue
        recorded_files = entry.get("files") if isinstance(entry, dict) else None
        recorded_hash = entry.get("sha256") if isinstance(entry, dict) else None
        if recorded_hash == folder_hash(folder):
            continue
        if not isinstance(recorded_files, dict):
            yield ReleaseProblem(version, folder, f"released version {version} changed (folder hash differs)")
            continue
        current = file_hashes(folder)
        for relative in sorted(set(recorded_files) | set(current)):
            if relative not in current:
                message = "removed from a released version"
            elif relative not in recorded_files:
                message = "added to a released version"
            elif current[relative] != recorded_files[relative]:
                message = "changed in a released version"
            else:
                continue
            yield ReleaseProblem(version, folder / relative,
                                 f"{message} ({version} is immutable; author changes in a new version: "
                                 f"llm-hub new-version)")


def new_version(version: str, root: Path | None = None, source: str | None = None) -> Path:
    """Copy the latest (or `source`) version folder into a new, unreleased one, rewriting `$id`s."""
    base = root or schemas_root()
    wanted = parse_version(version)
    existing = available_versions(base)
    if not existing:
        raise HubError(f"no schema versions under {base} to copy from")
    origin = source or existing[-1]
    if origin not in existing:
        raise HubError(f"unknown source version {origin!r}; known: {', '.join(existing)}")
    if version in existing:
        raise HubError(f"schema version {version} already exists")
    if wanted <= parse_version(existing[-1]):
        raise HubError(f"{version} is not newer than the latest version {existing[-1]}")
    target = base / version
    shutil.copytree(base / origin, target)
    old_prefix, new_prefix = f"{ID_BASE}{origin}/", f"{ID_BASE}{version}/"
    for path in sorted(target.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        if old_prefix in text:
            path.write_text(text.replace(old_prefix, new_prefix), encoding="utf-8")
    for folder in (OUTPUT_FOLDER, OTEL_MAPPING_FOLDER):
        _copy_producer_output(base, origin, version, folder)
    return target


def _copy_producer_output(base: Path, origin: str, version: str, folder: str = OUTPUT_FOLDER) -> None:
    """The new version starts with its origin's facts kept beside the folders (producer output forms, the
    OpenTelemetry mapping; their keys name no version)."""
    source = base / folder / f"{origin}.json"
    if not source.is_file():
        return
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HubError(f"{source}: unreadable: {exc}") from exc
    if isinstance(document, dict):
        document["version"] = version
        if isinstance(document.get("$comment"), str):
            document["$comment"] = document["$comment"].replace(f"version {origin}", f"version {version}")
    (base / folder / f"{version}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
