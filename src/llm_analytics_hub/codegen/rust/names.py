"""Rust spelling of names and text: identifiers, string literals and rustdoc lines.

Every schema-derived string that reaches Rust source goes through one of these functions, so a
description, wire name or enum value holding quotes, backslashes, newlines, code fences or
bidirectional-control characters stays inert (test: tests/test_rust_safety.py).
"""

from __future__ import annotations

import re
import unicodedata

from ..naming import capitalized, unique, words

KEYWORDS = frozenset({
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
})
# Names the generated modules use unqualified; a schema type of that name gets a suffix.
TAKEN_TYPE_NAMES = frozenset({"Option", "Some", "None", "String", "Vec", "Box", "Result", "Ok", "Err", "BTreeMap",
                              "Value", "Uuid", "Timestamp", "Json", "Walk", "Finding", "Error", "Fn", "rt"})
RENAME_RULES = ("lowercase", "snake_case", "SCREAMING_SNAKE_CASE", "kebab-case", "camelCase", "PascalCase")


def pascal(text: str, fallback: str) -> str:
    name = capitalized(words(text, split_case=True)) or fallback
    return "V" + name if name[0].isdigit() else name


def snake(text: str, fallback: str) -> str:
    name = "_".join(w.lower() for w in words(text, split_case=True)) or fallback
    name = "m_" + name if name[0].isdigit() else name
    return name + "_" if name in KEYWORDS else name


def type_name(title: str, taken: set[str]) -> str:
    name = pascal(title, "Unnamed")
    if name in TAKEN_TYPE_NAMES or name in KEYWORDS:
        name += "Type"
    return unique(name, taken)


def rename_all(rule: str, variant: str) -> str:
    """serde's `rename_all` applied to a PascalCase variant name."""
    snake_form = re.sub(r"(?<!^)([A-Z])", r"_\1", variant).lower()
    return {
        "lowercase": variant.lower(),
        "snake_case": snake_form,
        "SCREAMING_SNAKE_CASE": snake_form.upper(),
        "kebab-case": snake_form.replace("_", "-"),
        "camelCase": variant[:1].lower() + variant[1:],
        "PascalCase": variant,
    }[rule]


def rename_rule(pairs: list[tuple[str, str]]) -> str | None:
    """The `rename_all` rule that spells every (variant, wire) pair, if one does."""
    for rule in RENAME_RULES:
        if pairs and all(rename_all(rule, variant) == wire for variant, wire in pairs):
            return rule
    return None


def string(text: str) -> str:
    """A Rust string literal: printable ASCII as is, everything else as a \\u{...} escape."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    return '"' + "".join(out) + '"'


def _inert(char: str) -> str:
    """Control, format (bidi), separator and unassigned characters become visible escapes."""
    if char == "\t":
        return " "
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return f"\\u{{{ord(char):x}}}"
    return char


URL = re.compile(r"https?://[^\s<>`\\]*[^\s<>`\\.,;:!?)'\"]")


def _plain(text: str) -> str:
    """Markdown-inert prose: HTML, links, emphasis and headings escaped; URLs as autolinks."""
    out, last = [], 0
    for match in URL.finditer(text):
        out.append(re.sub(r"([\\\[\]<>*_#|~`])", r"\\\1", text[last:match.start()]))
        out.append(f"<{match.group(0)}>")
        last = match.end()
    out.append(re.sub(r"([\\\[\]<>*_#|~`])", r"\\\1", text[last:]))
    return "".join(out)


def _markdown_line(line: str) -> str:
    """One rustdoc line: never an indented or fenced code block (rustdoc would run it as a doc-test),
    no HTML or intra-doc link; inline code spans of balanced backticks stay code."""
    line = "".join(_inert(c) for c in line).strip()
    if line.count("`") % 2 or "``" in line:
        return _plain(line)
    parts = line.split("`")
    return "`".join(part if index % 2 else _plain(part) for index, part in enumerate(parts))


def doc_lines(text: str) -> list[str]:
    """The text of `///` lines for `text` (empty list for empty text)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = [_markdown_line(line) for line in lines]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out
