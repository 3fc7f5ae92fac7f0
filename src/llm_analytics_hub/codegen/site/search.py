"""The search index: every catalogue type of every version with its members, enum values and the
first sentence of each description. Written as a script that sets one global, so the site's search
works from file:// (a fetch of a JSON file does not)."""

from __future__ import annotations

import json
from typing import Any

from ..docs import summary
from ..ir import DataEnumType, EnumType, ObjectType, TaggedUnion, TypeDef
from . import paths
from .catalog import Catalog
from .pages import kind_of

GLOBAL = "HUB_SEARCH_INDEX"


def _values(typedef: TypeDef) -> list[list[str]]:
    """[value, anchor on the type page] of every enum value, unit, data-variant key and union tag."""
    if isinstance(typedef, EnumType):
        return [[m.wire, paths.value_anchor(m.wire)] for m in typedef.members]
    if isinstance(typedef, DataEnumType):
        return ([[m.wire, paths.value_anchor(m.wire)] for m in typedef.units]
                + [[v.key, paths.variant_anchor(v.key)] for v in typedef.variants])
    if isinstance(typedef, TaggedUnion):
        return [[v.tag, paths.variant_anchor(v.tag)] for v in typedef.variants]
    return []


def entry(catalog: Catalog, version: str, typedef: TypeDef) -> dict[str, Any]:
    """One row; short keys because the index is loaded by every page."""
    fields = [[f.wire, summary(f.description)] for f in typedef.fields] if isinstance(typedef, ObjectType) else []
    return {
        "n": typedef.name,
        "a": typedef.area,
        "v": version,
        "u": catalog.page(version, typedef),
        "k": kind_of(typedef),
        "s": summary(typedef.description),
        "f": fields,
        "e": _values(typedef),
    }


def search_index(catalog: Catalog) -> str:
    """The index script; newest version first, so equal matches list the newest first."""
    rows = [entry(catalog, v.version, t) for v in reversed(catalog.versions) for a in v.areas for t in a.types
            if not t.synthetic]
    payload = json.dumps({"versions": list(reversed(catalog.names)), "types": rows}, ensure_ascii=True,
                         separators=(",", ":"))
    # ensure_ascii also escapes U+2028/2029; "</" could close a <script> if ever inlined.
    safe = payload.replace("</", "<\\/")
    return f"window.{GLOBAL} = {safe};\n"
