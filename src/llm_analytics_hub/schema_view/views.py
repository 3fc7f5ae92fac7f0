"""The schema view: one schema node read under the project's conventions, for every consumer.

The IR builder, the fast-path compiler, the bundler, compat, conversion, the label function and
the semantic lint all read the schemas through this module, so how the canonical files spell a
construct is known in one place. The schemas combine a few idioms:
a `$ref` with sibling assertions (a `$defs/fields` leaf closed by `unevaluatedProperties`, or an
envelope extended with `payload`) is a conjunction, merged here into one object view; a `$ref`
with only annotations beside it is a *pure reference*, kept as such so that the target is judged
once on its own; `anyOf [X, {"type": "null"}]` and `type: [T, "null"]` are X / T made nullable;
`allOf` of `if {tag: const} / then` branches is an internally tagged union; any other `anyOf` /
`oneOf` is an untagged union.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..errors import HubError
from ..pointer import escape, split
from ..schema_store import ID_BASE, SchemaSet, file_uri

ANNOTATIONS = ("title", "description", "examples", "default", "$comment", "deprecated")
IGNORED = frozenset({"$schema", "$id", "$defs", "$anchor", "readOnly", "writeOnly"})
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
NULL_SCHEMA = {"type": "null"}


@dataclass(frozen=True)
class At:
    """A schema node and where it lives: document URI plus JSON pointer inside it."""

    schema: Any
    doc: str  # absolute URI of the document (no fragment)
    pointer: str  # JSON pointer inside the document ("" for the root)
    folder: SchemaSet

    @property
    def relative(self) -> str:
        prefix = f"{ID_BASE}{self.folder.version}/"
        return self.doc[len(prefix):] if self.doc.startswith(prefix) else self.doc

    @property
    def key(self) -> str:
        """Version-independent identity: `events/X.json` or `events/X.json#/$defs/fields`."""
        return f"{self.relative}#{self.pointer}" if self.pointer else self.relative

    @property
    def display(self) -> str:
        return f"{self.relative}#{self.pointer}"

    def child(self, *tokens: str | int) -> At:
        value = self.schema
        for token in tokens:
            value = value[token]
        return At(value, self.doc, self.pointer + "".join("/" + escape(str(t)) for t in tokens), self.folder)

    def resolve(self, ref: str) -> At:
        cache: dict[tuple[str, str], At] = self.folder.__dict__.setdefault("_compat_refs", {})
        found = cache.get((self.doc, ref))
        if found is None:
            found = cache[(self.doc, ref)] = self._resolve(ref)
        return found

    def _resolve(self, ref: str) -> At:
        doc, fragment = urldefrag(urljoin(self.doc, ref))
        found = lookup(self.folder, doc, fragment)
        if found is None:
            raise HubError(f"{self.display}: $ref {ref!r} does not resolve in {self.folder.folder}")
        return found


def documents(folder: SchemaSet) -> dict[str, Any]:
    """{document URI: document} of a folder, by `$id` and by file URI (built once per folder)."""
    found: dict[str, Any] | None = folder.__dict__.get("_view_documents")
    if found is None:
        found = {}
        for path, document in folder.documents.items():
            found[file_uri(path)] = document
        for uri, document in folder.resources:
            found[uri] = document
        folder.__dict__["_view_documents"] = found
    return found


def canonical_uri(folder: SchemaSet, doc: str) -> str:
    """The `$id` of a document reached by its file URI (the key every cache uses)."""
    document = documents(folder).get(doc)
    found = document.get("$id") if isinstance(document, dict) else None
    return found if isinstance(found, str) else doc


def lookup(folder: SchemaSet, doc: str, pointer: str) -> At | None:
    """The node at `pointer` (a JSON pointer, "" for the root) of a document of the folder, or None."""
    node = documents(folder).get(doc)
    if node is None:
        return None
    try:
        tokens = split(pointer)
    except ValueError:
        raise HubError(f"{doc}#{pointer}: only JSON-pointer fragments are supported") from None
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return At(node, canonical_uri(folder, doc), pointer, folder)


def locate(folder: SchemaSet, key: str) -> At | None:
    """The node of `folder` with the given version-independent key, or None."""
    doc, _, pointer = key.partition("#")
    return lookup(folder, f"{ID_BASE}{folder.version}/{doc}", pointer)


@dataclass
class View:
    at: At
    annotations: dict[str, Any] = field(default_factory=dict)
    ref: At | None = None  # pure reference target
    nullable: bool = False
    never: bool = False  # the `false` schema
    types: frozenset[str] | None = None  # non-null JSON types; None = unrestricted
    enum: list[Any] | None = None
    has_const: bool = False
    const: Any = None
    bounds: dict[str, tuple[float, At]] = field(default_factory=dict)
    strings: dict[str, tuple[Any, At]] = field(default_factory=dict)  # pattern, format, uniqueItems, multipleOf
    properties: dict[str, At] = field(default_factory=dict)
    required: dict[str, At] = field(default_factory=dict)
    closure: str = "open"  # open | closed | map
    extra: At | None = None  # value schema of a map
    closure_at: At | None = None
    items: At | None = None
    tag: str | None = None
    variants: dict[Any, At] = field(default_factory=dict)  # tagged union: tag value -> then
    union_kind: str | None = None  # anyOf | oneOf
    union: list[At] = field(default_factory=list)
    other: dict[str, tuple[Any, At]] = field(default_factory=dict)
    sources: dict[str, At] = field(default_factory=dict)  # keyword -> where it was found
    merged: list[At] = field(default_factory=list)  # targets of `$ref`s merged in as conjunctions

    @property
    def is_object(self) -> bool:
        return bool(self.properties or self.required or self.closure != "open" or self.tag)

    def where(self, keyword: str) -> str:
        at = self.sources.get(keyword, self.at)
        return f"{at.display}/{keyword}" if keyword in (at.schema if isinstance(at.schema, dict) else {}) \
            else at.display


def _assertions(schema: dict[str, Any]) -> set[str]:
    return set(schema) - set(ANNOTATIONS) - IGNORED


def _nullable_inner(schema: dict[str, Any]) -> int | None:
    """Index of X in `anyOf: [X, {"type": "null"}]` (either order), else None."""
    options = schema.get("anyOf")
    if _assertions(schema) != {"anyOf"} or not isinstance(options, list) or len(options) != 2:
        return None
    stripped = [{k: v for k, v in o.items() if k not in ANNOTATIONS} if isinstance(o, dict) else o
                for o in options]
    if stripped[1] == NULL_SCHEMA and stripped[0] != NULL_SCHEMA:
        return 0
    if stripped[0] == NULL_SCHEMA and stripped[1] != NULL_SCHEMA:
        return 1
    return None


def tag_of(branch: Any) -> tuple[str, Any] | None:
    """(tag, value) of an `if {properties: {tag: {const}}} then` branch of a tagged union."""
    if not isinstance(branch, dict) or set(branch) - {"if", "then", "$comment"} or "then" not in branch:
        return None
    condition = branch.get("if")
    props = condition.get("properties") if isinstance(condition, dict) else None
    if not isinstance(props, dict) or len(props) != 1:
        return None
    (tag, test), = props.items()
    if not isinstance(test, dict) or "const" not in test:
        return None
    return tag, test["const"]


def build_view(at: At) -> View:
    view = View(at)
    schema = at.schema
    if schema is True or schema == {}:
        return view
    if schema is False:
        view.never = True
        return view
    if not isinstance(schema, dict):
        raise HubError(f"{at.display}: a schema must be an object or a boolean")
    view.annotations = {k: schema[k] for k in ANNOTATIONS if k in schema}
    inner = _nullable_inner(schema)
    if inner is not None:
        wrapped = build_view(at.child("anyOf", inner))
        wrapped.at = at
        wrapped.annotations = view.annotations
        wrapped.nullable = True
        return wrapped
    if _assertions(schema) == {"$ref"}:
        view.ref = at.resolve(schema["$ref"])
        return view
    absorb(view, at, seen=set())
    return view


def view_of(at: At) -> View:
    """`build_view`, cached per folder and location (treat the result as read-only)."""
    cache: dict[tuple[str, str], View] = at.folder.__dict__.setdefault("_compat_views", {})
    found = cache.get((at.doc, at.pointer))
    if found is None:
        found = cache[(at.doc, at.pointer)] = build_view(at)
    return found


def follow(view: View) -> View:
    """The view a pure reference stands for (nullability carried over)."""
    seen: set[str] = set()
    while view.ref is not None:
        if view.ref.key in seen:
            raise HubError(f"{view.at.display}: $ref cycle without content")
        seen.add(view.ref.key)
        target = view_of(view.ref)
        if view.nullable and not target.nullable:
            target = replace(target, nullable=True)
        view = target
    return view


def absorb(view: View, at: At, seen: set[str]) -> None:
    """Merge the assertions of one schema object into `view` (a conjunction)."""
    schema = at.schema
    if schema is False:
        view.never = True
        return
    if not isinstance(schema, dict):
        return
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS or keyword in IGNORED:
            continue
        if keyword == "$ref":
            target = at.resolve(value)
            view.merged.append(target)
            if target.key not in seen:
                absorb(view, target, seen | {target.key})
            continue
        if keyword == "type":
            names = set(value) if isinstance(value, list) else {value}
            if "null" in names:
                view.nullable = True
            names.discard("null")
            view.types = frozenset(names) if view.types is None else view.types & names
            view.sources["type"] = at
        elif keyword == "enum":
            view.enum = list(value) if view.enum is None else [v for v in view.enum if v in value]
            view.sources["enum"] = at
        elif keyword == "const":
            view.has_const, view.const = True, value
            view.sources["const"] = at
        elif keyword in LOWER_BOUNDS or keyword in UPPER_BOUNDS:
            old = view.bounds.get(keyword)
            tighter = max if keyword in LOWER_BOUNDS else min
            view.bounds[keyword] = (tighter(old[0], value), at) if old else (value, at)
        elif keyword in ("pattern", "format", "uniqueItems", "multipleOf"):
            known = view.strings.get(keyword)
            if known is not None and known[0] != value:  # both hold in a conjunction: no one value says so
                view.other[f"{keyword} (two different values)"] = (value, at)
            view.strings[keyword] = (value, at)
        elif keyword == "properties":
            for name in value:
                view.properties[name] = at.child("properties", name)
        elif keyword == "required":
            for name in value:
                view.required[name] = at
        elif keyword in ("additionalProperties", "unevaluatedProperties"):
            if value is False:
                view.closure, view.extra, view.closure_at = "closed", None, at
            elif view.closure != "closed" and value not in (True, {}):
                view.closure, view.extra, view.closure_at = "map", at.child(keyword), at
        elif keyword == "items":
            view.items = at.child("items")
        elif keyword == "allOf":
            for index, branch in enumerate(value):
                tagged = tag_of(branch)
                if tagged is not None and view.tag in (None, tagged[0]):
                    view.tag = tagged[0]
                    view.variants[tagged[1]] = at.child("allOf", index, "then")
                    view.sources["allOf"] = at
                elif tagged is None:
                    absorb(view, at.child("allOf", index), seen)
                else:
                    view.other[f"allOf/{index}"] = (branch, at)
        elif keyword in ("anyOf", "oneOf"):
            inner = _nullable_inner({"anyOf": value}) if keyword == "anyOf" else None
            if inner is not None:
                view.nullable = True
                absorb(view, at.child("anyOf", inner), seen)
            else:
                view.union_kind = keyword
                view.union = [at.child(keyword, i) for i in range(len(value))]
                view.sources[keyword] = at
        else:
            view.other[keyword] = (value, at)


def merged(base: View, extension: View) -> View:
    """`base` and `extension` together (a tagged-union root and one of its `then` branches)."""
    out = View(extension.at)
    out.types = extension.types if base.types is None else base.types
    out.properties = {**base.properties, **extension.properties}
    out.required = {**base.required, **extension.required}
    if "closed" in (base.closure, extension.closure):
        out.closure = "closed"
    elif extension.closure == "map":
        out.closure, out.extra = "map", extension.extra
    else:
        out.closure, out.extra = base.closure, base.extra
    out.bounds = {**base.bounds, **extension.bounds}
    out.strings = {**base.strings, **extension.strings}
    return out
