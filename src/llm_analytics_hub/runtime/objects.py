"""The loaders of object shapes: a fast one for valid documents and its careful twin for wrong ones.

The fast loader keeps no note of where it is: on any doubt it hands the data to the careful twin,
which loads it again member by member and raises with the exact JSON pointer. So a valid document
pays nothing for the pointers, and a wrong one gets them exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import kinds as k
from .compiler import WIRE_MEMORY, Source, load_into


def object_loader(cls: type, shape: k.ObjectShape) -> Callable[..., Any]:
    """`load(data, skip=None)`: `skip` names one more member to ignore (an internal union's tag, which
    is then present). Required members are read with `data[...]`, the others with `get`; a closed
    object counts the members it found instead of comparing key sets (as the careful twin does)."""
    careful = careful_object_loader(cls, shape)
    src = Source()
    cls_name, careful_name = src.const(cls), src.const(careful)
    known = src.const(frozenset(m.wire for m in shape.members))
    counted = shape.closed and shape.extra is None
    src.add(0, "def load(data, skip=None):")
    src.add(1, "if data.__class__ is not dict:  # a dict subclass may answer data[key] with __missing__")
    src.add(2, f"return {careful_name}(data, skip)")
    if any(not m.required for m in shape.members):
        src.add(1, "get = data.get")
    src.add(1, "nulls = filled = None")
    if counted:
        src.add(1, f"found = {sum(m.required for m in shape.members)} if skip is None else "
                   f"{sum(m.required for m in shape.members) + 1}")
    src.add(1, "try:")
    names = []
    for index, member in enumerate(shape.members):
        wire, value = src.const(member.wire), f"v{index}"
        names.append((member.attr, value))
        null_allowed = member.nullable or not member.required or member.kind == k.ANY
        if member.required:  # absent: KeyError, and the careful twin names it
            src.add(2, f"{value} = data[{wire}]")
            if null_allowed:
                src.add(2, f"if {value} is not None:")
                load_into(src, member.kind, value, value, 3)
            else:  # a null fails the kind's own check
                load_into(src, member.kind, value, value, 2)
            continue
        src.add(2, f"{value} = get({wire}, MISSING)")
        src.add(2, f"if {value} is MISSING:")
        if member.default is not None:
            src.add(3, f"{value} = {src.const(member.default)}")
            src.add(3, f"filled = (filled or ()) + ({wire},)")
            if counted:
                src.add(2, "else:")
                src.add(3, "found += 1")
            src.add(2, f"if {value} is None:")
        else:
            src.add(3, f"{value} = None")
            if member.when_none == "null":  # absent, though the producers write it: remembered
                src.add(3, f"filled = (filled or ()) + ({wire},)")
            src.add(2, f"elif {value} is None:")
        src.add(3, f"nulls = (nulls or ()) + ({wire},)")
        if counted and member.default is None:
            src.add(3, "found += 1")
        src.add(2, "else:")
        if counted and member.default is None:
            src.add(3, "found += 1")
        load_into(src, member.kind, value, value, 3)
    if shape.extra is not None:
        extra_attr, extra_kind = shape.extra
        names.append((extra_attr, "extra"))
        src.add(2, "extra = {}")
        src.add(2, "for key, value in data.items():")
        src.add(3, f"if key not in {known} and key != skip:")
        load_into(src, extra_kind, "value", "extra[key]", 4)
    src.add(1, "except (ModelError, KeyError):")
    src.add(2, f"return {careful_name}(data, skip)")
    if counted:  # every key was a known member (or the skipped tag) exactly when the counts agree
        src.add(1, "if found != len(data):")
        src.add(2, f"return {careful_name}(data, skip)")
    src.add(1, f"made = new({cls_name})")
    fields = ", ".join(f"{attr!r}: {value}" for attr, value in names)
    src.add(1, f"setattr(made, '__dict__', {{{fields}}})")
    src.add(1, "if nulls is not None or filled is not None:")
    src.add(2, f"made.__dict__[{WIRE_MEMORY!r}] = (nulls or (), filled or ())")
    src.add(1, "return made")
    return src.function("load")


def careful_object_loader(cls: type, shape: k.ObjectShape) -> Callable[..., Any]:
    """The loader that notes each member it is in, so that an error carries its JSON pointer."""
    src = Source()
    cls_name, known = src.const(cls), src.const(frozenset(m.wire for m in shape.members))
    owner = src.const(cls.__name__)
    src.add(0, "def load(data, skip=None):")
    src.add(1, "if data.__class__ is not dict:")
    src.add(2, "as_object(data)")
    src.add(1, "get = data.get")
    src.add(1, "fields = {}")
    src.add(1, "seen = 0 if skip is None else 1")
    src.add(1, "nulls = filled = at = None")
    src.add(1, "try:")
    for member in shape.members:
        wire, attr = src.const(member.wire), repr(member.attr)
        src.add(2, f"value = get({wire}, MISSING)")
        src.add(2, "if value is MISSING:")
        if member.required:
            src.add(3, f"raise missing_member({wire})")
        elif member.default is not None:
            src.add(3, f"value = {src.const(member.default)}")
            src.add(3, f"filled = (filled or ()) + ({wire},)")
        else:
            src.add(3, f"fields[{attr}] = None")
            if member.when_none == "null":
                src.add(3, f"filled = (filled or ()) + ({wire},)")
        if not member.required and member.default is None:
            src.add(2, "else:")
            body = 3
        else:
            body = 2
        if member.required or member.default is None:
            src.add(body, "seen += 1")
        else:
            src.add(body, "else:")
            src.add(body + 1, "seen += 1")
        src.add(body, f"at = {wire}")
        src.add(body, "if value is None:")
        if member.nullable or not member.required or member.kind == k.ANY:
            src.add(body + 1, f"fields[{attr}] = None")
            if not member.required:
                src.add(body + 1, f"nulls = (nulls or ()) + ({wire},)")
        else:
            src.add(body + 1, "raise expected('a value', None)")
        src.add(body, "else:")
        load_into(src, member.kind, "value", f"fields[{attr}]", body + 1)
        src.add(body, "at = None")
    if shape.extra is not None:
        extra_attr, extra_kind = shape.extra
        src.add(2, f"extra = fields[{extra_attr!r}] = {{}}")
        src.add(2, "for at, value in data.items():")
        src.add(3, f"if at not in {known} and at != skip:")
        load_into(src, extra_kind, "value", "extra[at]", 4)
        src.add(2, "at = None")
    src.add(1, "except ModelError as error:")
    src.add(2, "raise (error if at is None else error.within(at)) from None")
    if shape.closed and shape.extra is None:
        src.add(1, "if seen != len(data):")
        src.add(2, f"raise unknown_member(data, {known} | {{skip}}, {owner})")
    src.add(1, f"made = new({cls_name})")
    src.add(1, "setattr(made, '__dict__', fields)")
    src.add(1, "if nulls is not None or filled is not None:")
    src.add(2, f"fields[{WIRE_MEMORY!r}] = (nulls or (), filled or ())")
    src.add(1, "return made")
    return src.function("load")
