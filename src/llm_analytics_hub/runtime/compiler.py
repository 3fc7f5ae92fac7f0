"""Turn a shape description into loader functions, once per type, on first use (the dumpers are
written the same way, in `writing`).

The functions are written as Python source and compiled (as `dataclasses` does for `__init__`):
straight-line code per member, no per-member dispatch at run time, `__class__` checks before the
slower `isinstance`, and no JSON pointer built unless an error is raised (each enclosing loader
prepends its member or index to the error on the way out). Loaded objects remember, outside their
fields, which optional members were an explicit `null` and which absent members were filled with
a default (or None, for a member the producers write as null), so that `to_dict` writes back exactly
what was read. Objects built in code are written in the producers' form: a None is left out, or
written as null for a member whose `when_none` says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import Enum
from typing import Any

from . import kinds as k
from .binding import binding_of
from .errors import ModelError
from .wire import dump_datetime, dump_uuid, expected, load_datetime, load_uuid

WIRE_MEMORY = "__wire__"  # instance attribute (not a field): (explicit nulls, absent members filled in)
MISSING = object()


def as_int(value: Any) -> int:
    if value.__class__ is float and value.is_integer():
        return int(value)  # JSON Schema counts 5.0 as an integer
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise expected("an integer", value)


def as_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):  # JSON has none; orjson would write null
        raise ModelError("", f"expected a finite number, got {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise expected("a number", value)


def as_str(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    raise expected("a string", value)


def as_object(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise expected("an object", value)


def out_of_range(number: int, minimum: int | None, maximum: int | None) -> ModelError:
    return ModelError("", f"integer {number} out of range [{minimum}, {maximum}]")


def bad_enum(cls: type[Enum], value: Any) -> ModelError:
    allowed = ", ".join(repr(member.value) for member in cls)
    return ModelError("", f"unknown {cls.__name__} value {value!r}; expected one of {allowed}")


def missing_member(name: str) -> ModelError:
    return ModelError("", f"missing required member {name!r}")


def unknown_member(data: dict[str, Any], known: frozenset[str], owner: str) -> ModelError:
    for key in data:
        if key not in known:
            return ModelError("", f"undeclared member {key!r} in {owner}").within(key)
    raise AssertionError("no unknown member")


class Source:
    """Python source of one function being written, with its constants kept in a namespace."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "ModelError": ModelError, "MISSING": MISSING, "expected": expected, "as_int": as_int,
            "as_number": as_number, "as_str": as_str, "as_object": as_object, "out_of_range": out_of_range,
            "bad_enum": bad_enum, "missing_member": missing_member, "unknown_member": unknown_member,
            "load_uuid": load_uuid, "load_datetime": load_datetime, "dump_uuid": dump_uuid,
            "dump_datetime": dump_datetime, "new": object.__new__,
            "setattr": object.__setattr__,
        }
        self.counter = 0

    def const(self, value: Any) -> str:
        self.counter += 1
        name = f"c{self.counter}"
        self.namespace[name] = value
        return name

    def local(self) -> str:
        self.counter += 1
        return f"t{self.counter}"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def function(self, name: str) -> Callable[..., Any]:
        exec("\n".join(self.lines), self.namespace)  # the source is written above from shapes only
        function: Callable[..., Any] = self.namespace[name]
        return function


# --- loading ------------------------------------------------------------------------------------

def load_into(src: Source, kind: k.Kind, var: str, target: str, indent: int) -> None:
    """Lines that check `var` and assign its Python value to `target` (errors relative to `var`)."""
    match kind:
        case k.Scalar("str"):
            src.add(indent, f"{target} = {var} if {var}.__class__ is str else as_str({var})")
        case k.Scalar("bool"):
            src.add(indent, f"if {var} is not True and {var} is not False:")
            src.add(indent + 1, f"raise expected('a boolean', {var})")
            src.add(indent, f"{target} = {var}")
        case k.Scalar("number"):
            src.add(indent, f"{target} = {var} if {var}.__class__ is int or "
                            f"({var}.__class__ is float and {var} - {var} == 0) else as_number({var})")
        case k.Scalar("any"):
            src.add(indent, f"{target} = {var}")
        case k.Scalar("uuid"):
            src.add(indent, f"{target} = load_uuid({var})")
        case k.Scalar("datetime"):
            src.add(indent, f"{target} = load_datetime({var})")
        case k.Scalar():
            raise ValueError(f"unknown scalar {kind}")
        case k.Integer(minimum, maximum):
            src.add(indent, f"{target} = {var} if {var}.__class__ is int else as_int({var})")
            tests = ([f"{target} < {minimum!r}"] if minimum is not None else []) + \
                    ([f"{target} > {maximum!r}"] if maximum is not None else [])
            if tests:
                src.add(indent, f"if {' or '.join(tests)}:")
                src.add(indent + 1, f"raise out_of_range({target}, {minimum!r}, {maximum!r})")
        case k.EnumOf(cls):
            members = src.const(dict(cls._value2member_map_))
            enum = src.const(cls)
            src.add(indent, f"{target} = {members}.get({var}) if {var}.__class__ is str else None")
            src.add(indent, f"if {target} is None:")
            src.add(indent + 1, f"raise bad_enum({enum}, {var})")
        case k.ModelOf(cls):
            src.add(indent, f"{target} = {src.const(binding_of(cls))}.load({var})")
        case k.UnionOf(alias):
            src.add(indent, f"{target} = {src.const(binding_of(alias))}.load({var})")
        case k.Nullable(inner):
            src.add(indent, f"if {var} is None:")
            src.add(indent + 1, f"{target} = None")
            src.add(indent, "else:")
            load_into(src, inner, var, target, indent + 1)
        case k.ListOf(item):
            item_var, item_value, index, out = src.local(), src.local(), src.local(), src.local()
            src.add(indent, f"if {var}.__class__ is not list and not isinstance({var}, list):")
            src.add(indent + 1, f"raise expected('an array', {var})")
            src.add(indent, f"{out} = []")
            src.add(indent, f"{index} = 0")
            src.add(indent, "try:")
            src.add(indent + 1, f"for {item_var} in {var}:")
            load_into(src, item, item_var, item_value, indent + 2)
            src.add(indent + 2, f"{out}.append({item_value})")
            src.add(indent + 2, f"{index} += 1")
            src.add(indent, "except ModelError as error:")
            src.add(indent + 1, f"raise error.within({index}) from None")
            src.add(indent, f"{target} = {out}")
        case k.MapOf(value):
            key, element, converted, out = src.local(), src.local(), src.local(), src.local()
            src.add(indent, f"if {var}.__class__ is not dict:")
            src.add(indent + 1, f"as_object({var})")
            src.add(indent, f"{out} = {{}}")
            src.add(indent, f"{key} = None")
            src.add(indent, "try:")
            src.add(indent + 1, f"for {key}, {element} in {var}.items():")
            load_into(src, value, element, converted, indent + 2)
            src.add(indent + 2, f"{out}[{key}] = {converted}")
            src.add(indent, "except ModelError as error:")
            src.add(indent + 1, f"raise error.within({key}) from None")
            src.add(indent, f"{target} = {out}")
        case _:
            raise ValueError(f"unknown kind {kind!r}")


def kind_function(kind: k.Kind, direction: str) -> Callable[[Any], Any]:
    """A stand-alone loader of one kind (for union variants); dumpers are writing.kind_dumper's."""
    if direction != "load":
        raise ValueError(f"kind_function loads; a {direction} function is runtime.writing.kind_dumper")
    src = Source()
    src.add(0, "def convert(value):")
    load_into(src, kind, "value", "result", 1)
    src.add(1, "return result")
    return src.function("convert")
