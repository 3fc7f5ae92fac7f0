"""The one post-pass over datamodel-code-generator's output: internally tagged unions over the
standalone classes.

datamodel-code-generator reads a discriminated `oneOf` whose variants carry their tag as a `const`
member, and writes a class per variant (`TelemetryPayloadLatency`: the members of `LatencyMetrics`
plus `telemetry_type: Literal["latency"]`). None of its options makes the variant's value the
catalogue class itself: `--reuse-model` and `--collapse-root-models` match equal models only, and
the catalogue class is closed without the tag (so it cannot be given the tag as a field either). So,
for each internally tagged union whose profile variants name the catalogue object they repeat
(`x-variant-of`), this pass deletes those variant classes and writes the union as

    TelemetryPayload = TypeAliasType("TelemetryPayload", Annotated[
        LatencyMetrics | ThroughputMetrics | ...,
        InternalTag("TelemetryPayload", "telemetry_type", {"latency": LatencyMetrics, ...})])

(runtime/pydantic_tags.py builds the discriminated union over tagged subclasses and hands each
object over as its catalogue class; verdicts stay those of the discriminated union). A variant
without a catalogue class (a map) keeps its generated class. The aliases move to the end of the
module, after every class they name; then the text is formatted again by datamodel-code-generator's
own formatter settings.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .profile import VARIANT_OF

HELPERS = "llm_analytics_hub.runtime.pydantic_tags"


@dataclass(frozen=True)
class Variant:
    tag: str
    generated: str  # the class datamodel-code-generator wrote for it
    standalone: str | None  # the catalogue class it repeats, in the same module


@dataclass(frozen=True)
class InternalUnion:
    area: str
    name: str
    tag: str
    variants: tuple[Variant, ...]


def internal_unions(profile_text: str) -> list[InternalUnion]:
    """The internally tagged unions of one version's `_all.json` whose variants repeat catalogue objects."""
    definitions = json.loads(profile_text)["$defs"]
    found = []
    for key, definition in sorted(definitions.items()):
        discriminator = definition.get("discriminator")
        if discriminator is None:
            continue
        area = key.split(".", 1)[0]
        variants = []
        for tag, pointer in discriminator["mapping"].items():
            variant_key = pointer.removeprefix("#/$defs/").replace("~1", "/").replace("~0", "~")
            variant = definitions[variant_key]
            leaf_key = variant.get(VARIANT_OF)
            standalone = definitions[leaf_key]["title"] if leaf_key and leaf_key.split(".", 1)[0] == area else None
            variants.append(Variant(tag, variant["title"], standalone))
        if any(v.standalone for v in variants):
            found.append(InternalUnion(area, definition["title"], discriminator["propertyName"], tuple(variants)))
    return found


def alias_text(union: InternalUnion, docstring: str | None) -> str:
    classes = [v.standalone or v.generated for v in union.variants]
    variants = ", ".join(f"{v.tag!r}: {cls}" for v, cls in zip(union.variants, classes, strict=True))
    text = (f"{union.name} = TypeAliasType({union.name!r}, Annotated[{' | '.join(classes)}, "
            f"InternalTag({union.name!r}, {union.tag!r}, {{{variants}}})])\n")
    return text + (f'"""\n{docstring}\n"""\n' if docstring is not None else "")


def rewrite_module(text: str, unions: list[InternalUnion], format_code: Callable[[str], str]) -> str:
    """`text` (one area module) with `unions` written over their standalone classes."""
    if not unions:
        return text
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()  # 0-based line numbers
    removed = {v.generated for u in unions for v in u.variants if v.standalone is not None}
    names = {u.name: u for u in unions}
    docstrings: dict[str, str | None] = {}
    body = tree.body
    rebuild_at = len(lines)
    for index, node in enumerate(body):
        span = None
        if isinstance(node, ast.ClassDef) and node.name in removed:
            span = (node.lineno - 1 - len(node.decorator_list), node.end_lineno or node.lineno)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
              and node.targets[0].id in names):
            name = node.targets[0].id
            end = node.end_lineno or node.lineno
            following = body[index + 1] if index + 1 < len(body) else None
            docstrings[name] = None
            if (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)):
                docstrings[name] = following.value.value.strip("\n")
                end = following.end_lineno or end
            span = (node.lineno - 1, end)
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "model_rebuild"):
            rebuild_at = min(rebuild_at, node.lineno - 1)
        if span is not None:
            drop.update(range(*span))
    missing = set(names) - set(docstrings)
    if missing:
        raise ValueError(f"datamodel-code-generator wrote no alias for {sorted(missing)}")
    kept = [line for number, line in enumerate(lines[:rebuild_at]) if number not in drop]
    aliases = "\n\n".join(alias_text(u, docstrings[u.name]) for u in unions)
    tail = [line for number, line in enumerate(lines[rebuild_at:], start=rebuild_at) if number not in drop]
    head, rest = _split_future(kept)
    imports = f"\nfrom {HELPERS} import InternalTag\n"
    return format_code("".join(head) + imports + "".join(rest) + "\n\n" + aliases + "\n\n" + "".join(tail))


def _split_future(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines up to and including `from __future__ import annotations`, and the others."""
    for number, line in enumerate(lines):
        if line.startswith("from __future__ import"):
            return lines[:number + 1], lines[number + 1:]
    return [], lines


def formatter(scratch: Path) -> Callable[[str], str]:
    """datamodel-code-generator's own formatting (isort, then black), as its command line sets it up for
    the options in pydantic_models.OPTIONS (Python 3.11, double quotes, no project settings)."""
    from datamodel_code_generator.format import CodeFormatter, Formatter, PythonVersion

    code_formatter = CodeFormatter(PythonVersion.PY_311, settings_path=scratch, skip_string_normalization=False,
                                   formatters=[Formatter.ISORT, Formatter.BLACK])
    format_code: Callable[[str], str] = code_formatter.format_code
    return format_code
