"""Name pieces every target shares: the words of a schema name, joining them, and the first free name.

Each language keeps its own rules where its target is (keywords and reserved names, case rules,
Go's initialisms, Java's `_` suffix for a reserved word); what they have in common is here, once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable


def ascii_fold(text: str) -> str:
    """`text` with accents folded away ("Ünïcode" -> "Unicode") and other non-ASCII characters dropped."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words(text: str, *, fold: bool = False, split_case: bool = False) -> list[str]:
    """The ASCII alphanumeric words of `text`, split at every other character.

    `fold` folds accents away first (`ascii_fold`: "Ünïcode" is one word, not "n" and "code");
    `split_case` also splits where a lower-case letter or digit meets an upper-case one
    ("totalLatency" -> "total", "Latency").
    """
    if fold:
        text = ascii_fold(text)
    if split_case:
        text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [word for word in re.split(r"[^0-9A-Za-z]+", text) if word]


def capitalized(parts: Iterable[str]) -> str:
    """The words joined, each with its first letter upper-cased and the rest as written ("" for none)."""
    return "".join(word[:1].upper() + word[1:] for word in parts)


def free_name(name: str, taken: Container[str], separator: str = "") -> str:
    """`name`, or `name` + `separator` + the first free number from 2 (`Type`, `Type2`, ...)."""
    candidate, counter = name, 2
    while candidate in taken:
        candidate = f"{name}{separator}{counter}"
        counter += 1
    return candidate


def unique(name: str, taken: set[str], separator: str = "") -> str:
    """`free_name`, recorded in `taken`."""
    found = free_name(name, taken, separator)
    taken.add(found)
    return found

