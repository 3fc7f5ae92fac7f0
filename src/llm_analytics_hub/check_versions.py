"""The cross-version rules of `llm-hub check`: released folders unchanged, minors backward compatible."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from .compat.report import compare, default_corpus, load_version_dir
from .errors import HubError
from .release import check_released
from .versions import available_versions, parse_version


def release_findings(root: Path) -> Iterator[tuple[str, Path, str, str, str]]:
    """(version, path, pointer, rule, message) for every change to a released folder."""
    for problem in check_released(root):
        yield problem.version, problem.path, "", "released", problem.message


def consecutive_pairs(versions: list[str]) -> Iterator[tuple[str, str]]:
    """Each version with its predecessor of the same major (1.0.0 -> 1.1.0, not 1.4.0 -> 2.0.0)."""
    for before, after in pairwise(versions):
        if parse_version(before)[0] == parse_version(after)[0]:
            yield before, after


def compat_findings(root: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, Path, str, str, str]]:
    """A finding for every breaking change or counterexample between consecutive versions of a major.

    Versions in `skip` (those with findings of their own: broken refs, invalid schemas) are not
    compared; their own findings already fail the check.
    """
    for before, after in consecutive_pairs(available_versions(root)):
        if before in skip or after in skip:
            continue
        old_dir, new_dir = root / before, root / after
        try:
            old, new = load_version_dir(old_dir), load_version_dir(new_dir)
            report = compare(old, new, corpus=default_corpus(old_dir, before))
        except (HubError, ValueError) as exc:
            yield after, new_dir, "", "compat", f"cannot compare {before} with {after}: {exc}"
            continue
        for change in report.changes:
            if change.kind != "breaking":
                continue
            where = change.new or change.old or ""
            file_part, _, fragment = where.partition("#")
            path = (new_dir if change.new else old_dir) / file_part
            yield after, path, fragment, "compat", (f"[{change.rule}] {change.type}: {change.message} "
                                                    f"(not backward compatible with {before})")
        if report.empirical is not None:
            for example in report.empirical.counterexamples:
                yield after, new_dir, "", "compat", (
                    f"[{example.rule}] {example.type}: a payload valid under {before} ({example.source}) is "
                    f"invalid under {after} at {example.instance_path or '(root)'}: {example.message}")
