"""Shared by the storage tests: the documents a round trip must survive, and their producer form
worked out from the IR alone (not from the storage layout, which is what is under test)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from llm_analytics_hub.codegen.ir import (
    DataEnumType,
    ListOf,
    MapOf,
    NewType,
    Nullable,
    ObjectType,
    Prim,
    Ref,
    TaggedUnion,
    TypeExpr,
    Version,
    build_version,
)
from llm_analytics_hub.schema_store import load_version

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "schemas" / "corpus"


def make_events(path: Path, count: int, *, version: str = "1.0.0", invalid_share: float = 0.02, seed: int = 7) -> Path:
    """`count` lines of the benchmark's mix (bench/make_events.py), `invalid_share` of them invalid."""
    with path.open("wb") as out:
        subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--count", str(count),
                        "--version", version, "--invalid-share", str(invalid_share), "--seed", str(seed)],
                       stdout=out, check=True)
    return path


@cache
def ir(version: str) -> Version:
    return build_version(load_version(version))


def documents(version: str) -> list[dict[str, Any]]:
    """Every AnalyticsEvent example of `version` and every valid corpus event written for it."""
    found = list(load_version(version).lookup("AnalyticsEvent").examples)
    corpus = CORPUS / version / "events.valid.json"
    if corpus.is_file():
        found += [case["payload"] for case in json.loads(corpus.read_text()) if case["type"] == "AnalyticsEvent"]
    return found


def input_form(document: dict[str, Any], version: str) -> bool:
    return producer_form(document, version) != document


def producer_form(document: dict[str, Any], version: str) -> dict[str, Any]:
    """The document as the producers write it: serde defaults written, an optional member without a value
    left out or written as null as schemas/producer-output says; nothing else changes."""
    result = _form(document, Ref("events", "AnalyticsEvent"), ir(version))
    assert isinstance(result, dict)
    return result


def _form(value: Any, expr: TypeExpr, version: Version) -> Any:
    match expr:
        case Nullable(inner=inner):
            return None if value is None else _form(value, inner, version)
        case ListOf(item=item):
            return [_form(v, item, version) for v in value]
        case MapOf(value=inner):
            return {k: _form(v, inner, version) for k, v in value.items()}
        case Prim():
            return value
        case Ref():
            typedef = version.lookup(expr)
            if isinstance(typedef, ObjectType):
                out = {}
                for field in typedef.fields:
                    if field.wire in value and not (value[field.wire] is None and not field.required
                                                    and field.when_none == "omit" and not field.has_default):
                        out[field.wire] = None if value[field.wire] is None else _form(value[field.wire], field.type,
                                                                                       version)
                    elif field.wire not in value and field.has_default:
                        out[field.wire] = field.default
                    elif field.wire not in value and field.nullable and field.when_none == "null":
                        out[field.wire] = None
                return out
            if isinstance(typedef, TaggedUnion):
                chosen = next(v for v in typedef.variants if v.tag == value[typedef.tag])
                if typedef.content:
                    return {typedef.tag: chosen.tag, typedef.content: _form(value[typedef.content], chosen.type,
                                                                            version)}
                rest = _form({k: v for k, v in value.items() if k != typedef.tag}, chosen.type, version)
                return {typedef.tag: chosen.tag, **rest}
            if isinstance(typedef, DataEnumType) and isinstance(value, dict):
                ((key, inner),) = value.items()
                variant = next(v for v in typedef.variants if v.key == key)
                return {key: _form(inner, variant.type, version)}
            if isinstance(typedef, NewType):
                return _form(value, typedef.inner, version)
            return value
    raise AssertionError(expr)


def leaf_pointers(value: Any, pointer: str = "") -> Iterator[str]:
    """The JSON pointer of every scalar, list and map in a document (objects are walked into)."""
    if isinstance(value, dict) and value and not pointer.endswith("/tags"):
        for key, inner in value.items():
            yield from leaf_pointers(inner, f"{pointer}/{key}")
    else:
        yield pointer
