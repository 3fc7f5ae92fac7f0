"""Suggestions for near misses: an unexpected member close to a declared one, a value close to an enum value.

The rule is deliberately plain, so that every language's package can give the same hint (see
docs/errors.md). A wrong name w and a candidate c are compared by their words: split at `_`, `-`,
`.`, ASCII whitespace and at each lower-to-upper camelCase step, ASCII letters lowercased; their
key is the words joined. c is close to w at

1. level 1 when the keys are equal (`perPage` / `per_page`, `SUCCESS` / `success`, `llm-costops` /
   `llm-cost-ops`, `"data "` / `data`);
2. level 2 when the keys are one edit apart (insert, delete, substitute, or swap two neighbours),
   or two edits when both keys have 8 or more characters, and the longer key has 3 or more
   (`succes` / `success`, `stdev` / `stddev`, `mi` / `min`);
3. level 3 when c adds whole words before or after w's words (`total_latency` / `total_latency_ms`,
   `type` / `field_type`, `observatory` / `llm-observatory`); for an enum or tag value also when w
   adds words after c's (`latency_ms` / `latency`, `throughput_event` / `throughput`). Never when w
   adds words before c's (`previous_value` is not a misspelt `value`), and a member name with extra
   words is another member (`payload_type` is not a misspelt `payload`).

The hint names the candidate of the lowest level found when it is the only one at that level;
otherwise (no candidate, or a tie) there is none. Hints are computed for invalid documents only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_SEPARATORS = re.compile(r"[_\-.\t\n\v\f\r ]+")
_CAMEL_STEP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
LONG_KEY = 8  # keys this long may be two edits apart


def words(name: str) -> tuple[str, ...]:
    """The lowercased words of a member name or enum value."""
    found: list[str] = []
    for part in _SEPARATORS.split(name):
        found += [w.translate(_ASCII_UPPER) for w in _CAMEL_STEP.split(part) if w]
    return tuple(found)


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of two neighbours), by code point."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _extends(longer: tuple[str, ...], shorter: tuple[str, ...], *, before: bool) -> bool:
    """`longer` is `shorter` with words added after it (or, with `before`, in front of it)."""
    n = len(shorter)
    if not n or len(longer) <= n:
        return False
    return longer[:n] == shorter or (before and longer[-n:] == shorter)


def closeness(wrong: str, candidate: str, *, value: bool) -> int | None:
    """1, 2 or 3 when `candidate` is a near miss of `wrong` (1 the closest), else None; `value`: an
    enum or tag value rather than a member name."""
    w, c = words(wrong), words(candidate)
    wk, ck = "".join(w), "".join(c)
    if not wk or not ck:
        return None
    if wk == ck:
        return 1
    allowed = 2 if min(len(wk), len(ck)) >= LONG_KEY else 1
    if max(len(wk), len(ck)) >= 3 and abs(len(wk) - len(ck)) <= allowed and edit_distance(wk, ck) <= allowed:
        return 2
    if _extends(c, w, before=True) or (value and _extends(w, c, before=False)):
        return 3
    return None


def suggestion(wrong: str, candidates: Iterable[str], *, value: bool) -> str | None:
    """The one closest candidate for `wrong`, or None when none is close or two are equally close."""
    return _suggestion(wrong, tuple(candidates), value)


# A stream repeats its producers' mistakes: the same wrong name against the same candidates.
@lru_cache(maxsize=4096)
def _suggestion(wrong: str, candidates: tuple[str, ...], value: bool) -> str | None:
    best: int | None = None
    found: set[str] = set()
    for candidate in candidates:
        if candidate == wrong:
            continue
        level = closeness(wrong, candidate, value=value)
        if level is None or (best is not None and level > best):
            continue
        if best is None or level < best:
            best, found = level, set()
        found.add(candidate)
    return next(iter(found)) if len(found) == 1 else None


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def value_hint(value: object, allowed: Sequence[object]) -> str | None:
    """`did you mean "x"?` for a string close to exactly one allowed string."""
    if not isinstance(value, str):
        return None
    found = suggestion(value, [a for a in allowed if isinstance(a, str)], value=True)
    return None if found is None else f"did you mean {_quoted(found)}?"


def member_hint(unexpected: Iterable[str], declared: Iterable[str]) -> str | None:
    """The hint for the unexpected members of one object: `did you mean "x"?` when it has one,
    `did you mean "x" for "a", "y" for "b"?` when several (by code point order of the members)."""
    names = sorted(set(unexpected))
    known = sorted(set(declared))
    pairs = [(name, found) for name in names if (found := suggestion(name, known, value=False)) is not None]
    if not pairs:
        return None
    if len(names) == 1:
        return f"did you mean {_quoted(pairs[0][1])}?"
    return "did you mean " + ", ".join(f"{_quoted(found)} for {_quoted(name)}" for name, found in pairs) + "?"
