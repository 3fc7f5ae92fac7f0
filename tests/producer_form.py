"""What a typed model may change when it reads a valid document and writes it back.

Generated writers (Rust, Go, Java, ...) write what the producers write (MODEL.md 2.3): an optional
member without a value is left out or written as null as schemas/producer-output/<version>.json
says for it, a member with a schema default is always written. A document already in that form
(every schema example, every valid corpus payload not noted as "input form") must come back as the
same JSON value; one that is not comes back in that form, which the schema reads the same: a null
the producers would omit is left out ("null omitted"), an absent member they write as null comes
back as null ("null written"), an absent defaulted member comes back with its default ("default
written"). `round_trip_changes` names each difference by its rule ("other" for a real change).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from agreement_cases import Case, schema_sets

from llm_analytics_hub.codegen.ir import build_version

CORPUS = Path(__file__).resolve().parent.parent / "schemas" / "corpus"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def producer_form(case: Case) -> bool:
    """Schema examples and valid corpus payloads (not mutants): the JSON the producers write, or
    (`input_form`) accepted input that they never write."""
    return case.version is not None and "," not in case.origin and (
        " example " in case.origin or ".valid.json[" in case.origin)


@cache
def corpus_notes() -> dict[str, str]:
    """{origin of a corpus payload: its note}."""
    found = {}
    for path in sorted(CORPUS.glob("*/*.valid.json")):
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            found[f"corpus {path.parent.name}/{path.name}[{index}]"] = str(entry.get("note", ""))
    return found


def input_form(case: Case) -> bool:
    """A corpus payload its note marks as "input form": valid, but not what the producers write."""
    return "input form" in corpus_notes().get(case.origin, "")


@cache
def member_facts() -> tuple[dict[str, list[Any]], dict[str, set[str]]]:
    """({member name: its schema defaults anywhere in the IR}, {member name: how producers write it without
    a value ("omit" / "null") anywhere in the IR})."""
    defaults: dict[str, list[Any]] = {}
    when_none: dict[str, set[str]] = {}
    for schemas in schema_sets():
        for area in build_version(schemas).areas:
            for typedef in area.types:
                for field in getattr(typedef, "fields", ()):
                    if field.has_default:
                        defaults.setdefault(field.wire, []).append(field.default)
                    elif not field.required:
                        when_none.setdefault(field.wire, set()).add(field.when_none)
    return defaults, when_none


def round_trip_changes(before: Any, after: Any, path: str = "", *,
                       lower_uuids: bool = False) -> Iterator[tuple[str, str]]:
    """(rule, location) of each difference between a document and its re-serialization; `lower_uuids`
    allows an upper-case uuid to come back lower-cased (rule "uuid lower-cased")."""
    defaults, when_none = member_facts()
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            where = f"{path}/{key}"
            if key not in after:
                yield ("null omitted" if before[key] is None and "omit" in when_none.get(key, ()) else "other"), where
            elif key not in before:
                if after[key] is None:
                    yield ("null written" if "null" in when_none.get(key, ()) else "other"), where
                else:
                    yield ("default written" if after[key] in defaults.get(key, []) else "other"), where
            else:
                yield from round_trip_changes(before[key], after[key], where, lower_uuids=lower_uuids)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (one, two) in enumerate(zip(before, after, strict=True)):
            yield from round_trip_changes(one, two, f"{path}/{index}", lower_uuids=lower_uuids)
    elif before != after or isinstance(before, bool) != isinstance(after, bool):
        lowered = (lower_uuids and isinstance(before, str) and isinstance(after, str) and UUID.match(before)
                   and after == before.lower())
        yield ("uuid lower-cased" if lowered else "other"), path


def producer_round_trip_problems(every: tuple[Case, ...], results: list[dict[str, Any]], *,
                                 lower_uuids: bool = False) -> tuple[list[str], int, int, dict[str, int]]:
    """(problems, documents checked, documents back exactly, {rule: count}) over the producer-form cases
    of a harness run: each must come back exactly, an input-form one with only the normalizations."""
    checked, exact, problems = 0, 0, []
    rules: dict[str, int] = {}
    for case, result in zip(every, results, strict=True):
        if not producer_form(case) or not result["valid"] or result["reserialized"] is None:
            continue
        checked += 1
        changes = list(round_trip_changes(case.document, json.loads(result["reserialized"]),
                                          lower_uuids=lower_uuids))
        exact += not changes
        for rule, where in changes:
            rules[rule] = rules.get(rule, 0) + 1
            if rule == "other" or (rule != "uuid lower-cased" and not input_form(case)):
                problems.append(f"{case.type_name} @ {case.version} {case.origin}: {where} changes ({rule})\n"
                                f"    in:  {json.dumps(case.document)[:300]}\n    out: {result['reserialized'][:300]}")
    return problems, checked, exact, rules
