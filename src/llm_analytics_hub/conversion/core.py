"""Rewrite one document for another schema version of the same major.

Up (to a newer minor): only `schema_version` changes; nothing is invented, since every payload valid
under X.Y stays valid under X.(Y+1) (the compatibility gate guarantees it).
Down (to an older version): members the older version does not declare are dropped, each one
reported by its JSON pointer, and `schema_version` is set. The walk follows the TARGET schema
(tagged unions by their tag, maps, arrays, nullable members, untagged unions by the first variant
the pruned value satisfies), so it only ever removes what the target would reject as undeclared.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema_rs

from ..errors import HubError
from ..pointer import join as pointer
from ..schema_store import SchemaSet, load_version
from ..schema_view.views import At, View, follow, locate, merged, view_of
from ..versions import DEFAULT_VERSION, parse_version


@cache
def _registry(version: str) -> Any:
    return jsonschema_rs.Registry([(str(d["$id"]), dict(d)) for d in load_version(version).documents.values()])


@cache
def _validator(version: str, uri: str) -> Any:
    return jsonschema_rs.validator_for({"$ref": uri}, registry=_registry(version), validate_formats=True)


VERSIONED_TYPES = frozenset({"AnalyticsEvent", "CommonEventFields"})  # types that carry schema_version


@dataclass
class Conversion:
    document: Any  # the converted document (None when it could not be converted)
    source_version: str
    dropped: list[str] = field(default_factory=list)  # JSON pointers (in the input) of dropped members
    errors: list[str] = field(default_factory=list)  # why the result is not valid under the target


class Converter:
    """Converts documents of one catalogue type to `target` (a version of the same major)."""

    def __init__(self, target: str, schema: str | None = None, source: str | None = None) -> None:
        parse_version(target)
        self.target = target
        self.type_name = schema or "AnalyticsEvent"
        self.forced_source = source
        self.schemas: SchemaSet = load_version(target)
        self.entry = self.schemas.lookup(self.type_name)
        self.versioned = self.entry.name in VERSIONED_TYPES
        relative = self.entry.path.relative_to(self.schemas.folder).as_posix()
        root = locate(self.schemas, f"{relative}#{self.entry.pointer}" if self.entry.pointer else relative)
        if root is None:  # pragma: no cover - the loader indexed it
            raise HubError(f"cannot locate {self.entry.qualified} in {target}")
        self.root: At = root

    def validator(self, at: At) -> Any:
        return _validator(self.target, f"{at.doc}#{at.pointer}")

    def source_of(self, document: Any) -> str:
        if self.forced_source:
            return self.forced_source
        if self.versioned and isinstance(document, dict) and isinstance(document.get("schema_version"), str):
            return str(document["schema_version"])
        return DEFAULT_VERSION

    def convert(self, document: Any) -> Conversion:
        source = self.source_of(document)
        try:
            source_key = parse_version(source)
        except HubError:
            return Conversion(None, source, errors=[f"schema_version {source!r} is not a version"])
        if source_key[0] != parse_version(self.target)[0]:
            return Conversion(None, source, errors=[f"{source} -> {self.target} crosses a major version; "
                                                    "convert only within one major"])
        result = Conversion(copy.deepcopy(document), source)
        if source_key > parse_version(self.target):
            result.document = self._prune(result.document, view_of(self.root), [], result.dropped)
        if self.versioned and isinstance(result.document, dict):
            result.document["schema_version"] = self.target
        validator = self.validator(self.root)
        for error in validator.iter_errors(result.document):
            result.errors.append(f"{pointer(error.instance_path) or '(root)'}: {error.message}")
        return result

    # ---- pruning along the target schema -----------------------------------------------------
    def _prune(self, value: Any, view: View, path: list[str | int], dropped: list[str]) -> Any:
        view = follow(view)
        if value is None:
            return None
        if view.union and not (view.properties or view.tag):
            return self._prune_union(value, view, path, dropped)
        if isinstance(value, dict):
            if view.tag is not None and isinstance(value.get(view.tag), str | int | bool) \
                    and value.get(view.tag) in view.variants:
                view = merged(view, follow(view_of(view.variants[value[view.tag]])))
            return self._prune_object(value, view, path, dropped)
        if isinstance(value, list) and view.items is not None:
            item_view = view_of(view.items)
            return [self._prune(item, item_view, [*path, index], dropped) for index, item in enumerate(value)]
        return value

    def _prune_object(self, value: dict[str, Any], view: View, path: list[str | int],
                      dropped: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, member in value.items():
            at = view.properties.get(name)
            if at is not None:
                out[name] = self._prune(member, view_of(at), [*path, name], dropped)
            elif view.closure == "closed":
                dropped.append(pointer([*path, name]))
            elif view.closure == "map" and view.extra is not None:
                out[name] = self._prune(member, view_of(view.extra), [*path, name], dropped)
            else:
                out[name] = member
        return out

    def _prune_union(self, value: Any, view: View, path: list[str | int], dropped: list[str]) -> Any:
        for option in view.union:
            if self.validator(option).is_valid(value):
                return value
        for option in view.union:
            trial: list[str] = []
            pruned = self._prune(value, view_of(option), path, trial)
            if self.validator(option).is_valid(pruned):
                dropped.extend(trial)
                return pruned
        return value
