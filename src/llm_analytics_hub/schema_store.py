"""Load one schema version folder into an offline registry and index its catalogue types.

Every `$ref` resolves from the files of the folder itself: the registry has no retriever, so a
reference to anything else is an error, never a network request.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_from_bytes

from .errors import HubError
from .versions import available_versions, schemas_root

if TYPE_CHECKING:  # imported where used: `llm-hub validate` starts without them
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

AREAS = ("events", "metadata", "metrics", "timeseries", "correlation", "api")
ID_BASE = "https://llm-analytics-hub.invalid/schemas/"

Schema = Mapping[str, Any]


@dataclass(frozen=True)
class TypeEntry:
    """One catalogue type: a titled schema resource in an area folder."""

    name: str
    area: str
    version: str
    path: Path
    pointer: str  # JSON pointer of the schema inside its file; "" for a whole file
    uri: str  # absolute URI that a $ref can use to reach the schema
    schema: Schema

    @property
    def qualified(self) -> str:
        return f"{self.area}.{self.name}"

    @property
    def description(self) -> str:
        return str(self.schema.get("description", ""))

    @property
    def examples(self) -> list[Any]:
        return list(self.schema.get("examples", []))


@dataclass(frozen=True)
class LoadProblem:
    path: Path
    line: int
    message: str


@dataclass
class SchemaSet:
    """All schema documents of one version folder, their registry and their catalogue types."""

    version: str
    folder: Path
    documents: dict[Path, Schema] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    types: list[TypeEntry] = field(default_factory=list)
    resources: list[tuple[str, Schema]] = field(default_factory=list)

    @cached_property
    def digest(self) -> str:
        """sha256 over the relative path and bytes of every schema file of the folder: what a validator
        compiled ahead of time (the native one, from the generated Rust crate) must have been built
        from before its verdicts are trusted."""
        total = hashlib.sha256()
        for relative, path in _schema_files(self.folder):
            total.update(_digest_entry(relative, path.read_bytes()))
        return total.hexdigest()

    @cached_property
    def registry(self) -> Registry[Any]:
        """python-jsonschema's view of the folder (built on first use: the fast engine needs none)."""
        return offline_registry(self.resources)

    def lookup(self, name: str) -> TypeEntry:
        """Find a type by bare name (`LatencyMetrics`) or area-qualified name (`metrics.TimeWindow`)."""
        if "." in name:
            area, _, bare = name.partition(".")
            hits = [t for t in self.types if t.area == area and t.name == bare]
        else:
            hits = [t for t in self.types if t.name == name]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            options = ", ".join(sorted(t.qualified for t in hits))
            raise HubError(f"type {name!r} is ambiguous in {self.version}; use one of: {options}")
        raise HubError(f"unknown type {name!r} in schema version {self.version}")

    def reference_validator(self, entry: TypeEntry) -> Draft202012Validator:
        """python-jsonschema validator for a type, with format assertion on."""
        from jsonschema import Draft202012Validator

        from .formats import format_checker

        schema = entry.schema if not entry.pointer else {"$ref": entry.uri}
        return Draft202012Validator(schema, registry=self.registry, format_checker=format_checker())


def _refuse_retrieval(uri: str) -> Resource[Any]:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def offline_registry(documents: Iterable[tuple[str, Schema]]) -> Registry[Any]:
    """A registry of the given (URI, schema) pairs that never retrieves anything else."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]
    resources = [(uri, Resource.from_contents(doc, default_specification=DRAFT202012)) for uri, doc in documents]
    return registry.with_resources(resources).crawl()


def file_uri(path: Path) -> str:
    """`path.resolve().as_uri()`, resolving each folder once (a schema folder holds ~100 files)."""
    if os.path.islink(path):
        return path.resolve().as_uri()
    return _folder_uri(path.parent) + "/" + quote_from_bytes(os.fsencode(path.name))


@cache
def _folder_uri(folder: Path) -> str:
    return folder.resolve().as_uri().rstrip("/")


def expected_id(version: str, relative: Path) -> str:
    return ID_BASE + f"{version}/{relative.as_posix()}"


def _schema_files(folder: Path) -> list[tuple[str, Path]]:
    """(relative POSIX path, path) of every *.json file under `folder`, sorted as paths sort: by their
    parts. os.walk rather than Path.rglob: a version folder is read on every start of the CLI."""
    found: list[tuple[list[str], str, Path]] = []
    top = os.fspath(folder)
    for directory, _, names in os.walk(top):
        inner = os.path.relpath(directory, top)
        parts = [] if inner == "." else inner.split(os.sep)
        for name in names:
            if name.endswith(".json") and os.path.isfile(os.path.join(directory, name)):
                relative = [*parts, name]
                found.append((relative, "/".join(relative), folder.joinpath(*relative)))
    found.sort(key=lambda item: item[0])
    return [(relative, path) for _, relative, path in found]


def load_folder(folder: Path, version: str | None = None) -> SchemaSet:
    """Read every *.json under `folder`; parse problems are collected, not raised."""
    if not folder.is_dir():
        raise HubError(f"schema version folder not found: {folder}")
    schema_set = SchemaSet(version=version or folder.name, folder=folder)
    digest = hashlib.sha256()
    for relative, path in _schema_files(folder):
        data = path.read_bytes()
        digest.update(_digest_entry(relative, data))
        try:
            document = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            schema_set.problems.append(LoadProblem(path, 1, f"not UTF-8: {exc.reason}"))
            continue
        except json.JSONDecodeError as exc:
            schema_set.problems.append(LoadProblem(path, exc.lineno, f"not JSON: {exc.msg}"))
            continue
        if not isinstance(document, dict):
            schema_set.problems.append(LoadProblem(path, 1, "a schema file must hold a JSON object"))
            continue
        schema_set.documents[path] = document
        uri = document.get("$id") or file_uri(path)
        schema_set.resources.append((str(uri), document))
        _index_types(schema_set, relative, path, document, str(uri))
    schema_set.types.sort(key=lambda t: (AREAS.index(t.area) if t.area in AREAS else 99, t.name))
    schema_set.__dict__["digest"] = digest.hexdigest()  # the cached property, from the bytes just read
    return schema_set


def _digest_entry(relative: str, data: bytes) -> bytes:
    return f"{relative}\0{len(data)}\0".encode() + data


def _index_types(schema_set: SchemaSet, relative: str, path: Path, document: Schema, uri: str) -> None:
    parts = relative.split("/")
    if len(parts) != 2 or parts[0] not in AREAS:
        return  # shared definitions at the version root are not catalogue types
    area = parts[0]

    def add(schema: Schema, pointer: str) -> None:
        title = schema.get("title")
        if isinstance(title, str) and title:
            type_uri = f"{uri}#{pointer}" if pointer else uri
            schema_set.types.append(TypeEntry(title, area, schema_set.version, path, pointer, type_uri, schema))

    add(document, "")
    defs = document.get("$defs")
    if isinstance(defs, dict):
        for key, sub in sorted(defs.items()):
            if isinstance(sub, dict):
                add(sub, f"/$defs/{key}")


def load_version(version: str) -> SchemaSet:
    """The schema set of a released or draft version under the schemas root (cached per root)."""
    return _load_version(schemas_root(), version)


@cache
def _load_version(root: Path, version: str) -> SchemaSet:
    known = available_versions(root)
    if version not in known:
        raise HubError(f"unknown schema version {version!r}; known versions: {', '.join(known)}")
    return load_folder(root / version, version)

