"""The Markdown job summary of the Action: counts, worst findings, compatibility verdict.

Every piece of text that comes from a document or a schema goes through `cell`, so that a member
name holding `|`, `<script>`, backticks or a newline stays text inside its table cell.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..validation.reporters import Tally
from .collect import Worst
from .compat_base import BaseComparison

MAX_BREAKING_SHOWN = 20
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$])")  # $: GitHub renders $...$ as math


def cell(text: str) -> str:
    """Text as one line of inert Markdown: HTML escaped, Markdown punctuation backslash-escaped."""
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(r"\\\1", html.escape(flat, quote=False))


@dataclass
class CompatOutcome:
    status: str  # compatible | breaking | skipped | error
    reason: str  # why skipped, or the error
    base: str
    result: BaseComparison | None = None


def _compat_headline(compat: CompatOutcome) -> str:
    base = cell(compat.base) if compat.base else "the base branch"
    if compat.status == "compatible" and compat.result is not None:
        return f"✅ backward compatible with {base} (bump: {compat.result.verdict})"
    if compat.status == "breaking":
        return f"❌ NOT backward compatible with {base}: the change needs a new major version"
    if compat.status == "error":
        return f"⚠️ could not compare: {cell(compat.reason)}"
    return f"⏭️ skipped: {cell(compat.reason)}"


def _events_headline(tally: Tally | None) -> str:
    if tally is None:
        return "⏭️ no paths given"
    if tally.unreadable:
        return f"⚠️ {len(tally.unreadable)} unreadable input(s); {tally.invalid} of {tally.documents} documents invalid"
    if tally.invalid:
        return f"❌ {tally.invalid} of {tally.documents} documents invalid"
    return f"✅ all {tally.documents} documents valid"


def render_summary(tally: Tally | None, worst: list[Worst], compat: CompatOutcome) -> str:
    lines = ["## LLM Analytics Hub", "",
             f"**Event files:** {_events_headline(tally)}  ",
             f"**Schema compatibility:** {_compat_headline(compat)}", ""]
    if tally is not None:
        lines += ["| Documents | Valid | Invalid | Unreadable inputs | Errors |", "|---:|---:|---:|---:|---:|",
                  f"| {tally.documents} | {tally.valid} | {tally.invalid} | {len(tally.unreadable)} | "
                  f"{sum(tally.by_keyword.values())} |", ""]
    if worst:
        lines += ["### Worst findings", "", "| File | Line | Location | Keyword | Message |", "|---|---:|---|---|---|"]
        lines += [f"| {cell(w.file)} | {w.line or ''} | {cell(w.pointer or '(root)')} | {cell(w.keyword)} | "
                  f"{cell(w.message)} |" for w in worst]
        lines.append("")
    if tally is not None and tally.by_keyword:
        counts = ", ".join(f"{cell(k)} {n}" for k, n in tally.by_keyword.most_common())
        lines += [f"**Errors by keyword:** {counts}", ""]
    if compat.result is not None:
        lines += _compat_tables(compat.result)
    return "\n".join(lines) + "\n"


def _compat_tables(result: BaseComparison) -> list[str]:
    lines = [f"### Schema changes against {cell(result.base)}", ""]
    if not result.comparisons and not result.removed:
        return [*lines, "No schema version changed.", ""]
    lines += ["| Version | Compared with | Bump | Breaking | Counterexamples | Compatible | Cosmetic |",
              "|---|---|---|---:|---:|---:|---:|"]
    breaking = []
    for comparison in result.comparisons:
        if comparison.report is None:
            lines.append(f"| {cell(comparison.version)} | (new major version) | major | | | | |")
            continue
        counts = comparison.report.counts()
        empirical = comparison.report.empirical
        counterexamples = len(empirical.counterexamples) if empirical else 0
        mark = "" if comparison.report.compatible else " ❌"
        lines.append(f"| {cell(comparison.version)} | {cell(comparison.against)} | {comparison.report.verdict}{mark} | "
                     f"{counts['breaking']} | {counterexamples} | {counts['compatible']} | {counts['cosmetic']} |")
        breaking += [(comparison.version, c.rule, c.type, c.message, c.new or c.old or "")
                     for c in comparison.report.changes if c.kind == "breaking"]
        if empirical:
            breaking += [(comparison.version, c.rule, c.type, f"counterexample: a payload valid before is "
                          f"invalid at {c.instance_path or '(root)'}: {c.message}", c.source)
                         for c in empirical.counterexamples]
    for version in result.removed:
        lines.append(f"| {cell(version)} | removed | major ❌ | 1 | | | |")
    lines.append("")
    if breaking:
        lines += ["#### Breaking changes", "", "| Version | Rule | Type | Change | Where |", "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(cell(part) for part in row)} |" for row in breaking[:MAX_BREAKING_SHOWN]]
        if len(breaking) > MAX_BREAKING_SHOWN:
            lines.append(f"\n{len(breaking) - MAX_BREAKING_SHOWN} more breaking change(s) in the job log.")
        lines.append("")
    return lines
