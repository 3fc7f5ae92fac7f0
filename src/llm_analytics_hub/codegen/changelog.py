"""Generated compatibility pages: a changelog per version (its changes by rule against the previous
version, from the static rules of `llm-hub compat`) and the reference table of the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..compat.differ import Change, diff_folders, verdict_of
from ..compat.rules import EMPIRICAL_ONLY_RULES, KIND_ORDER, RULES, RULES_BY_ID
from ..release import folder_hash
from ..schema_store import SchemaSet
from ..versions import parse_version
from .render import render_template
from .target import Files


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    kind: str
    summary: str
    changes: tuple[Change, ...]


def _groups(changes: list[Change]) -> list[RuleGroup]:
    by_rule: dict[str, list[Change]] = {}
    for change in changes:
        by_rule.setdefault(change.rule, []).append(change)
    groups = []
    for rule, items in by_rule.items():
        kind = max((c.kind for c in items), key=lambda k: KIND_ORDER[k])
        summary = RULES_BY_ID[rule].summary if rule in RULES_BY_ID else ""
        groups.append(RuleGroup(rule, kind, summary, tuple(items)))
    return sorted(groups, key=lambda g: (-KIND_ORDER[g.kind], g.rule))


def changelog_doc(previous: SchemaSet | None, current: SchemaSet,
                  changes: list[Change] | None = None) -> dict[str, Any]:
    """`changes`: the diff of previous -> current when the caller has it already."""
    if changes is None:
        changes = diff_folders(previous, current) if previous is not None else []
    same_major = previous is not None and parse_version(previous.version)[0] == parse_version(current.version)[0]
    return {
        "version": current.version,
        "previous": previous.version if previous is not None else None,
        "same_major": same_major,
        "hashes": [(s.version, folder_hash(s.folder)) for s in (previous, current) if s is not None],
        "verdict": verdict_of([c.kind for c in changes]),
        "counts": [(kind, sum(1 for c in changes if c.kind == kind))
                   for kind in ("breaking", "compatible", "cosmetic")],
        "groups": _groups(changes),
        "types": len(current.types),
    }


def render_changelogs(sets: list[SchemaSet]) -> Files:
    """docs/<version>/changelog.md for every version, against the version before it."""
    files: Files = {}
    for index, current in enumerate(sets):
        previous = sets[index - 1] if index else None
        files[f"docs/{current.version}/changelog.md"] = render_template(
            "docs/changelog.md.jinja2", doc=changelog_doc(previous, current))
    return files


def render_rules_page() -> Files:
    """docs/compat-rules.md: every rule id of `llm-hub compat`, its kind and meaning."""
    rows = [(r.id, r.kind, r.summary) for r in RULES]
    empirical = [(r.id, r.kind, r.summary) for r in EMPIRICAL_ONLY_RULES]
    return {"docs/compat-rules.md": render_template("docs/compat_rules.md.jinja2", rows=rows, empirical=empirical)}
