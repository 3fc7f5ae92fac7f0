"""Python source pieces made from schema text: literals and docstrings that nothing can break out of."""

from __future__ import annotations

import textwrap
from typing import Any


def literal(value: Any) -> str:
    """A Python literal that evaluates to `value` (JSON data only)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("non-finite number in schema data")
    return repr(value)


def _escape(line: str) -> str:
    out = []
    for char in line.replace("\\", "\\\\"):
        if char.isprintable() or char == " ":
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out).replace('"""', '""\\"')


def docstring(text: str, indent: int, width: int = 100) -> str:
    """A triple-quoted docstring of `text`, wrapped to `width` at the given indent.

    Backslashes, quote runs and characters that are not printable are escaped, so a description
    can neither end the string early nor smuggle a line break into the code around it.
    """
    room = max(width - indent - 6, 40)
    lines: list[str] = []
    for paragraph in (text.strip() or "(no description)").splitlines():
        wrapped = textwrap.wrap(paragraph, room, break_long_words=False, break_on_hyphens=False)
        lines += [_escape(line) for line in wrapped] or [""]
    if lines[-1].endswith('"'):
        lines[-1] = lines[-1][:-1] + '\\"'
    pad = " " * indent
    if len(lines) == 1 and len(lines[0]) + indent + 6 <= width:
        return f'"""{lines[0]}"""'
    body = "\n".join((pad + line).rstrip() for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{pad}"""' if body else f'"""{lines[0]}\n{pad}"""'
