"""Deterministic mutations of valid documents, for the differential test of the two engines.

`mutants(document, seed)` derives variants of one valid document: members deleted or added,
leaves set to wrong types and out-of-range numbers, strings replaced by near misses (uuid and
RFC 3339 edge cases), tags changed, data-carrying enum variants wrapped and unwrapped, and the
data of two union variants swapped. Some aim at a keyword family each: strings far shorter or
longer (minLength/maxLength), arrays and objects emptied or grown (minItems/maxItems/
minProperties/maxProperties), duplicated items (uniqueItems), numbers stepped by one or a half
(exclusive bounds, multipleOf, integer enums), values of the wrong type (type, const, enum).
Everything is driven by a `random.Random` seeded with a string, so the same inputs always give the
same documents (independent of PYTHONHASHSEED).
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}")
TAG_MEMBERS = ("payload_type", "telemetry_type", "security_type", "cost_type", "governance_type", "custom_type",
               "type", "kind", "status", "event_type")

UUID_NEAR_MISSES = (
    "c954d3c8-4e25-466f-a5ff-1cdb8fc5b91",  # one digit short
    "c954d3c8-4e25-466f-a5ff-1cdb8fc5b9123",  # one digit long
    "c954d3c84e25466fa5ff1cdb8fc5b912",  # undashed
    "{c954d3c8-4e25-466f-a5ff-1cdb8fc5b912}",  # braced
    "urn:uuid:c954d3c8-4e25-466f-a5ff-1cdb8fc5b912",
    "c954d3c8-4e25-466f-a5ff-1cdb8fc5b91g",  # non-hex digit
    "C954D3C8-4E25-466F-A5FF-1CDB8FC5B912",  # upper case: valid by contract
    "c954d3c8_4e25_466f_a5ff_1cdb8fc5b912",
    "c954d3c8-4e25-466f-a5ff-1cdb8fc5b912 ",
    "00000000-0000-0000-0000-000000000000",  # nil uuid: valid shape
    "",
)

DATE_TIME_NEAR_MISSES = (
    "2024-01-15 10:30:00Z",  # space instead of T
    "2024-01-15T10:30:00",  # no offset
    "2024-02-30T10:30:00Z",  # impossible date
    "2023-02-29T10:30:00Z",  # not a leap year
    "2024-02-29T10:30:00Z",  # leap day: valid
    "2024-06-30T23:59:60Z",  # leap second
    "0000-01-15T10:30:00Z",  # year 0000
    "2024-01-15t10:30:00z",  # lower-case t and z: RFC 3339 allows them
    "2024-01-15T10:30:00+0200",  # offset without colon
    "2024-01-15T10:30:00+02:00",  # offset: valid
    "2024-01-15T10:30:00-24:00",  # offset hour out of range
    "2024-01-15T24:00:00Z",  # hour 24
    "2024-13-15T10:30:00Z",  # month 13
    "2024-01-15T10:30:00.Z",  # empty fraction
    "2024-01-15T10:30:00.123456789Z",  # nanoseconds: valid
    "2024-01-15T10:30Z",  # no seconds
    "2024-01-15",  # date only
    "1705314600",  # epoch as a string
    "2024-01-15T10:30:00ZZ",
    "\u0662024-01-15T10:30:00Z",  # a non-ASCII digit
)

HUGE_AND_ODD_NUMBERS: tuple[Any, ...] = (2**64, 2**64 - 1, 2**63, -(2**63) - 1, -(2**63), 2**32, 2**16, 256,
                                         -1, -0.5, 0.5, 1.5, 5.0, 1e300, -1e300, 0)
WRONG_TYPES: tuple[Any, ...] = (None, True, "1", [], {}, 1, 1.25)


@dataclass(frozen=True)
class Mutant:
    description: str  # what was changed, e.g. "set /payload/data/model_id to None"
    document: Any


def walk(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) in the document, the root included, in document order."""
    yield path, value
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from walk(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from walk(sub, (*path, index))


def pointer(path: Path) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _get(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


def _replaced(document: Any, path: Path, value: Any) -> Any:
    if not path:
        return copy.deepcopy(value)
    result = copy.deepcopy(document)
    _get(result, path[:-1])[path[-1]] = copy.deepcopy(value)
    return result


def _deleted(document: Any, path: Path) -> Any:
    result = copy.deepcopy(document)
    parent = _get(result, path[:-1])
    del parent[path[-1]]
    return result


def string_near_misses(text: str, rng: random.Random) -> list[str]:
    """Strings close to `text` that a schema may or may not accept."""
    if UUID_RE.match(text):
        return list(UUID_NEAR_MISSES)
    if DATE_TIME_RE.match(text):
        return list(DATE_TIME_NEAR_MISSES)
    misses = [text.upper(), text.lower(), text.title(), text + "x", text[:-1], " " + text, "", text.replace("_", "-"),
              text.replace("-", "_")]
    return [m for m in dict.fromkeys(misses) if m != text] or ["x"]


def _wrapped_and_unwrapped(value: Any) -> list[Any]:
    """Data-carrying enum variants written the wrong way: "x" <-> {"x": ...}, {"other": "x"} -> "other"."""
    if isinstance(value, str):
        return [{value: value}, {"other": value}, {"value": value}]
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        return [key, inner, [inner], {key: inner, "extra": 1}, {key: [inner]}]
    return []


def _one_mutation(document: Any, rng: random.Random, others: list[Any]) -> Mutant | None:
    nodes = list(walk(document))
    members = [(p, v) for p, v in nodes if p and isinstance(p[-1], str)]
    objects = [(p, v) for p, v in nodes if isinstance(v, dict)]
    leaves = [(p, v) for p, v in nodes if not isinstance(v, dict | list)]
    strings = [(p, v) for p, v in leaves if isinstance(v, str)]
    numbers = [(p, v) for p, v in leaves if isinstance(v, int | float) and not isinstance(v, bool)]
    tags = [(p, v) for p, v in members if p[-1] in TAG_MEMBERS and isinstance(v, str)]
    kind = rng.choice(("delete", "add", "wrong_type", "number", "string", "string", "tag", "wrap", "swap",
                       "array_item", "length", "count", "step"))
    if kind == "delete" and members:
        path, _ = rng.choice(members)
        return Mutant(f"delete {pointer(path)}", _deleted(document, path))
    if kind == "add" and objects:
        path, obj = rng.choice(objects)
        name = rng.choice(("extra", "total_latency", "payloadType", "data", "value", "other", "Extra Member"))
        if name in obj:
            name += "_x"
        value = rng.choice(("x", 1, None, {}, [], {"a": "b"}))
        return Mutant(f"add {pointer(path)}/{name} = {value!r}", _replaced(document, (*path, name), value))
    if kind == "wrong_type" and nodes:
        path, old = rng.choice(nodes[1:] or nodes)
        value = rng.choice([w for w in WRONG_TYPES if type(w) is not type(old)])
        return Mutant(f"set {pointer(path)} to {value!r}", _replaced(document, path, value))
    if kind == "number" and numbers:
        path, old = rng.choice(numbers)
        value = rng.choice(HUGE_AND_ODD_NUMBERS)
        if isinstance(old, float) and rng.random() < 0.3:
            value = -abs(old) - 1.0
        return Mutant(f"set {pointer(path)} to {value!r}", _replaced(document, path, value))
    if kind == "string" and strings:
        path, old = rng.choice(strings)
        value = rng.choice(string_near_misses(old, rng))
        return Mutant(f"set {pointer(path)} to {value!r}", _replaced(document, path, value))
    if kind == "tag" and tags:
        path, old = rng.choice(tags)
        sibling_values = sorted({v for p, v in walk(others) if p and p[-1] == path[-1] and isinstance(v, str)})
        choices = [v for v in sibling_values if v != old] + [old.upper(), old + "s", "unknown"]
        value = rng.choice(choices)
        return Mutant(f"change tag {pointer(path)} from {old!r} to {value!r}", _replaced(document, path, value))
    if kind == "wrap":
        candidates = [(p, v) for p, v in nodes if _wrapped_and_unwrapped(v)]
        if candidates:
            path, old = rng.choice(candidates)
            value = rng.choice(_wrapped_and_unwrapped(old))
            return Mutant(f"wrap/unwrap {pointer(path)} as {value!r}", _replaced(document, path, value))
    if kind == "swap":
        return _swap(document, rng, others)
    if kind == "length" and strings:  # minLength / maxLength: the same text far shorter or longer
        path, old = rng.choice(strings)
        value = rng.choice((old[:1], old * 40, old + "\U0001f600" * 100))
        return Mutant(f"resize string {pointer(path)} to {len(value)} characters", _replaced(document, path, value))
    if kind == "count":  # minItems / maxItems / minProperties / maxProperties: emptied or grown
        containers = [(p, v) for p, v in nodes if isinstance(v, list | dict) and p]
        if containers:
            path, old = rng.choice(containers)
            grown = old * 12 if isinstance(old, list) else {**old, **{f"k{i}": old[k] for i, k in
                                                                     enumerate(list(old) * 4)}}
            value = rng.choice((type(old)(), grown))
            return Mutant(f"resize {pointer(path)} to {len(value)} entries", _replaced(document, path, value))
    if kind == "step" and numbers:  # exclusive bounds, multipleOf, integer enums: the next value either way
        path, old = rng.choice(numbers)
        value = rng.choice((old + 1, old - 1, old * 3, old + 0.5))
        return Mutant(f"step {pointer(path)} from {old!r} to {value!r}", _replaced(document, path, value))
    if kind == "array_item":
        arrays = [(p, v) for p, v in nodes if isinstance(v, list) and v]
        if arrays:
            path, old = rng.choice(arrays)
            value = rng.choice(([*old, old[0]], [*old, None], [*old, {"x": 1}], [old[0], 7]))
            return Mutant(f"change array {pointer(path)} to {value!r}"[:200], _replaced(document, path, value))
    return None


def _swap(document: Any, rng: random.Random, others: list[Any]) -> Mutant | None:
    """Give one tagged object the data of another variant (keeping its own tag), or the tag of another."""
    mine = [(p, v) for p, v in walk(document) if isinstance(v, dict) and any(t in v for t in TAG_MEMBERS)]
    if not mine:
        return None
    path, obj = rng.choice(mine)
    tag = next(t for t in TAG_MEMBERS if t in obj)
    theirs = [v for _, v in walk(others) if isinstance(v, dict) and tag in v and v.get(tag) != obj[tag]]
    if not theirs:
        return None
    other = rng.choice(theirs)
    if rng.random() < 0.5:
        swapped = {**other, tag: obj[tag]}
        how = f"data of {tag}={other[tag]!r} under {tag}={obj[tag]!r}"
    else:
        swapped = {**obj, tag: other[tag]}
        how = f"tag {tag}={other[tag]!r} over the data of {tag}={obj[tag]!r}"
    return Mutant(f"swap at {pointer(path)}: {how}", _replaced(document, path, swapped))


def mutants(document: Any, seed: str, count: int, others: list[Any] | None = None,
            extra: Callable[[Any, random.Random], list[Mutant]] | None = None) -> list[Mutant]:
    """`count` distinct mutants of `document`; `others` are documents to borrow tags and variant data from."""
    rng = random.Random(seed)
    pool = others if others is not None else []
    found: dict[str, Mutant] = {}
    attempts = 0
    while len(found) < count and attempts < count * 6:
        attempts += 1
        mutant = _one_mutation(document, rng, pool)
        if mutant is not None and mutant.description not in found:
            found[mutant.description] = mutant
    return list(found.values())
