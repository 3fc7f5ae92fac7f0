"""Self-contained schema bundles: one document per catalogue type, every `$ref` internal.

Each schema file the type reaches through `$ref` (transitively) is copied under
`$defs["<area>.<File>"]` (shared files: `$defs["common"]`), without its own `$id`/`$schema`, and
every `$ref` is rewritten to a JSON pointer inside the bundle. The keywords are otherwise copied
verbatim (if/then unions, unevaluatedProperties, formats), so the bundle gives the same verdicts
as the canonical schema, which the tests check on every example and corpus payload.

The bundles target writes them under generated/jsonschema/<version>/<area>/<Type>.json with the
manifest jsonschema/index.json; they are rendered first (`writer.build_context`), because other
targets ship copies of them (`rebased`).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import HubError
from ..pointer import escape
from ..schema_store import SchemaSet, TypeEntry, file_uri
from ..schema_view.views import At, canonical_uri
from ..schema_view.walk import iter_subschemas
from .ir import GeneratorError, Version
from .target import Files, Target

BUNDLE_ID_BASE = "https://llm-analytics-hub.invalid/bundles/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ROOT = "jsonschema"  # the generated/ folder of the bundles
MANIFEST = f"{ROOT}/index.json"

# keywords whose values are subschemas: single, map of, list of
SINGLE = ("additionalProperties", "unevaluatedProperties", "items", "contains", "propertyNames", "not",
          "if", "then", "else", "unevaluatedItems", "contentSchema")
MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas", "definitions")
LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _def_key(folder: Path, path: Path) -> str:
    relative = path.relative_to(folder).with_suffix("")
    return ".".join(relative.parts)


class _Bundler:
    def __init__(self, schema_set: SchemaSet) -> None:
        self.set = schema_set
        self.path_of = {canonical_uri(schema_set, file_uri(path)): path for path in schema_set.documents}
        self.root_of = {path: At(schema_set.documents[path], uri, "", schema_set) for uri, path in self.path_of.items()}

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
        try:
            target = self.root_of[path].resolve(ref)
        except HubError as exc:
            raise GeneratorError(f"{path.name}: {exc}") from None
        return self.path_of[target.doc], target.pointer

    def _collect(self, path: Path, needed: dict[Path, None]) -> None:
        if path in needed:
            return
        needed[path] = None
        for _, subschema in iter_subschemas(self.set.documents[path]):
            if isinstance(subschema.get("$ref"), str):
                self._collect(self._target(subschema["$ref"], path)[0], needed)

    def _rewrite(self, schema: Any, path: Path, root_path: Path, self_prefix: str) -> Any:
        def visit(node: Any) -> Any:
            if not isinstance(node, dict):
                return node
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    target, fragment = self._target(value, path)
                    key_of_target = escape(_def_key(self.set.folder, target))
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


def build_bundles(schema_set: SchemaSet) -> list[tuple[TypeEntry, dict[str, Any]]]:
    bundler = _Bundler(schema_set)
    return [(entry, bundler.bundle(entry)) for entry in schema_set.types]


def bundle_path(version: str, area: str, name: str) -> str:
    """Where the bundle of a type lies inside a folder of bundles (generated/jsonschema, the codegen
    profile's folder, the copies in the npm package, the Go module and the Java resources)."""
    return f"{version}/{area}/{name}.json"


def _bundle_file(entry: TypeEntry) -> str:
    """A file type's bundle is named after its file, a `$defs` type's after its title."""
    return f"{ROOT}/{bundle_path(entry.version, entry.area, entry.path.stem if not entry.pointer else entry.name)}"


def rebased(files: Files, folder: str) -> Files:
    """Bundles (and the manifest) copied under `folder`, keeping their paths below jsonschema/."""
    return {f"{folder}/{path.removeprefix(ROOT + '/')}": text for path, text in files.items()}


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_bundles(schema_set: SchemaSet) -> Files:
    """One self-contained schema per catalogue type, under jsonschema/<version>/<area>/<Type>.json."""
    return {_bundle_file(entry): dump_json(bundle) for entry, bundle in build_bundles(schema_set)}


def render_manifest(bundles: Files, sets: list[SchemaSet], versions: list[Version]) -> Files:
    """generated/jsonschema/index.json: every bundle with its type, area, version, path and sha256, and
    every schema source file with its sha256 (the header line of a generated file carries one digest
    of its sources, `render.sources_digest`)."""
    by_path = {_bundle_file(entry): entry for schema_set in sets for entry in schema_set.types}
    rows = []
    for path in sorted(bundles, key=lambda p: (by_path[p].version, by_path[p].area, by_path[p].name)):
        entry = by_path[path]
        rows.append({"type": entry.name, "qualified": entry.qualified, "area": entry.area,
                     "version": entry.version, "path": path.removeprefix(ROOT + "/"),
                     "sha256": hashlib.sha256(bundles[path].encode("utf-8")).hexdigest()})
    manifest = {
        "comment": "Generated by `llm-hub generate`. DO NOT EDIT.",
        "versions": [s.version for s in sets],
        "types": rows,
        "sources": [{"path": s.path, "sha256": s.sha256} for v in versions for s in v.sources],
    }
    return {MANIFEST: dump_json(manifest)}


TARGET = Target("bundles", ROOT, lambda context: {**context.bundles, **context.manifest})
