"""Writing objects to the wire, checked: the dumpers behind `to_dict` and `to_json`.

A dumper refuses what its class's own reader (`from_dict`) would refuse: a value of the wrong type,
a required member left None, an integer out of its range, NaN or an infinity, a member of another
enum, a value that is not JSON in an any-typed member, an extra member that repeats a declared one.
The checks are `__class__` tests inline on the way, and no pointer is kept: on a refusal the caller
asks `checks.problems` (the careful twin, as for loading) for the exact place and reason.

`checked=False` gives the same dumpers without the tests; only the benchmark uses them, to measure
what the checks cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from . import kinds as k
from .binding import binding_of
from .compiler import WIRE_MEMORY, Source
from .errors import ModelError
from .wire import WireDateTime, WireUUID, dump_datetime, dump_uuid, format_datetime


def not_a(what: str, value: Any) -> ModelError:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return ModelError("", f"expected {what}, got {type(value).__name__} {shown}")


def not_finite(value: Any) -> ModelError:
    return ModelError("", f"expected a finite number, got {value!r}")


def out_of_range(number: int, minimum: int | None, maximum: int | None) -> ModelError:
    return ModelError("", f"integer {number} out of range [{minimum}, {maximum}]")


def check_str(value: Any) -> Any:
    if isinstance(value, str):
        return value
    raise not_a("a str", value)


def check_bool(value: Any) -> Any:
    raise not_a("a bool", value)


def check_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise not_a("a number (int or float)", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise not_finite(value)
    return value


def check_int(value: Any, minimum: int | None, maximum: int | None) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise not_a("an int", value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise out_of_range(value, minimum, maximum)
    return value


def check_enum(cls: type[Enum], value: Any) -> Any:
    if isinstance(value, cls):
        return value.value
    raise not_a(f"a {cls.__name__} member", value)


def check_list(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value
    raise not_a("a list", value)


def check_dict(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    raise not_a("a dict", value)


def write_uuid(value: Any) -> str:
    if value.__class__ is WireUUID:
        wire: str = value.wire
        return wire
    if isinstance(value, UUID):
        return dump_uuid(value)
    raise not_a("a UUID", value)


def write_datetime(value: Any) -> str:
    if value.__class__ is WireDateTime and value.wire is not None:
        wire: str = value.wire
        return wire
    if isinstance(value, datetime):
        try:
            return dump_datetime(value)
        except (ValueError, OverflowError) as exc:  # e.g. year 1 with a positive offset: before 0001 in UTC
            raise ModelError("", f"{value!r} has no RFC 3339 form in UTC: {exc}") from None
    raise not_a("a datetime", value)


def dump_any(value: Any) -> Any:
    """Wire form of a value of an any-typed member: JSON values, and model objects, enums, UUIDs and
    date-times inside them; anything else (a set, bytes, NaN) is refused."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or value is None:
        return value
    if cls is float:
        if value - value == 0:
            return value
        raise not_finite(value)
    if cls is dict:
        return {key: dump_any(element) for key, element in value.items()}
    if cls is list:
        return [dump_any(element) for element in value]
    binding = getattr(cls, "_hub", None)
    if binding is not None:
        return binding.dump(value)
    if isinstance(value, Enum):
        return dump_any(value.value)
    if isinstance(value, datetime):
        return write_datetime(value)
    if isinstance(value, UUID):
        return write_uuid(value)
    if isinstance(value, str | int):  # subclasses (bool and IntEnum are handled above)
        return value
    if isinstance(value, float):
        return check_number(value)
    if isinstance(value, dict):
        return {key: dump_any(element) for key, element in value.items()}
    if isinstance(value, list | tuple):
        return [dump_any(element) for element in value]
    raise not_a("a JSON value", value)


def dump_any_unchecked(value: Any) -> Any:
    """`dump_any` without its checks (the benchmark's baseline)."""
    binding = getattr(value, "_hub", None)
    if binding is not None:
        return binding.unchecked_dump(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return dump_datetime(value)
    if isinstance(value, UUID):
        return dump_uuid(value)
    if isinstance(value, dict):
        return {key: dump_any_unchecked(element) for key, element in value.items()}
    if isinstance(value, list):
        return [dump_any_unchecked(element) for element in value]
    return value


def writer_source() -> Source:
    src = Source()
    src.namespace.update(
        not_a=not_a, check_str=check_str, check_bool=check_bool, check_number=check_number, check_int=check_int,
        check_enum=check_enum, check_list=check_list, check_dict=check_dict, write_uuid=write_uuid,
        write_datetime=write_datetime, dump_any=dump_any, dump_any_unchecked=dump_any_unchecked,
        format_datetime=format_datetime)
    return src


def dump_expr(src: Source, kind: k.Kind, var: str, checked: bool) -> str:
    """An expression giving the wire value of `var` (a value of `kind`, not None); checked, it raises a
    ModelError (without a place) for a value the kind's loader would refuse."""
    match kind:
        case k.Scalar("str"):
            return f"({var} if {var}.__class__ is str else check_str({var}))" if checked else var
        case k.Scalar("bool"):
            return f"({var} if {var} is True or {var} is False else check_bool({var}))" if checked else var
        case k.Scalar("number"):
            return (f"({var} if {var}.__class__ is int or ({var}.__class__ is float and {var} - {var} == 0) "
                    f"else check_number({var}))") if checked else var
        case k.Scalar("any"):
            return f"dump_any({var})" if checked else f"dump_any_unchecked({var})"
        case k.Scalar("uuid"):
            return f"write_uuid({var})" if checked else f"dump_uuid({var})"
        case k.Scalar("datetime"):
            return f"write_datetime({var})" if checked else f"dump_datetime({var})"
        case k.Scalar():
            raise ValueError(f"unknown scalar {kind}")
        case k.Integer(minimum, maximum):
            if not checked:
                return var
            tests = [f"{var}.__class__ is int"]
            tests += [f"{minimum!r} <= {var}"] if minimum is not None else []
            tests += [f"{var} <= {maximum!r}"] if maximum is not None else []
            return f"({var} if {' and '.join(tests)} else check_int({var}, {minimum!r}, {maximum!r}))"
        case k.EnumOf(cls):
            if not checked:
                return f"{var}._value_"
            enum = src.const(cls)
            return f"({var}._value_ if {var}.__class__ is {enum} else check_enum({enum}, {var}))"
        case k.ModelOf(cls):
            return f"{src.const(binding_of(cls))}.{'dump' if checked else 'unchecked_dump'}({var})"
        case k.UnionOf(alias):
            return f"{src.const(binding_of(alias))}.{'dump' if checked else 'unchecked_dump'}({var})"
        case k.Nullable(inner):
            return f"(None if {var} is None else {dump_expr(src, inner, var, checked)})"
        case k.ListOf(item):
            element = src.local()
            items = f"({var} if {var}.__class__ is list else check_list({var}))" if checked else var
            return f"[{dump_expr(src, item, element, checked)} for {element} in {items}]"
        case k.MapOf(value):
            key, element = src.local(), src.local()
            entries = f"({var} if {var}.__class__ is dict else check_dict({var}))" if checked else var
            return f"{{{key}: {dump_expr(src, value, element, checked)} for {key}, {element} in {entries}.items()}}"
        case _:
            raise ValueError(f"unknown kind {kind!r}")


def object_dumper(cls: type, shape: k.ObjectShape, checked: bool = True) -> Callable[[Any], dict[str, Any]]:
    src = writer_source()
    owner = src.const(cls)
    src.add(0, "def dump(made):")
    if checked:
        src.add(1, f"if made.__class__ is not {owner} and not isinstance(made, {owner}):")
        src.add(2, f"raise not_a({('a ' + cls.__name__)!r}, made)")
    src.add(1, "fields = made.__dict__")
    src.add(1, f"memory = fields.get({WIRE_MEMORY!r})")
    src.add(1, "out = {}")
    for member in shape.members:
        wire = src.const(member.wire)
        src.add(1, f"value = fields[{member.attr!r}]")
        src.add(1, "if value is None:")
        if member.required:
            if checked and not member.nullable and member.kind != k.ANY:
                src.add(2, f"raise ModelError('', 'a required member is None: ' + {wire})")
            else:
                src.add(2, f"out[{wire}] = None")
        elif member.when_none == "null":  # written as null unless it was read from a document that left it out
            src.add(2, f"if memory is None or {wire} not in memory[1]:")
            src.add(3, f"out[{wire}] = None")
        else:
            src.add(2, f"if memory is not None and {wire} in memory[0]:")
            src.add(3, f"out[{wire}] = None")
        src.add(1, "else:")
        converted = dump_expr(src, member.kind, "value", checked)
        if member.default is not None:
            src.add(2, f"value = {converted}")
            src.add(2, f"if memory is None or {wire} not in memory[1] or value != {src.const(member.default)}:")
            src.add(3, f"out[{wire}] = value")
        else:
            src.add(2, f"out[{wire}] = {converted}")
    if shape.extra is not None:
        extra_attr, extra_kind = shape.extra
        known = src.const(frozenset(m.wire for m in shape.members))
        src.add(1, f"for key, value in fields[{extra_attr!r}].items():")
        if checked:  # the declared member would be written over, and read back as the extra's value
            src.add(2, f"if key in {known}:")
            src.add(3, "raise ModelError('', 'an extra member repeats a declared member: ' + repr(key))")
        src.add(2, f"out[key] = {dump_expr(src, extra_kind, 'value', checked)}")
    src.add(1, "return out")
    return src.function("dump")


def kind_dumper(kind: k.Kind, checked: bool = True) -> Callable[[Any], Any]:
    """A stand-alone dumper of one kind (for union variants)."""
    src = writer_source()
    src.add(0, "def convert(value):")
    src.add(1, f"return {dump_expr(src, kind, 'value', checked)}")
    return src.function("convert")

