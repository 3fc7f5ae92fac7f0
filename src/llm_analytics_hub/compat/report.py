"""Compare two version folders (static rules + empirical check) and render the verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import HubError
from ..schema_store import SchemaSet, load_folder
from ..versions import VERSION_RE
from .differ import Change, diff_folders, verdict_of
from .empirical import DEFAULT_SAMPLES, DEFAULT_SEED, EmpiricalResult, empirical_check

MAX_SHOWN_COUNTEREXAMPLES = 20


@dataclass
class Report:
    old: str
    new: str
    changes: list[Change]
    empirical: EmpiricalResult | None

    @property
    def kinds(self) -> list[str]:
        kinds = [c.kind for c in self.changes]
        if self.empirical and self.empirical.counterexamples:
            kinds.append("breaking")
        return kinds

    @property
    def verdict(self) -> str:
        return verdict_of(self.kinds)

    @property
    def compatible(self) -> bool:
        return "breaking" not in self.kinds

    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for c in self.changes if c.kind == kind)
                for kind in ("breaking", "compatible", "cosmetic")}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "old": self.old, "new": self.new, "verdict": self.verdict,
            "backward_compatible": self.compatible, "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes],
        }
        if self.empirical is not None:
            data["empirical"] = {
                "types": self.empirical.types, "payloads": self.empirical.payloads,
                "counterexamples": [c.as_dict() for c in self.empirical.counterexamples],
            }
        return data


def load_version_dir(path: Path) -> SchemaSet:
    """A version folder given on the command line: its name is its version when it looks like one."""
    if not path.is_dir():
        raise HubError(f"not a schema version folder: {path}")
    version = path.name if VERSION_RE.match(path.name) else None
    schemas = load_folder(path, version)
    if schemas.problems:
        first = schemas.problems[0]
        raise HubError(f"{first.path}: line {first.line}: {first.message}")
    return schemas


def default_corpus(old_dir: Path, version: str) -> Path | None:
    """corpus/<version> beside the OLD folder (schemas/corpus/<version>), when there is one."""
    candidate = old_dir.resolve().parent / "corpus" / version
    return candidate if candidate.is_dir() else None


def compare(old: SchemaSet, new: SchemaSet, *, empirical: bool = True, corpus: Path | None = None,
            samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> Report:
    changes = diff_folders(old, new)
    result = empirical_check(old, new, corpus=corpus, samples=samples, seed=seed) if empirical else None
    return Report(old.version, new.version, changes, result)


def compare_dirs(old_dir: Path, new_dir: Path, **options: Any) -> Report:
    old, new = load_version_dir(old_dir), load_version_dir(new_dir)
    if "corpus" not in options or options["corpus"] is None:
        options["corpus"] = default_corpus(old_dir, old.version)
    return compare(old, new, **options)


def render_text(report: Report, *, cosmetic: bool = True) -> str:
    lines = []
    for change in report.changes:
        if change.kind == "cosmetic" and not cosmetic:
            continue
        where = change.new or change.old
        lines.append(f"{change.kind:<10} {change.rule:<26} {change.type}: {change.message}  [{where}]")
    if report.empirical is not None:
        shown = report.empirical.counterexamples[:MAX_SHOWN_COUNTEREXAMPLES]
        for ce in shown:
            payload = json.dumps(ce.payload, ensure_ascii=False, sort_keys=True)
            if len(payload) > 400:
                payload = payload[:397] + "..."
            lines.append(f"counterexample {ce.rule} {ce.type} ({ce.source}): valid under {report.old}, "
                         f"invalid under {report.new} at {ce.instance_path or '(root)'} [{ce.keyword}]: "
                         f"{ce.message}\n    {payload}")
        hidden = len(report.empirical.counterexamples) - len(shown)
        if hidden:
            lines.append(f"... {hidden} more counterexample(s); --format json lists them all")
    counts = report.counts()
    empirical = ""
    if report.empirical is not None:
        empirical = (f"; empirical: {report.empirical.payloads} payloads valid under {report.old} checked "
                     f"under {report.new}, {len(report.empirical.counterexamples)} counterexample(s)")
    lines.append(f"{report.old} -> {report.new}: {counts['breaking']} breaking, {counts['compatible']} "
                 f"compatible, {counts['cosmetic']} cosmetic change(s){empirical}")
    lines.append(f"verdict: {report.verdict} "
                 f"({'backward compatible' if report.compatible else 'NOT backward compatible'})")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"
