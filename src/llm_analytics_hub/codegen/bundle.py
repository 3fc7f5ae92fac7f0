"""Self-contained schema bundles: one document per catalogue type, every `$ref` internal.

Each schema file the type reaches through `$ref` (transitively) is copied under
`$defs["<area>.<File>"]` (shared files: `$defs["common"]`), without its own `$id`/`$schema`, and
every `$ref` is rewritten to a JSON pointer inside the bundle. The keywords are otherwise copied
verbatim (if/then unions, unevaluatedProperties, formats), so the bundle gives the same verdicts
as the canonical schema, which the tests check on every example and corpus payload.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..schema_store import SchemaSet, TypeEntry
from .ir import GeneratorError

BUNDLE_ID_BASE = "https://llm-analytics-hub.invalid/bundles/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# keywords whose values are subschemas: single, map of, list of
SINGLE = ("additionalProperties", "unevaluatedProperties", "items", "contains", "propertyNames", "not",
          "if", "then", "else", "unevaluatedItems", "contentSchema")
MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas", "definitions")
LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _def_key(folder: Path, path: Path) -> str:
    relative = path.relative_to(folder).with_suffix("")
    return ".".join(relative.parts)


class _Bundler:
    def __init__(self, schema_set: SchemaSet) -> None:
        self.set = schema_set
        self.by_uri: dict[str, Path] = {}
        self.uri_of: dict[Path, str] = {}
        for path, document in sorted(schema_set.documents.items()):
            file_uri = path.resolve().as_uri()
            doc_id = document.get("$id")
            base = doc_id if isinstance(doc_id, str) else file_uri
            self.by_uri[file_uri] = path
            self.by_uri[base] = path
            self.uri_of[path] = base

    def bundle(self, entry: TypeEntry) -> dict[str, Any]:
        root_path = entry.path
        self_prefix = "#/$defs/_file" if entry.pointer else "#"
        needed: dict[Path, None] = {}
        self._collect(root_path, needed)
        defs: dict[str, Any] = {}
        for path in sorted(needed, key=lambda p: _def_key(self.set.folder, p)):
            if path == root_path:
                continue
            embedded = dict(self.set.documents[path])
            for key in ("$id", "$schema", "examples"):
                embedded.pop(key, None)
            defs[_def_key(self.set.folder, path)] = self._rewrite(embedded, path, root_path, self_prefix)
        root = self._rewrite(dict(self.set.documents[root_path]), root_path, root_path, self_prefix)
        relative = root_path.relative_to(self.set.folder).as_posix()
        out: dict[str, Any] = {"$schema": DRAFT, "$id": f"{BUNDLE_ID_BASE}{self.set.version}/{relative}"}
        if entry.pointer:  # a type that is a $defs entry of its file
            out.update({"title": entry.name, "$ref": "#/$defs/_file" + entry.pointer})
            defs["_file"] = {k: v for k, v in root.items() if k not in ("$id", "$schema")}
        else:
            out.update({k: v for k, v in root.items() if k not in ("$id", "$schema")})
        if defs:
            own = out.get("$defs", {})
            clash = set(own) & set(defs)
            if clash:
                raise GeneratorError(f"{relative}: $defs names clash with bundled files: {sorted(clash)}")
            out["$defs"] = {**own, **defs}
        return out

    def _target(self, ref: str, path: Path) -> tuple[Path, str]:
        doc_uri, fragment = urldefrag(urljoin(self.uri_of[path], ref))
        if doc_uri not in self.by_uri:
            raise GeneratorError(f"{path.name}: $ref {ref!r} does not resolve to a local file")
        if fragment and not fragment.startswith("/"):
            raise GeneratorError(f"{path.name}: only JSON-pointer fragments can be bundled ({ref!r})")
        return self.by_uri[doc_uri], fragment

    def _collect(self, path: Path, needed: dict[Path, None]) -> None:
        if path in needed:
            return
        needed[path] = None
        for ref in _refs(self.set.documents[path]):
            target, _ = self._target(ref, path)
            self._collect(target, needed)

    def _rewrite(self, schema: Any, path: Path, root_path: Path, self_prefix: str) -> Any:
        def visit(node: Any) -> Any:
            if not isinstance(node, dict):
                return node
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    target, fragment = self._target(value, path)
                    key_of_target = _escape(_def_key(self.set.folder, target))
                    prefix = self_prefix if target == root_path else "#/$defs/" + key_of_target
                    out[key] = prefix + fragment
                elif key in SINGLE and isinstance(value, dict):
                    out[key] = visit(value)
                elif key in MAPS and isinstance(value, dict):
                    out[key] = {name: visit(sub) for name, sub in value.items()}
                elif key in LISTS and isinstance(value, list):
                    out[key] = [visit(sub) for sub in value]
                else:
                    out[key] = copy.deepcopy(value)
            return out

        return visit(schema)


def _refs(schema: Any) -> list[str]:
    found: list[str] = []

    def visit(node: Any) -> None:
        if not isinstance(node, Mapping):
            return
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value)
            elif key in SINGLE:
                visit(value)
            elif key in MAPS and isinstance(value, Mapping):
                for sub in value.values():
                    visit(sub)
            elif key in LISTS and isinstance(value, list):
                for sub in value:
                    visit(sub)

    visit(schema)
    return found


def build_bundles(schema_set: SchemaSet) -> list[tuple[TypeEntry, dict[str, Any]]]:
    bundler = _Bundler(schema_set)
    return [(entry, bundler.bundle(entry)) for entry in schema_set.types]
