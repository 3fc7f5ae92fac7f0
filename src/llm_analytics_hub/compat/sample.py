"""Seeded random payloads generated from a schema (our own generator, not hypothesis-jsonschema).

hypothesis-jsonschema reads drafts 4 to 7 only; it does not know `unevaluatedProperties`, which
closes every leaf here. This generator reads the same flattened views as the differ, aims at the
edges that compatibility changes move (integer bounds, optional members present or absent, null
for nullable members, every union variant, extra members of maps), and is reproducible from its
seed. Payloads are candidates: the empirical check keeps only those the OLD schema accepts.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from ..schema_view.views import At, View, follow, merged, view_of

MAX_DEPTH = 9
ALPHABET = string.ascii_lowercase + string.digits + "-_ ."
WORDS = ("alpha", "gpt-4o", "prod", "us-east-1", "x", "", "Z", "42", "ü-ß", "a b")


class Skip(Exception):
    """No value can be produced for this schema (e.g. the `false` schema)."""


class Sampler:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sample(self, at: At, depth: int = 0) -> Any:
        return self.value(view_of(at), depth)

    def value(self, view: View, depth: int) -> Any:
        rng = self.rng
        if view.ref is not None:
            if view.nullable and rng.random() < 0.15:
                return None
            view = follow(view)
        if view.never:
            raise Skip
        if view.nullable and (rng.random() < 0.15 or (depth > MAX_DEPTH and rng.random() < 0.9)):
            return None
        if view.has_const:
            return view.const
        if view.enum is not None:
            if not view.enum:
                raise Skip
            return rng.choice(view.enum)
        if view.tag is not None and view.variants:
            value = rng.choice(list(view.variants))
            then = follow(view_of(view.variants[value]))
            payload = self.object(merged(view, then), depth)
            payload[view.tag] = value
            return payload
        if view.union:
            return self.sample(rng.choice(view.union), depth + 1)
        kind = self.pick_type(view)
        if kind == "object":
            return self.object(view, depth)
        if kind == "array":
            return self.array(view, depth)
        if kind == "integer":
            return self.integer(view)
        if kind == "number":
            return self.number(view)
        if kind == "string":
            return self.string(view)
        if kind == "boolean":
            return rng.random() < 0.5
        return None

    def pick_type(self, view: View) -> str:
        if view.types is not None:
            if not view.types:
                return "null"
            return self.rng.choice(sorted(view.types))
        if view.is_object:
            return "object"
        if view.items is not None:
            return "array"
        if view.bounds or view.strings:
            return "number" if any(k in view.bounds for k in ("minimum", "maximum")) else "string"
        return self.rng.choice(["string", "integer", "number", "boolean", "null", "object", "array"])

    def object(self, view: View, depth: int) -> dict[str, Any]:
        rng = self.rng
        mode = rng.random()  # every optional member, none, or each with even odds
        out: dict[str, Any] = {}
        for name, at in view.properties.items():
            if name not in view.required:
                if depth > MAX_DEPTH or mode < 0.2:
                    continue
                if mode < 0.6 and rng.random() < 0.5:
                    continue
            try:
                out[name] = self.sample(at, depth + 1)
            except Skip:
                if name in view.required:
                    raise
        for name in view.required:
            if name not in out and name not in view.properties:
                out[name] = self.value(View(view.at), depth + 1) if depth <= MAX_DEPTH else None
        if view.closure == "map" and view.extra is not None and depth <= MAX_DEPTH:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                try:
                    out[self.key()] = self.sample(view.extra, depth + 1)
                except Skip:
                    break
        elif view.closure == "open" and not view.properties and depth <= MAX_DEPTH and rng.random() < 0.6:
            for _ in range(rng.choice((1, 2))):
                out[self.key()] = rng.choice([self.key(), 7, 2.5, True, None])
        return out

    def key(self) -> str:
        return self.rng.choice(WORDS[:5]) + "_" + "".join(self.rng.choices(string.ascii_lowercase, k=4))

    def array(self, view: View, depth: int) -> list[Any]:
        low = int(view.bounds.get("minItems", (0,))[0])
        high = int(view.bounds.get("maxItems", (low + 3,))[0])
        count = low if depth > MAX_DEPTH else self.rng.randint(low, max(low, min(high, low + 3)))
        if view.items is None:
            return [self.rng.choice([1, "a", None, 2.5]) for _ in range(count)]
        out: list[Any] = []
        for _ in range(count * 3):
            if len(out) >= count:
                break
            item = self.sample(view.items, depth + 1)
            if view.strings.get("uniqueItems", (False,))[0] and item in out:
                continue
            out.append(item)
        return out

    def integer(self, view: View) -> int:
        low = view.bounds.get("minimum", (None,))[0]
        high = view.bounds.get("maximum", (None,))[0]
        if "exclusiveMinimum" in view.bounds:
            low = int(view.bounds["exclusiveMinimum"][0]) + 1
        if "exclusiveMaximum" in view.bounds:
            high = int(view.bounds["exclusiveMaximum"][0]) - 1
        lo = int(low) if low is not None else -(2**40)
        hi = int(high) if high is not None else 2**40
        candidates = [lo, hi, lo + 1, max(lo, min(hi, 0)), max(lo, min(hi, 1)), max(lo, min(hi, 1000))]
        if self.rng.random() < 0.5:
            return self.rng.choice([c for c in candidates if lo <= c <= hi] or [lo])
        return self.rng.randint(lo, min(hi, lo + 10**6) if self.rng.random() < 0.7 else hi)

    def number(self, view: View) -> float | int:
        if self.rng.random() < 0.3:
            return self.integer(view)
        low = float(view.bounds.get("minimum", view.bounds.get("exclusiveMinimum", (-1e6,)))[0])
        high = float(view.bounds.get("maximum", view.bounds.get("exclusiveMaximum", (1e6,)))[0])
        value = round(self.rng.uniform(low, high), 3)
        if "exclusiveMinimum" in view.bounds and value <= low:
            value = low + (high - low) / 2
        if "exclusiveMaximum" in view.bounds and value >= high:
            value = low + (high - low) / 2
        return value

    def string(self, view: View) -> str:
        rng = self.rng
        fmt = view.strings.get("format", (None,))[0]
        pattern = view.strings.get("pattern", (None,))[0]
        if fmt == "uuid":
            text = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            return text.upper() if rng.random() < 0.1 else text
        if fmt == "date-time":
            frac = rng.choice(["", ".5", ".123", ".123456", ".123456789"])
            zone = rng.choice(["Z", "Z", "+02:00", "-05:30", "z"])
            return (f"{rng.randint(1970, 2099):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                    f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{frac}{zone}")
        if isinstance(pattern, str):
            return from_regex(pattern, rng)
        low = int(view.bounds.get("minLength", (0,))[0])
        high = int(view.bounds.get("maxLength", (max(low, 12),))[0])
        if rng.random() < 0.5:
            word = rng.choice(WORDS)
            if low <= len(word) <= high:
                return word
        return "".join(rng.choices(ALPHABET, k=rng.randint(low, max(low, min(high, low + 12)))))


def from_regex(pattern: str, rng: random.Random) -> str:
    """A string matching `pattern` (anchored), for the simple regular expressions schemas use."""
    parsed = sre_parse.parse(pattern)
    for _ in range(20):
        text = _emit(parsed, rng)
        if re.search(pattern, text):
            return text
    return text


def _emit(items: Any, rng: random.Random) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(rng.choice([c for c in string.ascii_letters if ord(c) != arg]))
        elif name == "ANY":
            out.append(rng.choice(string.ascii_letters))
        elif name == "IN":
            out.append(_from_class(arg, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = min(high, low + 3) if high != sre_parse.MAXREPEAT else low + 3
            out.extend(_emit(sub, rng) for _ in range(rng.randint(low, high)))
        elif name == "SUBPATTERN":
            out.append(_emit(arg[-1], rng))
        elif name == "BRANCH":
            out.append(_emit(rng.choice(arg[1]), rng))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "CATEGORY":
            out.append(rng.choice(string.digits if "DIGIT" in str(arg) else string.ascii_letters))
    return "".join(out)


def _from_class(items: Any, rng: random.Random) -> str:
    choices: list[str] = []
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            choices.extend(string.digits if "DIGIT" in str(arg) else string.ascii_letters + "_")
    if negate:
        pool = [c for c in string.ascii_letters + string.digits if c not in choices]
        return rng.choice(pool or ["~"])
    return rng.choice(choices or ["a"])
