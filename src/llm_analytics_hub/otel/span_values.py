"""What the span mapper reads and writes besides its plan: the value types of attributes, the outcomes of a
span (Rejected, Skipped), the timestamp and tag texts, the derivations that need only the span's ids and the
facts, and the members of a document built from facts (`spans.SpanMapper` runs them)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import ids
from .mapping import Constant, Mapping, Rule
from .otlp import Span

DEFAULT_SOURCE_MODULE = "llm-analytics-hub"
DEFAULT_ENVIRONMENT = "unknown"
ABSENT: Any = object()

TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "double": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "string[]": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}
# the classes of the values an attribute of each type may hold (bool is no int here: its class is bool)
CLASSES: dict[str, frozenset[type]] = {"string": frozenset({str}), "int": frozenset({int}),
                                       "double": frozenset({int, float}), "boolean": frozenset({bool})}
OTLP_TYPE_NAMES = {str: "string", int: "int", float: "double", bool: "boolean", list: "array", dict: "kvlist",
                   bytes: "bytes"}


# the facts a derivation reads (they are evaluated before it)
DEPENDS = {"input_plus_output": ("input_tokens", "output_tokens"), "zero_for_embeddings": ("operation",),
           "one_per_error_type": ("error_type",), "error_if_error_type": ("error_type",)}


class Rejected(Exception):
    """A span that cannot be mapped: the reason and where in the span it lies."""

    def __init__(self, reason: str, attribute: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attribute = attribute


@dataclass(frozen=True)
class Skipped:
    reason: str


def _wrong_type(name: str, value: Any, wanted: str | None) -> str:
    return f"{name}: {_article(otlp_type(value))} value {value!r} where {_article(wanted or '?')} belongs"


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def otlp_type(value: Any) -> str:
    return OTLP_TYPE_NAMES.get(type(value), type(value).__name__)


_SECONDS: dict[int, str] = {}


def rfc3339(ns: int) -> str:
    """A Unix time in nanoseconds as the producers write it: UTC, Z, 3/6/9 fraction digits when non-zero."""
    seconds, fraction = divmod(ns, 1_000_000_000)
    text = _SECONDS.get(seconds)
    if text is None:
        if len(_SECONDS) > 4096:
            _SECONDS.clear()
        text = _SECONDS[seconds] = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction == 0:
        return text + "Z"
    if fraction % 1_000_000 == 0:
        return f"{text}.{fraction // 1_000_000:03d}Z"
    if fraction % 1_000 == 0:
        return f"{text}.{fraction // 1_000:06d}Z"
    return f"{text}.{fraction:09d}Z"


def tag_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _trace_id(span: Span, values: dict[str, Any]) -> Any:
    return span.trace_id


def _span_id(span: Span, values: dict[str, Any]) -> Any:
    return span.span_id


def _trace_uuid(span: Span, values: dict[str, Any]) -> Any:
    return ids.correlation_id(span.trace_id)


def _parent_uuid(span: Span, values: dict[str, Any]) -> Any:
    return ids.parent_event_id(span.trace_id, span.parent_span_id) if span.parent_span_id else ABSENT


def _input_plus_output(span: Span, values: dict[str, Any]) -> Any:
    if "input_tokens" in values:
        return values["input_tokens"] + values["output_tokens"] if "output_tokens" in values else values["input_tokens"]
    return values.get("output_tokens", ABSENT)


def _severity(span: Span, values: dict[str, Any]) -> Any:
    return "error" if "error_type" in values else "info"


def _no_value(span: Span, values: dict[str, Any]) -> Any:
    return ABSENT


# the derivations that read only the span's ids and the facts, without the mapper (the others go through
# SpanMapper._derive)
RULES: dict[str, Callable[[Span, dict[str, Any]], Any]] = {
    "trace_id": _trace_id, "span_id": _span_id, "trace_uuid": _trace_uuid, "parent_span_event_uuid": _parent_uuid,
    "input_plus_output": _input_plus_output, "error_if_error_type": _severity, "event_uuid": _no_value}


def member_plan(entries: tuple[tuple[tuple[str, ...], Rule], ...], names: tuple[str, ...]) -> Any:
    """The top-level members in order, each (name, fact, None) or (name, None, constant), for documents built
    from these facts; None when a nested member (a dotted path) has a value (`_members` builds those)."""
    present = set(names)
    if any(len(path) > 1 and (rule.__class__ is Constant or rule in present) for path, rule in entries):
        return None
    return tuple((path[0], None, rule.value) if rule.__class__ is Constant else (path[0], rule, None)
                 for path, rule in entries if rule.__class__ is Constant or rule in present)


def builder(members: Sequence[tuple[str, str | None, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function that builds the dict of these members, in order, from the facts: one dict display, compiled
    once per plan (a loop per member costs as much again). Each member is (name, fact, None) or (name, None,
    constant); names and facts enter the code as string literals (repr), constants as a tuple beside it."""
    constants = tuple(constant for _, fact, constant in members if fact is None)
    items, index = [], 0
    for name, fact, _ in members:
        if fact is None:
            items.append(f"{name!r}: c[{index}]")
            index += 1
        else:
            items.append(f"{name!r}: v[{fact!r}]")
    built: Callable[[dict[str, Any]], dict[str, Any]] = eval(  # literals only, see above
        f"lambda v: {{{', '.join(items)}}}", {"c": constants})
    return built


def reader(simple: Sequence[tuple[str, tuple[tuple[str, bool, frozenset[type], str], ...], bool]]) -> Callable[
        [dict[str, Any], dict[str, Any], dict[str, Any]], None]:
    """A function that reads the plain facts of a shape: `read(attributes, resource, values)`, for each fact the
    first of its sources that is there (not None), of a class its type allows, else Rejected. Straight-line code
    compiled once per shape; attribute and fact names enter it as string literals (repr)."""
    lines = ["def read(a, r, v):"]
    namespace: dict[str, Any] = {"bad": _bad}
    for name, plain, to_float in simple:
        depth = 1
        for attribute, on_resource, classes, wanted in plain:
            pad = "    " * depth
            allowed = f"K{len(namespace)}"
            namespace[allowed] = classes
            lines += [f"{pad}x = {'r' if on_resource else 'a'}.get({attribute!r})",
                      f"{pad}if x.__class__ in {allowed}:",
                      f"{pad}    v[{name!r}] = {'float(x)' if to_float else 'x'}",
                      f"{pad}elif x is not None:",
                      f"{pad}    bad({attribute!r}, x, {wanted!r})",
                      f"{pad}else:"]
            depth += 1
        lines.append("    " * depth + "pass")
    lines.append("    return None")  # a shape without plain facts (a span with none of their attributes)
    exec("\n".join(lines), namespace)  # literals only, see above
    read: Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None] = namespace["read"]
    return read


def rules_reader(general: Sequence[tuple[Any, ...]]) -> Callable[[Span, dict[str, Any], dict[str, Any], dict[str, Any]],
                                                                  None]:
    """A function that evaluates the other facts of a shape, in order: `run(span, attributes, resource, values)`.
    Each entry is (name, sources present, to_float, is_uuid, derive, default): the first source that gives a
    value (`read_sources`), else the derivation, else the default; an empty uuid from a source (export's "no
    such id") leaves the fact out. Straight-line code compiled once per shape, fact names as literals."""
    lines = ["def run(s, a, r, v):"]
    namespace: dict[str, Any] = {"ABSENT": ABSENT, "read": read_sources}
    for number, (name, sources, to_float, is_uuid, derive, default) in enumerate(general):
        namespace[f"S{number}"], namespace[f"D{number}"], namespace[f"E{number}"] = sources, derive, default
        pad = "    "
        if sources:
            lines.append(f"{pad}x = read(S{number}, {to_float!r}, a, r)")
            if is_uuid:
                lines.append(f"{pad}if x != '':")
                pad += "    "
            if derive is not None:
                lines.append(f"{pad}if x is ABSENT:\n{pad}    x = D{number}(s, v)")
        else:
            lines.append(f"{pad}x = {f'D{number}(s, v)' if derive is not None else 'ABSENT'}")
        if default is not None:
            lines.append(f"{pad}if x is ABSENT:\n{pad}    x = E{number}(s, v)")
        lines.append(f"{pad}if x is not ABSENT:\n{pad}    v[{name!r}] = x")
    lines.append("    return None")
    exec("\n".join(lines), namespace)  # literals only, see above
    run: Callable[[Span, dict[str, Any], dict[str, Any], dict[str, Any]], None] = namespace["run"]
    return run


def read_sources(sources: tuple[tuple[Any, ...], ...], to_float: bool, attributes: dict[str, Any],
                 resource: dict[str, Any]) -> Any:
    """The value of the first source that gives one (ABSENT when none does); raises Rejected on a wrong type."""
    for attribute, on_resource, check, wanted, spellings, keep_others, wrap, scale, digits in sources:
        found: Any = (resource if on_resource else attributes).get(attribute)
        if found is None:
            continue
        if check is not None and not check(found):
            raise Rejected(_wrong_type(attribute, found, wanted), attribute)
        if spellings is not None and found.__class__ is str:
            if found in spellings:
                found = spellings[found]
            elif not keep_others:
                continue
        if wrap and found.__class__ is str:
            found = [found]
        if scale is not None:
            found = found * scale
            if digits is not None:
                found = round(found, digits)
        return float(found) if to_float else found
    return ABSENT


def _bad(attribute: str, value: Any, wanted: str) -> None:
    raise Rejected(_wrong_type(attribute, value, wanted), attribute)


def planned_tags(mapping: Mapping, key: tuple[tuple[str, ...], tuple[str, ...]]) -> Callable[[Span, dict[str, Any]],
                                                                                               Any]:
    """The `tags` derivation for spans of one shape (attribute names, resource names): the tag names present,
    found once. Resource tags, then the span's tag attributes, then every `llm_hub.tag.<key>` as `<key>`."""
    prefix = mapping.tag_prefix
    on_resource = tuple(name for name in mapping.tag_resource if name in key[1])
    on_span = tuple(name for name in mapping.tag_span if name in key[0])
    prefixed = tuple((name, name[len(prefix):]) for name in key[0] if name.startswith(prefix))

    def tags(span: Span, values: dict[str, Any]) -> dict[str, str]:
        resource, attributes = span.resource, span.attributes
        found = {name: tag_text(resource[name]) for name in on_resource}
        for name in on_span:
            found[name] = tag_text(attributes[name])
        for name, short in prefixed:
            found[short] = tag_text(attributes[name])
        return found

    return tags


def _members(entries: tuple[tuple[tuple[str, ...], Rule], ...], values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, rule in entries:
        if rule.__class__ is Constant:
            value = rule.value
        elif rule in values:
            value = values[rule]
        else:
            continue
        if len(path) == 1:
            out[path[0]] = value
            continue
        target = out
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return out


_TAG_OF = {"telemetry": "telemetry_type", "security": "security_type", "cost": "cost_type",
           "governance": "governance_type"}
# The producers' wire order: these envelope members come before schema_version, the others after it.
_HEAD = ("timestamp", "source_module", "event_type", "correlation_id", "parent_event_id")
