"""Views of the home page, a version's index and a type's page: plain data, ready for templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import assert_never

from markupsafe import Markup

from ..docs import summary
from ..ir import (
    DataEnumType,
    EnumType,
    Field,
    NewType,
    ObjectType,
    TaggedUnion,
    TypeDef,
    UntaggedUnion,
)
from . import paths
from .catalog import Catalog
from .otel_rows import OtelRow, otel_rows
from .spelling import Linker, constraints, prose, show
from .usage import Usage, usages


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool = False
    note: str = ""


@dataclass(frozen=True)
class Chrome:
    """What every page shares: title, the way back to the root, the version switcher."""

    title: str
    root: str
    versions: tuple[Link, ...]


@dataclass(frozen=True)
class MemberRow:
    wire: str
    anchor: str
    fragment: str
    type_html: Markup
    required: bool
    nullable: bool
    constraints: tuple[str, ...]
    default: str  # JSON text, "" without a default
    description: Markup


@dataclass(frozen=True)
class VariantRow:
    key: str
    anchor: str
    type_html: Markup
    description: Markup


@dataclass(frozen=True)
class ValueRow:
    text: str  # the value as JSON
    anchor: str


@dataclass(frozen=True)
class Example:
    label: str
    text: str


@dataclass(frozen=True)
class TypePage:
    chrome: Chrome
    name: str
    qualified: str
    show_qualified: bool
    area: str
    area_href: str
    version: str
    kind: str
    description: Markup
    source: str
    helper_of: tuple[Link, ...]
    members: tuple[MemberRow, ...]
    extra: Markup  # value type of undeclared members of an open object, empty when closed
    flattened: tuple[Markup, ...]
    values: tuple[ValueRow, ...]
    variant_key_header: str
    variant_type_header: str
    variants: tuple[VariantRow, ...]
    examples: tuple[Example, ...]
    usage: tuple[Usage, ...]
    diffs: tuple[Link, ...]
    otel: tuple[OtelRow, ...] = ()  # the OpenTelemetry attributes that fill its members


@dataclass(frozen=True)
class TypeSummary:
    name: str
    href: str
    kind: str
    summary: str


@dataclass(frozen=True)
class AreaGroup:
    name: str
    anchor: str
    types: tuple[TypeSummary, ...]


@dataclass(frozen=True)
class VersionPage:
    chrome: Chrome
    version: str
    changelog_href: str
    areas: tuple[AreaGroup, ...]


@dataclass(frozen=True)
class VersionCard:
    version: str
    href: str
    changelog_href: str
    types: int


@dataclass(frozen=True)
class AreaCard:
    name: str
    href: str
    types: int


@dataclass(frozen=True)
class HomePage:
    chrome: Chrome
    latest: str
    versions: tuple[VersionCard, ...]
    areas: tuple[AreaCard, ...]
    types: int


def version_links(catalog: Catalog, page: str, here: str, target: TypeDef | None = None) -> tuple[Link, ...]:
    """The version switcher: the same type in every version that has it, else that version's index."""
    root = paths.root_of(page)
    links = []
    for version in catalog.names:
        same = catalog.find(version, target.area, target.name) if target is not None else None
        if target is not None and same is None:
            links.append(Link(version, root + paths.version_index(version), version == here,
                              f"{target.name} is not in {version}"))
        elif same is not None:
            links.append(Link(version, root + catalog.page(version, same), version == here))
        else:
            links.append(Link(version, root + paths.version_index(version), version == here))
    return tuple(links)


def kind_of(typedef: TypeDef) -> str:
    match typedef:
        case ObjectType():
            return "object (closed)" if typedef.closed else "object (open: other members allowed)"
        case EnumType():
            return "string enum"
        case DataEnumType():
            return "enum with data-carrying variants"
        case TaggedUnion():
            return f"tagged union on {typedef.tag!r} ({typedef.style}ly tagged)"
        case UntaggedUnion():
            return "untagged union (the first variant that fits wins)"
        case NewType():
            return "newtype"
        case _:
            assert_never(typedef)


def _member(field: Field, linker: Linker) -> MemberRow:
    anchor = paths.field_anchor(field.wire)
    return MemberRow(field.wire, anchor, paths.fragment(anchor), linker.expr(field.type), field.required,
                     field.nullable, tuple(constraints(field.type)),
                     show(field.default) if field.has_default else "", prose(field.description))


def _variants(typedef: TypeDef, linker: Linker) -> tuple[str, str, tuple[VariantRow, ...]]:
    """Headers and rows of the variants table (empty for types without variants)."""
    match typedef:
        case TaggedUnion():
            holds = "members beside the tag" if typedef.content is None else f"{typedef.content!r} holds"
            rows = tuple(VariantRow(show(v.tag), paths.variant_anchor(v.tag), linker.expr(v.type), prose(v.description))
                         for v in typedef.variants)
            return f"{typedef.tag!r} value", holds, rows
        case DataEnumType():
            rows = tuple(VariantRow(show({v.key: "\u2026"}), paths.variant_anchor(v.key), linker.expr(v.type),
                                    prose(v.description)) for v in typedef.variants)
            return "written as", "value type", rows
        case UntaggedUnion():
            rows = tuple(VariantRow(str(i), paths.variant_anchor(str(i)), linker.expr(v), prose(d)) for i, (v, d)
                         in enumerate(zip(typedef.variants, typedef.variant_descriptions, strict=True), start=1))
            return "order", "shape", rows
        case NewType():
            return "wire form", "type", (VariantRow("value", "variant-value", linker.expr(typedef.inner), Markup("")),)
        case ObjectType() | EnumType():
            return "", "", ()
        case _:
            assert_never(typedef)


def type_page(catalog: Catalog, version: str, typedef: TypeDef) -> TypePage:
    page = catalog.page(version, typedef)
    root = paths.root_of(page)
    linker = Linker(catalog.version(version), root, catalog.collisions)
    qualified = f"{typedef.area}.{typedef.name}"
    members: tuple[MemberRow, ...] = ()
    extra = Markup("")
    flattened: tuple[Markup, ...] = ()
    if isinstance(typedef, ObjectType):
        members = tuple(_member(f, linker) for f in typedef.fields)
        extra = linker.expr(typedef.extra) if typedef.extra is not None else Markup("")
        flattened = tuple(linker.link(r) for r in typedef.flattened)
    values: tuple[ValueRow, ...] = ()
    if isinstance(typedef, EnumType | DataEnumType):
        units = typedef.members if isinstance(typedef, EnumType) else typedef.units
        values = tuple(ValueRow(show(m.wire), paths.value_anchor(m.wire)) for m in units)
    key_header, type_header, variants = _variants(typedef, linker)
    examples = tuple(Example(f"Example {i}", json.dumps(e, indent=2, ensure_ascii=False))
                     for i, e in enumerate(typedef.examples, start=1))
    helper_of = tuple(Link(t.name, root + catalog.page(version, t)) for t in catalog.users_of(version, typedef)
                      ) if typedef.synthetic else ()
    diffs = []
    for old, new in catalog.pairs():
        if version in (old, new) and not typedef.synthetic:
            target = catalog.diff_page(old, new, typedef.area, typedef.name)
            if target is not None:
                diffs.append(Link(f"{old} \u2192 {new}", root + target))
    return TypePage(
        chrome=Chrome(f"{typedef.name} \u00b7 {typedef.area} \u00b7 {version}", root,
                      version_links(catalog, page, version, None if typedef.synthetic else typedef)),
        name=typedef.name, qualified=qualified, show_qualified=typedef.name in catalog.collisions,
        area=typedef.area, area_href=root + paths.version_index(version) + f"#area-{typedef.area}",
        version=version, kind=kind_of(typedef), description=prose(typedef.description), source=typedef.source.path,
        helper_of=helper_of, members=members, extra=extra, flattened=flattened, values=values,
        variant_key_header=key_header, variant_type_header=type_header, variants=variants,
        examples=examples,
        usage=() if typedef.synthetic else tuple(usages(catalog.version(version), typedef,
                                                        catalog.schema_name(typedef))),
        diffs=tuple(diffs),
        otel=otel_rows(catalog.sets[catalog.names.index(version)].folder.parent, version, typedef),
    )


def version_page(catalog: Catalog, version: str) -> VersionPage:
    page = paths.version_index(version)
    root = paths.root_of(page)
    areas = []
    for area in catalog.version(version).areas:
        rows = tuple(TypeSummary(t.name, root + catalog.page(version, t), kind_of(t), summary(t.description))
                     for t in area.types if not t.synthetic)
        areas.append(AreaGroup(area.name, f"area-{area.name}", rows))
    return VersionPage(Chrome(f"Schema version {version}", root, version_links(catalog, page, version)),
                       version, root + paths.changelog(version), tuple(areas))


def home_page(catalog: Catalog) -> HomePage:
    latest = catalog.versions[-1]
    cards = tuple(VersionCard(v.version, paths.version_index(v.version), paths.changelog(v.version),
                              sum(1 for a in v.areas for t in a.types if not t.synthetic))
                  for v in reversed(catalog.versions))
    areas = tuple(AreaCard(a.name, paths.version_index(latest.version) + f"#area-{a.name}",
                           sum(1 for t in a.types if not t.synthetic)) for a in latest.areas)
    return HomePage(Chrome("LLM Analytics Hub schemas", "", version_links(catalog, paths.HOME, latest.version)),
                    latest.version, cards, areas, sum(a.types for a in areas))
