"""Which branch of a failed `anyOf` a document meant (issue 15): the rule every language follows.

When an `anyOf` fails and the instance indicates one branch, that branch's errors are reported at
their own (deeper) locations instead of one `anyOf` error at the union; the rule applies again to
the branch's own errors. A branch is indicated only by the regular union forms of our schemas
(docs/schema-design.md, "Unions"):

(a) nullable form `anyOf [X, {"type": "null"}]` (either order): a non-null instance means X;
(b) data-carrying enum `anyOf [{"type": "string", "enum": [...]}, {"type": "object", "required": [K], ...}, ...]`:
    a string means the enum branch; an object with exactly one member, named K of some variant,
    means that variant;
(c) anything else (the untagged unions, an instance of another JSON type, an object with zero or
    several members): no branch, the single `anyOf` error stays.

Internally tagged unions are `if`/`then` chains, which the engines already report at the leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples"})


def _keywords(branch: Any) -> set[str]:
    return set(branch) - _ANNOTATIONS if isinstance(branch, dict) else set()


def _is_null_branch(branch: Any) -> bool:
    return _keywords(branch) == {"type"} and branch["type"] == "null"


def _is_string_enum(branch: Any) -> bool:
    return _keywords(branch) == {"type", "enum"} and branch["type"] == "string"


def _variant_key(branch: Any) -> str | None:
    """K of a data-carrying variant `{"type": "object", "required": [K], ...}`."""
    if not isinstance(branch, dict) or branch.get("type") != "object":
        return None
    required = branch.get("required")
    if isinstance(required, list) and len(required) == 1 and isinstance(required[0], str):
        return required[0]
    return None


def indicated_branch(branches: Sequence[Any], instance: Any) -> int | None:
    """The index of the branch the instance indicates, or None (rule (c))."""
    if len(branches) == 2 and instance is not None:
        for index in (0, 1):
            if _is_null_branch(branches[1 - index]) and not _is_null_branch(branches[index]):
                return index
    if len(branches) >= 2 and _is_string_enum(branches[0]):
        keys = [_variant_key(branch) for branch in branches[1:]]
        if all(key is not None for key in keys):
            if isinstance(instance, str):
                return 0
            if isinstance(instance, dict) and len(instance) == 1:
                (member,) = instance
                if keys.count(member) == 1:
                    return 1 + keys.index(member)
    return None
