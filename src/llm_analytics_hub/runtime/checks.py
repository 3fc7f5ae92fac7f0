"""What stops an object from being written, member by member: `Model.validate()`, and the place and
reason behind a refusal of `to_dict` / `to_json` (the dumpers in `writing` only say "no").

`problems(value, kind, text=...)` walks a value as its kind describes it and returns one ModelError
per problem, each with the JSON pointer of its place. `text=False` finds what `from_dict` would
refuse in the written dict (what the dumpers check); `text=True` also what `from_json` would refuse
in the written text (docs/errors.md, "One verdict per text"): a string with a lone surrogate (no
UTF-8 form), a member name that is not a string, an integer beyond the double range, nesting deeper
than 1024 levels.
"""

from __future__ import annotations

import math
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from ..json_text import MAX_DEPTH, deep_recursion
from ..pointer import escape
from . import kinds as k
from .binding import binding_of
from .errors import ModelError
from .writing import write_datetime


def beyond_double_range(number: int) -> bool:
    try:
        float(number)
    except OverflowError:
        return True
    return False


def type_name(value: Any) -> str:
    shown = repr(value)
    return f"{type(value).__name__} {shown if len(shown) <= 40 else shown[:37] + '...'}"


class Walk:
    """One walk over a value, collecting problems with their places."""

    def __init__(self, text: bool) -> None:
        self.text = text
        self.found: list[ModelError] = []
        self.too_deep = False

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        self.found.append(ModelError("".join("/" + escape(token) for token in path), message))

    def level(self, path: tuple[str | int, ...], level: int) -> None:
        """A container at nesting `level` (the document itself is level 1)."""
        if self.text and level > MAX_DEPTH and not self.too_deep:
            self.too_deep = True
            self.add(path, f"nested deeper than {MAX_DEPTH} levels")

    def string(self, value: str, path: tuple[str | int, ...]) -> None:
        if self.text and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                self.add(path, "a string holding a lone surrogate has no UTF-8 form")

    def number(self, value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            self.add(path, f"expected a finite number, got {value!r}")
        elif self.text and isinstance(value, int) and beyond_double_range(value):
            self.add(path, "an integer beyond the double range")

    # --- kinds ---------------------------------------------------------------------------------

    def kind(self, kind: k.Kind, value: Any, path: tuple[str | int, ...], level: int) -> None:
        """`value` of `kind`, the member of a container at nesting `level`."""
        match kind:
            case k.Scalar("str"):
                if isinstance(value, str):
                    self.string(value, path)
                else:
                    self.add(path, f"expected a str, got {type_name(value)}")
            case k.Scalar("bool"):
                if value is not True and value is not False:
                    self.add(path, f"expected a bool, got {type_name(value)}")
            case k.Scalar("number"):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.add(path, f"expected a number (int or float), got {type_name(value)}")
                else:
                    self.number(value, path)
            case k.Scalar("any"):
                self.any(value, path, level)
            case k.Scalar("uuid"):
                if not isinstance(value, UUID):
                    self.add(path, f"expected a UUID, got {type_name(value)}")
            case k.Scalar("datetime"):
                self.datetime(value, path)
            case k.Scalar():
                raise ValueError(f"unknown scalar {kind}")
            case k.Integer(minimum, maximum):
                if isinstance(value, bool) or not isinstance(value, int):
                    self.add(path, f"expected an int, got {type_name(value)}")
                elif (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
                    self.add(path, f"integer {value} out of range [{minimum}, {maximum}]")
            case k.EnumOf(cls):
                if not isinstance(value, cls):
                    self.add(path, f"expected a {cls.__name__} member, got {type_name(value)}")
            case k.ModelOf(cls):
                self.model(value, cls, path, level + 1)
            case k.UnionOf(alias):
                self.union(alias, value, path, level)
            case k.Nullable(inner):
                if value is not None:
                    self.kind(inner, value, path, level)
            case k.ListOf(item):
                if not isinstance(value, list | tuple):
                    self.add(path, f"expected a list, got {type_name(value)}")
                    return
                self.level(path, level + 1)
                for index, element in enumerate(value):
                    self.kind(item, element, (*path, index), level + 1)
            case k.MapOf(inner):
                if not isinstance(value, dict):
                    self.add(path, f"expected a dict, got {type_name(value)}")
                    return
                self.level(path, level + 1)
                for key, element in value.items():
                    self.key(key, path)
                    self.kind(inner, element, (*path, key), level + 1)
            case _:
                raise ValueError(f"unknown kind {kind!r}")

    def key(self, key: Any, path: tuple[str | int, ...]) -> None:
        if not self.text:
            return
        if isinstance(key, str):
            self.string(key, (*path, key))
        else:
            self.add(path, f"a member name must be a str, got {type_name(key)}")

    def datetime(self, value: Any, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, datetime):
            self.add(path, f"expected a datetime, got {type_name(value)}")
            return
        try:
            write_datetime(value)
        except ModelError as error:
            self.add(path, error.reason)

    def model(self, made: Any, cls: type, path: tuple[str | int, ...], level: int) -> None:
        """A model object of class `cls` at nesting `level`."""

        if not isinstance(made, cls):
            self.add(path, f"expected a {cls.__name__}, got {type_name(made)}")
            return
        shape = binding_of(cls).shape
        if isinstance(shape, k.DataEnumShape):
            self.data_enum(made, shape, path, level)
            return
        if not isinstance(shape, k.ObjectShape):
            raise ValueError(f"{cls.__name__} is bound to a {type(shape).__name__}")
        self.level(path, level)
        fields = made.__dict__
        for member in shape.members:
            at = (*path, member.wire)
            if member.attr not in fields:
                self.add(at, f"{cls.__name__} has no attribute {member.attr!r}")
                continue
            value = fields[member.attr]
            if value is None:
                if member.required and not member.nullable and member.kind != k.ANY:
                    self.add(at, "a required member is None")
                continue
            self.kind(member.kind, value, at, level)
        if shape.extra is not None:
            extra_attr, extra_kind = shape.extra
            known = {m.wire for m in shape.members}
            for key, value in fields.get(extra_attr, {}).items():
                if key in known:
                    self.add((*path, key), f"an extra member repeats a declared member: {key!r}")
                self.key(key, path)
                self.kind(extra_kind, value, (*path, key), level)

    def data_enum(self, made: Any, shape: k.DataEnumShape, path: tuple[str | int, ...], level: int) -> None:
        chosen = [name for name in ("unit", *(attr for _, attr, _ in shape.variants))
                  if getattr(made, name, None) is not None]
        if len(chosen) != 1:
            self.add(path, f"{shape.name} needs exactly one of unit or a data variant, got {chosen or 'none'}")
        elif chosen == ["unit"]:
            if not isinstance(made.unit, shape.unit):
                self.add(path, f"expected a {shape.unit.__name__} member, got {type_name(made.unit)}")
        else:
            ((key, attr, kind),) = [v for v in shape.variants if v[1] == chosen[0]]
            self.level(path, level)  # {"key": value}
            self.kind(kind, getattr(made, attr), (*path, key), level)

    def union(self, alias: Any, value: Any, path: tuple[str | int, ...], level: int) -> None:
        from .unions import leaf_classes

        shape = binding_of(alias).shape
        if isinstance(shape, k.UntaggedShape):
            binding = binding_of(alias)
            try:
                binding.load(binding.dump(value))
            except (ModelError, TypeError, ValueError) as error:
                self.add(path, f"not a {shape.name}: {error}")
                return
            self.any(value, path, level)  # the text checks of what it wrote
            return
        if not isinstance(shape, k.TaggedShape):
            raise ValueError(f"{shape!r} is not a union")
        for variant in shape.variants:
            for cls in leaf_classes(variant.kind):
                if not isinstance(value, cls):
                    continue
                if shape.content is not None:  # {tag, content: value}
                    self.level(path, level + 1)
                    self.kind(variant.kind, value, (*path, shape.content), level + 1)
                elif isinstance(variant.kind, k.MapOf):  # the tag beside the map's members
                    if isinstance(value, dict) and shape.tag in value:
                        self.add((*path, shape.tag), f"the {variant.tag!r} variant of {shape.name} holds its tag")
                    self.kind(variant.kind, value, path, level)
                else:
                    self.model(value, cls, path, level + 1)
                return
        names = ", ".join(cls.__name__ for v in shape.variants for cls in leaf_classes(v.kind))
        self.add(path, f"expected a variant of {shape.name} ({names}), got {type_name(value)}")

    def any(self, value: Any, path: tuple[str | int, ...], level: int) -> None:
        """A value of an any-typed member: JSON values, and model objects, enums, UUIDs, date-times."""
        if value is None or value is True or value is False:
            return
        if isinstance(value, str):
            self.string(value, path)
        elif isinstance(value, int | float):
            self.number(value, path)
        elif isinstance(value, dict):
            self.level(path, level + 1)
            for key, element in value.items():
                self.key(key, path)
                self.any(element, (*path, key), level + 1)
        elif isinstance(value, list | tuple):
            self.level(path, level + 1)
            for index, element in enumerate(value):
                self.any(element, (*path, index), level + 1)
        elif getattr(type(value), "_hub", None) is not None:
            self.kind(k.ModelOf(type(value)), value, path, level)
        elif isinstance(value, Enum):
            self.any(value.value, path, level)
        elif isinstance(value, datetime):
            self.datetime(value, path)
        elif not isinstance(value, UUID):
            self.add(path, f"expected a JSON value, got {type_name(value)}")


def problems(value: Any, kind: k.Kind, *, text: bool) -> list[ModelError]:
    """Every problem that stops `value` (of `kind`, as a whole document) from being written."""
    walk = Walk(text)
    with deep_recursion():
        walk.kind(kind, value, (), 0)
    return walk.found
