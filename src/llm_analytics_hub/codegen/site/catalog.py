"""Every version's IR and schema set, and the questions pages ask across versions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ...compat.differ import Change, diff_folders
from ...errors import HubError
from ...schema_store import SchemaSet, load_folder
from ...versions import available_versions
from ..ir import TypeDef, Version, build_version, type_refs
from . import paths


@dataclass(frozen=True)
class Catalog:
    versions: tuple[Version, ...]  # oldest first
    sets: tuple[SchemaSet, ...]
    collisions: frozenset[str]  # names that exist in more than one area of some version
    _changes: dict[tuple[str, str], list[Change]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> list[str]:
        return [v.version for v in self.versions]

    def version(self, name: str) -> Version:
        return self.versions[self.names.index(name)]

    def find(self, version: str, area: str, name: str) -> TypeDef | None:
        for candidate in self.version(version).areas:
            if candidate.name == area:
                for typedef in candidate.types:
                    if typedef.name == name:
                        return typedef
        return None

    def schema_name(self, typedef: TypeDef) -> str:
        """What `--schema` takes: the bare name, or area.Name for a colliding name."""
        return f"{typedef.area}.{typedef.name}" if typedef.name in self.collisions else typedef.name

    def page(self, version: str, typedef: TypeDef) -> str:
        return paths.type_page(version, typedef.area, typedef.py)

    def pairs(self) -> list[tuple[str, str]]:
        """Every (older, newer) pair of versions: the diff view covers any two."""
        names = self.names
        return [(old, new) for i, old in enumerate(names) for new in names[i + 1:]]

    def changes(self, old: str, new: str) -> list[Change]:
        """Every change from old to new by compat rule (computed once per pair: it is the slow part)."""
        if (old, new) not in self._changes:
            self._changes[(old, new)] = diff_folders(self.sets[self.names.index(old)],
                                                     self.sets[self.names.index(new)])
        return self._changes[(old, new)]

    def diff_page(self, old: str, new: str, area: str, name: str) -> str | None:
        """The diff page of a type between two versions; None when it exists in neither."""
        typedef = self.find(new, area, name) or self.find(old, area, name)
        return None if typedef is None else paths.diff_page(old, new, area, typedef.py)

    def keys(self, old: str, new: str) -> list[tuple[str, str]]:
        """(area, name) of every catalogue type of either version, sorted."""
        found = {(t.area, t.name) for v in (old, new) for a in self.version(v).areas for t in a.types
                 if not t.synthetic}
        return sorted(found)

    def users_of(self, version: str, typedef: TypeDef) -> list[TypeDef]:
        """The types of a version that mention `typedef` (for the helper shapes of a union)."""
        return [t for a in self.version(version).areas for t in a.types
                if any(r.area == typedef.area and r.name == typedef.name for r in type_refs(t))]


def load_catalog(schemas_root: Path) -> Catalog:
    names = available_versions(schemas_root)
    if not names:
        raise HubError(f"{schemas_root}: no schema version folders (like 1.0.0/) to build a site from")
    sets = tuple(load_folder(schemas_root / name, name) for name in names)
    versions = tuple(build_version(s) for s in sets)
    collisions: set[str] = set()
    for version in versions:
        counts = Counter(t.name for a in version.areas for t in a.types if not t.synthetic)
        collisions |= {name for name, count in counts.items() if count > 1}
    return Catalog(versions, sets, frozenset(collisions))
