"""The empirical half of `llm-hub compat`: payloads valid under OLD must stay valid under NEW.

Payloads come from every example of OLD, every valid corpus payload of OLD's version, and a
seeded generator (`sample.Sampler`). Those OLD accepts are validated under NEW (jsonschema-rs,
formats asserted); each one NEW rejects is a counterexample, shown with the rule it exhibits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from ..errors import HubError
from ..pointer import join as pointer
from ..schema_store import SchemaSet, TypeEntry
from ..schema_view.views import locate
from .rules import rule_for_keyword
from .sample import Sampler, Skip

DEFAULT_SAMPLES = 24
DEFAULT_SEED = 20240115


@dataclass(frozen=True)
class Counterexample:
    type: str
    source: str  # "example 2", "corpus events.valid.json#14", "generated (seed 7, #3)"
    payload: Any
    instance_path: str
    keyword: str
    message: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "source": self.source, "payload": self.payload,
                "instance_path": self.instance_path, "keyword": self.keyword, "message": self.message,
                "rule": self.rule}


@dataclass
class EmpiricalResult:
    payloads: int = 0  # distinct payloads OLD accepts, validated under NEW
    generated_rejected_by_old: int = 0  # generator misses, dropped (the generator is best effort)
    counterexamples: list[Counterexample] = field(default_factory=list)
    types: int = 0


def _registry(folder: SchemaSet) -> Any:
    return jsonschema_rs.Registry([(str(doc["$id"]), dict(doc)) for doc in folder.documents.values()])


def _validator(registry: Any, entry: TypeEntry) -> Any:
    return jsonschema_rs.validator_for({"$ref": entry.uri}, registry=registry, validate_formats=True)


def corpus_payloads(corpus: Path | None) -> dict[str, list[tuple[str, Any]]]:
    """{type name: [(source, payload)]} from the *.valid.json files of a corpus folder."""
    found: dict[str, list[tuple[str, Any]]] = {}
    if corpus is None or not corpus.is_dir():
        return found
    for path in sorted(corpus.glob("*.valid.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise HubError(f"{path}: unreadable corpus file: {exc}") from exc
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and "type" in entry and "payload" in entry:
                found.setdefault(str(entry["type"]), []).append((f"corpus {path.name}#{index}", entry["payload"]))
    return found


def _candidates(entry: TypeEntry, folder: SchemaSet, corpus: dict[str, list[tuple[str, Any]]],
                samples: int, seed: int) -> Iterator[tuple[str, Any, bool]]:
    for index, example in enumerate(entry.examples):
        yield f"example {index}", example, False
    for name in (entry.name, entry.qualified):
        for source, payload in corpus.get(name, []):
            yield source, payload, False
    at = locate(folder, _entry_key(entry))
    if at is None:
        return
    for index in range(samples):
        sampler = Sampler(seed * 1_000_003 + index)
        try:
            yield f"generated (seed {seed}, #{index})", sampler.sample(at), True
        except (Skip, RecursionError):
            continue


def _entry_key(entry: TypeEntry) -> str:
    relative = entry.path.relative_to(entry.path.parents[1]).as_posix()
    return f"{relative}#{entry.pointer}" if entry.pointer else relative


def empirical_check(old: SchemaSet, new: SchemaSet, *, corpus: Path | None = None,
                    samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                    per_type: int = 3) -> EmpiricalResult:
    """Validate OLD-valid payloads of every type both versions define under NEW."""
    result = EmpiricalResult()
    corpus_index = corpus_payloads(corpus)
    new_types = {t.qualified: t for t in new.types}
    old_registry, new_registry = _registry(old), _registry(new)
    for entry in old.types:
        target = new_types.get(entry.qualified)
        if target is None:
            continue  # a removed type is the static rule type-removed
        result.types += 1
        old_check, new_check = _validator(old_registry, entry), _validator(new_registry, target)
        seen: set[str] = set()
        found = 0
        for source, payload, generated in _candidates(entry, old, corpus_index, samples, seed):
            text = json.dumps(payload, sort_keys=True)
            if text in seen:
                continue
            seen.add(text)
            if not old_check.is_valid(payload):
                result.generated_rejected_by_old += generated
                continue
            result.payloads += 1
            if new_check.is_valid(payload):
                continue
            if found >= per_type:
                continue
            found += 1
            error = _first_error(new_check, payload)
            result.counterexamples.append(Counterexample(entry.qualified, source, payload, *error,
                                                         rule_for_keyword(error[1])))
    return result


def _first_error(validator: Any, payload: Any) -> tuple[str, str, str]:
    for error in validator.iter_errors(payload):
        path = list(error.schema_path)
        keyword = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
        return pointer(error.instance_path), keyword, str(error.message)
    return "", "", "rejected"
