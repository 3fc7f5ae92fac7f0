"""Compiled validators for one catalogue type at one schema version.

Two engines see the same schemas: jsonschema-rs (fast, used for every document) and
python-jsonschema (the reference). The differential test proves they agree on verdicts and on
the instance locations of errors; `engine="reference"` runs the reference alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from ..schema_store import SchemaSet, TypeEntry, load_version, offline_registry
from .findings import Finding
from .lenient import lenient_copy
from .parsing import deep_recursion
from .schema_nodes import SchemaNodes

if TYPE_CHECKING:  # the engines are imported on first use: most documents never need them
    from jsonschema import Draft202012Validator
    from referencing import Registry


@cache
def _documents(version: str, lenient: bool) -> tuple[tuple[str, dict[str, Any]], ...]:
    schemas = load_version(version)
    pairs = []
    for document in schemas.documents.values():
        doc = dict(document)
        pairs.append((str(doc["$id"]), lenient_copy(doc) if lenient else doc))
    return tuple(pairs)


@cache
def _rs_registry(version: str, lenient: bool) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Registry(list(_documents(version, lenient)))


@cache
def _reference_registry(version: str, lenient: bool) -> Registry[Any]:
    if not lenient:
        return load_version(version).registry
    return offline_registry(_documents(version, lenient))


class CompiledType:
    """Both engines for one (type, version, leniency); each compiled on first use."""

    def __init__(self, schemas: SchemaSet, entry: TypeEntry, *, lenient: bool) -> None:
        self.entry = entry
        self.schemas = schemas
        self.version = schemas.version
        self.lenient = lenient
        self._root: dict[str, Any] = {"$ref": entry.uri}
        self._fast: Any = None
        self._reference: Draft202012Validator | None = None

    @property
    def fast(self) -> Any:
        if self._fast is None:
            import jsonschema_rs

            self._fast = jsonschema_rs.validator_for(
                self._root, registry=_rs_registry(self.version, self.lenient), validate_formats=True
            )
        return self._fast

    @property
    def reference(self) -> Draft202012Validator:
        if self._reference is None:
            from jsonschema import Draft202012Validator  # the slow reference is imported only when used

            from ..formats import format_checker

            self._reference = Draft202012Validator(
                self._root, registry=_reference_registry(self.version, self.lenient),
                format_checker=format_checker(),
            )
        return self._reference

    def fast_check(self, instance: Any) -> list[Finding]:
        """jsonschema-rs' findings. It converts at most ~255 levels of nesting; a deeper document (the
        parser reads 1024) is judged by the reference engine instead, never turned into an error."""
        try:
            return [] if self.fast.is_valid(instance) else list(self.fast_errors(instance))
        except ValueError as exc:
            if "Recursion limit" not in str(exc):
                raise
        with deep_recursion():
            return list(self.reference_errors(instance))

    def fast_errors(self, instance: Any) -> Iterator[Finding]:
        """Refined findings (validation/refine.py); call it for invalid documents only."""
        from .refine import fast_findings

        nodes = _fast_nodes(self.version, self.lenient)
        for error in self.fast.iter_errors(instance):
            yield from fast_findings(error, nodes)

    def reference_errors(self, instance: Any) -> Iterator[Finding]:
        from .refine import reference_findings

        nodes = _reference_nodes(self.version, self.lenient)
        for error in self.reference.iter_errors(instance):
            yield from reference_findings(error, nodes)


@cache
def _fast_nodes(version: str, lenient: bool) -> SchemaNodes:
    return SchemaNodes(dict(_documents(version, lenient)))


@cache
def _reference_nodes(version: str, lenient: bool) -> SchemaNodes:
    """The very objects python-jsonschema compiled: it reports nodes, not locations."""
    registry = _reference_registry(version, lenient)
    return SchemaNodes({uri: registry.contents(uri) for uri, _ in _documents(version, lenient)})


def tidy(findings: list[Finding]) -> tuple[Finding, ...]:
    """Drop a `pattern` error where the same value also failed its `format` (one defect, one line)."""
    formats = {f.instance_path for f in findings if f.keyword == "format"}
    if not formats:
        return tuple(findings)
    return tuple(f for f in findings if not (f.keyword == "pattern" and f.instance_path in formats))
