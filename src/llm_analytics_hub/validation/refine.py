"""Turn each engine's raw errors into findings that point at the defect, with a hint where one is close.

Runs only for invalid documents. Both engines go through the same two steps, so their locations
(compared by tests/test_validate_differential.py) and hints stay equal:
- a failed `anyOf` whose instance indicates a branch (validation/unions.py) is replaced by that
  branch's errors, refined again;
- an `enum` error, and an unexpected-member error (`additionalProperties`, `unevaluatedProperties`),
  get a hint when the value or member is a near miss (validation/hints.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from ..pointer import join as pointer
from .findings import Finding
from .hints import member_hint, value_hint
from .schema_nodes import SchemaNodes
from .unions import indicated_branch

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError  # the slow reference is imported only when used

_KIND = jsonschema_rs.ValidationErrorKind


def _parent(location: str) -> str:
    return location.rsplit("/", 1)[0]


def fast_findings(error: Any, nodes: SchemaNodes) -> Iterator[Finding]:
    """Findings of one jsonschema-rs error (its `kind.context` holds the errors of each anyOf branch)."""
    kind = error.kind
    if isinstance(kind, _KIND.AnyOf):
        _, branches = nodes.at(error.absolute_keyword_location)
        chosen = indicated_branch(branches, error.instance)
        if chosen is not None:
            for inner in kind.context[chosen]:
                yield from fast_findings(inner, nodes)
            return
    path = list(error.schema_path)
    keyword = next((p for p in reversed(path) if isinstance(p, str)), "")
    yield Finding(pointer(error.instance_path), pointer(path), keyword, error.message, _fast_hint(error, nodes))


def _fast_hint(error: Any, nodes: SchemaNodes) -> str | None:
    kind = error.kind
    if isinstance(kind, _KIND.Enum):
        return value_hint(error.instance, kind.options)
    if isinstance(kind, _KIND.AdditionalProperties | _KIND.UnevaluatedProperties):
        base, node = nodes.at(_parent(error.absolute_keyword_location))
        additional = isinstance(kind, _KIND.AdditionalProperties)
        return member_hint(kind.unexpected, _declared(additional, base, node, error.instance, nodes))
    return None


def _declared(additional: bool, base: str, node: Any, instance: Any, nodes: SchemaNodes) -> set[str]:
    """The members the object schema `node` declares, for the hint of its unexpected-member error."""
    if additional:
        return set(node.get("properties", {}))  # additionalProperties sees its sibling properties only
    return nodes.declared_members(base, node, instance)


def reference_findings(error: ValidationError, nodes: SchemaNodes) -> Iterator[Finding]:
    """Findings of one python-jsonschema error (its `context` holds the errors of every anyOf branch)."""
    if error.validator == "anyOf" and isinstance(error.validator_value, list):
        chosen = indicated_branch(error.validator_value, error.instance)
        if chosen is not None:
            for inner in error.context:
                if inner.relative_schema_path[0] == chosen:
                    yield from reference_findings(inner, nodes)
            return
    yield Finding(pointer(error.absolute_path), pointer(error.absolute_schema_path), str(error.validator),
                  error.message, _reference_hint(error, nodes))


def _reference_hint(error: ValidationError, nodes: SchemaNodes) -> str | None:
    keyword = str(error.validator)
    if keyword == "enum" and isinstance(error.validator_value, list):
        return value_hint(error.instance, error.validator_value)
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(error.instance, dict):
        base = nodes.base_of(error.schema)
        if base is None or not isinstance(error.schema, dict):
            return None
        declared = _declared(keyword == "additionalProperties", base, error.schema, error.instance, nodes)
        return member_hint((name for name in error.instance if name not in declared), declared)
    return None
