"""Views of change: a version's changelog by compatibility rule, and the diff of one type between
any two versions (added / removed / changed members), each change with its rule and verdict as
`llm-hub compat` classifies it. The compat machinery is the only judge; this module only groups."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from ...compat.differ import Change, verdict_of
from ...pointer import unescape
from ..changelog import changelog_doc
from ..ir import Field, ObjectType, TypeDef
from . import paths
from .catalog import Catalog
from .pages import Chrome, Link, version_links
from .spelling import Linker

PROPERTY = re.compile(r"/properties/([^/]+)")


@dataclass(frozen=True)
class ChangeRow:
    member: str
    member_href: str
    rule: str
    kind: str
    verdict: str
    message: str
    where: str
    before: Markup
    after: Markup


@dataclass(frozen=True)
class DiffSection:
    title: str
    anchor: str
    rows: tuple[ChangeRow, ...]


@dataclass(frozen=True)
class DiffPage:
    chrome: Chrome
    name: str
    area: str
    old: str
    new: str
    old_href: str  # "" when the type is not in that version
    new_href: str
    verdict: str
    counts: tuple[tuple[str, int], ...]
    sections: tuple[DiffSection, ...]
    pairs: tuple[Link, ...]


@dataclass(frozen=True)
class LoggedChange:
    type_label: str
    href: str  # the diff page of the type, "" for a shared schema that is no catalogue type
    message: str
    where: str


@dataclass(frozen=True)
class RuleGroupView:
    rule: str
    kind: str
    verdict: str
    summary: str
    changes: tuple[LoggedChange, ...]


@dataclass(frozen=True)
class ChangelogPage:
    chrome: Chrome
    version: str
    previous: str  # "" for the first version
    verdict: str
    counts: tuple[tuple[str, int], ...]
    groups: tuple[RuleGroupView, ...]


def _counts(changes: list[Change]) -> tuple[tuple[str, int], ...]:
    return tuple((kind, sum(1 for c in changes if c.kind == kind)) for kind in ("breaking", "compatible", "cosmetic"))


def member_of(change: Change, fields: set[str]) -> str:
    """The member a change is about: the last `properties/<name>` of its location, if it is a member."""
    for where in (change.new, change.old):
        found = PROPERTY.findall(where or "")
        if found:
            name = unescape(str(found[-1]))
            if name in fields:
                return name
    return ""


def _fields(typedef: TypeDef | None) -> dict[str, Field]:
    return {f.wire: f for f in typedef.fields} if isinstance(typedef, ObjectType) else {}


def _spell(field: Field | None, linker: Linker | None) -> Markup:
    if field is None or linker is None:
        return Markup("")
    presence = "required" if field.required else "optional"
    nullable = ", nullable" if field.nullable else ""
    return Markup("{} ({}{})").format(linker.expr(field.type), presence, nullable)


def diff_page(catalog: Catalog, old: str, new: str, area: str, name: str,
              changes: list[Change]) -> tuple[str, DiffPage]:
    page = catalog.diff_page(old, new, area, name)
    assert page is not None
    root = paths.root_of(page)
    before_type, after_type = catalog.find(old, area, name), catalog.find(new, area, name)
    before, after = _fields(before_type), _fields(after_type)
    linkers = {v: Linker(catalog.version(v), root, catalog.collisions) for v in (old, new)}
    new_href = root + catalog.page(new, after_type) if after_type is not None else ""
    buckets: dict[str, list[ChangeRow]] = {"added": [], "removed": [], "changed": [], "type": []}
    for change in changes:
        member = member_of(change, set(before) | set(after))
        href = new_href + paths.fragment(paths.field_anchor(member)) if member and member in after else ""
        row = ChangeRow(member, href, change.rule, change.kind, verdict_of([change.kind]), change.message,
                        change.new or change.old or "",
                        _spell(before.get(member), linkers[old]), _spell(after.get(member), linkers[new]))
        if change.rule.startswith("property-added"):
            buckets["added"].append(row)
        elif change.rule.startswith("property-removed"):
            buckets["removed"].append(row)
        else:
            buckets["changed" if member else "type"].append(row)
    titles = {"added": "Added members", "removed": "Removed members", "changed": "Changed members",
              "type": "Changes to the type itself"}
    sections = tuple(DiffSection(titles[key], f"{key}", tuple(rows)) for key, rows in buckets.items() if rows)
    pairs = []
    for a, b in catalog.pairs():
        target = catalog.diff_page(a, b, area, name)
        if target is not None:
            pairs.append(Link(f"{a} \u2192 {b}", root + target, (a, b) == (old, new)))
    view = DiffPage(
        chrome=Chrome(f"{name} \u00b7 {old} \u2192 {new}", root,
                      version_links(catalog, page, new, after_type or before_type)),
        name=name, area=area, old=old, new=new,
        old_href=root + catalog.page(old, before_type) if before_type is not None else "",
        new_href=new_href, verdict=verdict_of([c.kind for c in changes]), counts=_counts(changes),
        sections=sections, pairs=tuple(pairs))
    return page, view


def diff_pages(catalog: Catalog) -> list[tuple[str, DiffPage]]:
    """The diff page of every catalogue type of either version, for every pair of versions."""
    out = []
    for old, new in catalog.pairs():
        changes = catalog.changes(old, new)
        by_type: dict[str, list[Change]] = {}
        for change in changes:
            by_type.setdefault(change.type, []).append(change)
        for area, name in catalog.keys(old, new):
            out.append(diff_page(catalog, old, new, area, name, by_type.get(f"{area}.{name}", [])))
    return out


def changelog_page(catalog: Catalog, version: str) -> ChangelogPage:
    index = catalog.names.index(version)
    previous = catalog.names[index - 1] if index else ""
    doc = changelog_doc(catalog.sets[index - 1] if index else None, catalog.sets[index],
                        catalog.changes(previous, version) if previous else [])
    page = paths.changelog(version)
    root = paths.root_of(page)
    groups = []
    for group in doc["groups"]:
        rows = []
        for change in group.changes:
            area, _, name = change.type.partition(".")
            target = catalog.diff_page(previous, version, area, name) if previous and name else None
            rows.append(LoggedChange(change.type, root + target if target else "", change.message,
                                     change.new or change.old or ""))
        groups.append(RuleGroupView(group.rule, group.kind, verdict_of([group.kind]), group.summary,
                                    tuple(rows)))
    return ChangelogPage(Chrome(f"Changelog of {version}", root, version_links(catalog, page, version)),
                         version, previous, str(doc["verdict"]), tuple(doc["counts"]), tuple(groups))
