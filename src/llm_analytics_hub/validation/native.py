"""The native block checker: whole blocks of NDJSON lines proven valid in Rust (native/).

`make native` builds `llm_analytics_hub._native` from native/, which runs the generated Rust crate's
schema walk (the validator that agrees with this one on every test document) over each line of a
block and counts the valid ones by label. It is one-sided like every fast path: a line it does not
prove comes back, and `check_slowly` judges it, so findings, hints and exit codes are Python's.

It is only trusted for the schemas it was built from: each version's folder digest
(`SchemaSet.digest`) must equal the one compiled into the crate (`SCHEMA_DIGESTS`), so an edited
schema tree, or a crate built from other schemas, is never judged natively. Without the module
(a plain `pip install`), or with `LLM_HUB_NATIVE=0`, the msgspec fast path does the same job slower.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from collections.abc import Mapping
from typing import Any, Protocol

from ..schema_store import SchemaSet, TypeEntry
from ..schema_view.layout import tagged_union, union_members

NativeOutcome = tuple[int, int, list[tuple[str, int]], list[tuple[int, int, int]], int]


class BlockChecker(Protocol):
    def check(self, block: bytes) -> NativeOutcome: ...

    def proves(self, document: Any) -> bool: ...

    def label(self, text: bytes) -> str | None: ...

    def planned(self) -> list[str]: ...


API = 2  # what native/src/lib.rs must say it implements (proves, label, planned since 2)


def _load() -> tuple[Any, int | None, str | None]:
    """(the module, its interface version, None) when it is usable, else (None, the interface version of a
    module that loaded, why not: the words `llm-hub doctor` prints)."""
    if os.environ.get("LLM_HUB_NATIVE", "1") == "0":
        return None, None, "disabled by LLM_HUB_NATIVE=0"
    try:
        module = _from_file(library) if (library := os.environ.get("LLM_HUB_NATIVE_LIBRARY")) else \
            importlib.import_module("llm_analytics_hub._native")  # by name: type checkers run before it is built
    except ModuleNotFoundError as exc:
        if exc.name != "llm_analytics_hub._native":
            return None, None, f"it does not load: {exc}"
        return None, None, "not built"
    except ImportError as exc:  # e.g. built for another platform, or a glibc older than it needs
        return None, None, f"it does not load: {exc}"
    # A module built from older sources (left in the package since) is not used: `make native`
    # rebuilds it; until then the msgspec path does the job.
    found = getattr(module, "API", None)
    if found != API:
        return None, found, f"interface {found} where this llm-hub needs {API} (built from other sources)"
    return module, found, None


def _from_file(path: str) -> Any:
    """A checker built elsewhere, e.g. for a scratch schema tree (its digests say which folders it judges)."""
    spec = importlib.util.spec_from_file_location("_native", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"LLM_HUB_NATIVE_LIBRARY={path}: not a Python extension module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_NATIVE, _BUILT_API, _WHY_NOT = _load()


def available() -> bool:
    """Whether the native module is built and enabled."""
    return _NATIVE is not None


def why_not() -> str | None:
    """Why the native module is not used (None when it is): not built, LLM_HUB_NATIVE=0, an interface
    other than API, or the import error."""
    return _WHY_NOT


def built_api() -> int | None:
    """The interface version of the module that loaded, used or not (None when none loaded)."""
    return _BUILT_API


def compiled_digests() -> dict[str, str]:
    """{schema version: folder digest} the loaded module was compiled from (empty when none is loaded)."""
    return {} if _NATIVE is None else dict(_NATIVE.schema_digests())


def label_plan(folder: SchemaSet, entry: TypeEntry) -> dict[str, Any]:
    """`layout.label_of` for one type as data the native checker follows: the union layout, numbered."""
    nodes: list[dict[str, Any]] = []
    numbered: dict[str, int] = {}

    def node(of: TypeEntry) -> int:
        if of.uri in numbered:
            return numbered[of.uri]
        index = numbered[of.uri] = len(nodes)
        nodes.append({})
        union = tagged_union(folder, of)
        nodes[index] = {
            "tag": union.tag if union is not None else None,
            "content": union.content if union is not None else None,
            "variants": [] if union is None else [[value, node(variant)] for value, variant in union.variants.items()
                                                 if isinstance(value, str) and variant is not None],
            "members": [] if union is not None else [[name, node(member)]
                                                     for name, member in union_members(folder, of)],
        }
        return index

    union = tagged_union(folder, entry)
    members = union_members(folder, entry)
    root = node(entry) if union is not None else None
    first = [members[0][0], node(members[0][1])] if union is None and members else None
    return {"name": entry.name, "union": root, "first_member": first, "nodes": nodes}


def block_checker(types: Mapping[str, tuple[SchemaSet, TypeEntry]], forced_version: str | None,
                  lenient: bool) -> BlockChecker | None:
    """A native checker of one catalogue type over the given versions ({version: (its schemas, the type)}),
    for those built from these very schemas; None when there is no module or no version qualifies."""
    if _NATIVE is None:
        return None
    built_from: dict[str, str] = _NATIVE.schema_digests()
    plans, type_name = {}, None
    for version, (schemas, entry) in types.items():
        if built_from.get(version) != schemas.digest:
            continue
        plans[version] = label_plan(schemas, entry)
        type_name = entry.qualified
    if type_name is None:
        return None
    checker: BlockChecker = _NATIVE.BlockChecker(forced_version, type_name, lenient, json.dumps(plans))
    return checker
