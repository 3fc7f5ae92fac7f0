"""Refuse an incompatible schema change: compare a schema folder with its state at a git revision.

Each version folder that changed since the revision is compared with its own earlier state; a new
version folder is compared with its predecessor of the same major (a new major needs no
compatibility); a version folder that disappeared is breaking. Unchanged folders are skipped, so a
commit that touches one file costs one comparison.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compat.empirical import DEFAULT_SAMPLES, DEFAULT_SEED
from ..compat.report import Report, compare_dirs, render_text
from ..errors import HubError
from ..release import file_hashes
from ..versions import available_versions, parse_version
from .gitrev import export_folder, has_revision, repo_root


@dataclass
class Comparison:
    version: str  # the version folder of the working tree
    against: str  # what it was compared with: "1.1.0 at HEAD", "1.0.0" (its predecessor), ""
    report: Report | None  # None: nothing to compare with (a new major)


@dataclass
class BaseComparison:
    schemas: Path
    base: str
    base_exists: bool  # False when the revision has no schema folder (or the repository no commit)
    comparisons: list[Comparison] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # versions of the revision gone from the tree

    @property
    def compatible(self) -> bool:
        return not self.removed and all(c.report is None or c.report.compatible for c in self.comparisons)

    @property
    def verdict(self) -> str:
        """The bump the change needs: major, minor, patch, or none when nothing changed."""
        if self.removed:
            return "major"
        verdicts = [c.report.verdict for c in self.comparisons if c.report is not None]
        return next((v for v in ("major", "minor", "patch") if v in verdicts), "none")

    def as_dict(self) -> dict[str, Any]:
        return {
            "schemas": str(self.schemas), "base": self.base, "base_exists": self.base_exists,
            "backward_compatible": self.compatible, "verdict": self.verdict, "removed": self.removed,
            "comparisons": [{"version": c.version, "against": c.against,
                             "report": c.report.as_dict() if c.report else None} for c in self.comparisons],
        }


def predecessor(version: str, versions: list[str]) -> str | None:
    """The newest version before `version` with the same major."""
    major = parse_version(version)[0]
    earlier = [v for v in versions if parse_version(v) < parse_version(version) and parse_version(v)[0] == major]
    return earlier[-1] if earlier else None


def compare_roots(base_root: Path | None, head_root: Path, base: str, **options: Any) -> BaseComparison:
    """Compare every changed or new version folder of `head_root` (see the module docstring)."""
    head_versions = available_versions(head_root)
    base_versions = available_versions(base_root) if base_root is not None else []
    result = BaseComparison(head_root, base, base_root is not None)
    for version in head_versions:
        if version in base_versions:
            assert base_root is not None
            if file_hashes(base_root / version) == file_hashes(head_root / version):
                continue
            old_dir, against = base_root / version, f"{version} at {base}"
        else:
            before = predecessor(version, head_versions)
            if before is None:
                result.comparisons.append(Comparison(version, "", None))
                continue
            old_dir, against = head_root / before, before
        result.comparisons.append(Comparison(version, against, compare_dirs(old_dir, head_root / version, **options)))
    result.removed = [v for v in base_versions if v not in head_versions]
    return result


def compare_with_revision(schemas: Path, base: str = "HEAD", *, empirical: bool = True,
                          samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> BaseComparison:
    """Compare the schema folder `schemas` of a git working tree with its state at revision `base`."""
    if not schemas.is_dir():
        raise HubError(f"schema folder not found: {schemas}")
    repo = repo_root(schemas)
    relative = schemas.resolve().relative_to(repo.resolve()).as_posix()
    options: dict[str, Any] = {"empirical": empirical, "samples": samples, "seed": seed}
    if not has_revision(repo, base):
        if base == "HEAD" and not has_revision(repo, "HEAD"):  # the first commit: everything is new
            return compare_roots(None, schemas, base, **options)
        raise HubError(f"unknown git revision {base!r} in {repo} (fetch it first, e.g. git fetch origin main)")
    with tempfile.TemporaryDirectory(prefix="llm-hub-base-") as tmp:
        base_root = export_folder(repo, base, relative, Path(tmp))
        return compare_roots(base_root, schemas, base, **options)


def render_comparison_text(result: BaseComparison) -> str:
    here = Path.cwd().resolve()
    schemas = Path(result.schemas).resolve()
    shown = schemas.relative_to(here) if schemas.is_relative_to(here) else schemas
    lines = [f"comparing {shown} with its state at {result.base}"
             + ("" if result.base_exists else f" (no schema folder at {result.base}: every version is new)")]
    for comparison in result.comparisons:
        if comparison.report is None:
            lines.append(f"== {comparison.version}: new major version, nothing to compare with")
            continue
        lines.append(f"== {comparison.version} against {comparison.against}")
        lines.append(render_text(comparison.report, cosmetic=False).rstrip("\n"))
    for version in result.removed:
        lines.append(f"== {version}: removed (present at {result.base}); producers of {version} lose their schema")
    if not result.comparisons and not result.removed:
        lines.append(f"no version folder changed since {result.base}")
    lines.append("backward compatible" if result.compatible
                 else f"NOT backward compatible with {result.base}: this change needs a new major version")
    return "\n".join(lines) + "\n"


def render_comparison_json(result: BaseComparison) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"
