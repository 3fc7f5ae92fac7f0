"""The base class of the generated dataclasses and the binding of classes and union aliases to
their wire shapes (compiled into loader and dumper functions on first use)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Self
from uuid import UUID

import orjson

from ..json_text import ParseError, deep_recursion, parse_document, text_bytes
from . import kinds as k
from .binding import Binding, Dumper, Loader, bind_alias, binding_of
from .compiler import bad_enum
from .errors import ModelError
from .mirror import json_loader
from .objects import object_loader
from .unions import (
    check_data_enum,
    data_enum_dumper,
    data_enum_functions,
    tagged_dumper,
    tagged_functions,
    untagged_functions,
)
from .wire import load_datetime, load_uuid
from .writing import dump_any, dump_any_unchecked, object_dumper, write_datetime, write_uuid


def _functions(binding: Binding) -> tuple[Loader, Dumper]:
    """Compile the load and (checked) dump functions of a binding from its shape."""
    shape = binding.shape
    if isinstance(shape, k.ObjectShape):
        return object_loader(binding.owner, shape), object_dumper(binding.owner, shape)
    if isinstance(shape, k.TaggedShape):
        return tagged_functions(shape)
    if isinstance(shape, k.UntaggedShape):
        return untagged_functions(shape)
    return data_enum_functions(binding.owner, shape)


def _unchecked_dumper(binding: Binding) -> Dumper:
    """The dump function without the write checks (the benchmark's baseline)."""
    shape = binding.shape
    if isinstance(shape, k.ObjectShape):
        return object_dumper(binding.owner, shape, checked=False)
    if isinstance(shape, k.TaggedShape):
        return tagged_dumper(shape, checked=False)
    if isinstance(shape, k.UntaggedShape):
        return dump_any_unchecked
    return data_enum_dumper(binding.owner, shape, checked=False)

def binding_kind(binding: Binding) -> k.Kind:
    """The kind of a bound class or union alias, as the write checks walk it."""
    return k.ModelOf(binding.owner) if isinstance(binding.owner, type) else k.UnionOf(binding.owner)


def _json_loader(binding: Binding) -> Loader:
    """`from_json`: msgspec into mirror Structs, the dict loader for whatever the mirror doubts."""
    def careful(text: Any) -> Any:
        return binding.load(parse_json(text))

    return json_loader(binding.owner, careful) if isinstance(binding.owner, type) else careful


def parse_json(data: bytes | bytearray | memoryview | str) -> Any:
    """One JSON text as `llm-hub validate` reads a .json file (json_text: a leading BOM skipped, no
    duplicate member names, no number beyond the double range, at most 1024 levels, ...)."""
    try:
        return parse_document(text_bytes(data))
    except ParseError as exc:
        raise ModelError("", str(exc)) from None


class Model:
    """Base of every generated dataclass: loading from and writing to the wire form."""

    __slots__ = ()
    _hub: ClassVar[Binding]

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Load the wire form (parsed JSON); raises ModelError with the JSON pointer of a wrong value."""
        made: Self = cls._hub.load(data)
        return made

    @classmethod
    def from_json(cls, data: bytes | bytearray | memoryview | str) -> Self:
        """Parse and load one JSON document."""
        made: Self = cls._hub.load_json(data)
        return made

    def to_dict(self) -> Any:
        """The wire form: what was read comes back exactly; objects built in code in the producer form.
        Raises ModelError, with the JSON pointer of the member, for a value `from_dict` would refuse
        (a str where an int belongs, a required member left None, an integer out of range, NaN, ...)."""
        return write(self._hub, self)

    def to_json(self) -> bytes:
        """The wire form as JSON text (UTF-8). Raises ModelError, naming the member, for a value
        `from_json` would refuse: what `to_dict` refuses, and what the text rules refuse (a lone
        surrogate in a string, an integer beyond the double range, nesting deeper than 1024 levels)."""
        return write_json(self._hub, self)

    def validate(self) -> list[ModelError]:
        """Every problem that stops this object from being written by `to_json`, each a ModelError with
        the JSON pointer of its member (`.path`) and the reason (`.reason`); empty when it can be."""
        from .checks import problems

        return problems(self, binding_kind(self._hub), text=True)


class DataEnum(Model):
    """Base of the data-carrying enums: exactly one of `unit` or a data variant is set."""

    __slots__ = ()

    def __post_init__(self) -> None:
        shape = self._hub.shape
        assert isinstance(shape, k.DataEnumShape)
        check_data_enum(self, shape)


def bind(owner: Any, shape: k.Shape) -> None:
    """Attach a wire shape to a generated class or union alias."""
    binding = Binding(owner, shape, _functions, _json_loader, _unchecked_dumper)
    if isinstance(owner, type) and issubclass(owner, Model):
        owner._hub = binding
    else:
        bind_alias(owner, binding)


def from_dict(model_type: Any, data: Any) -> Any:
    """Load the wire form of any generated type, union aliases included (`from_dict(EventPayload, d)`)."""
    if model_type is UUID:
        return load_uuid(data)
    if model_type is datetime:
        return load_datetime(data)
    if isinstance(model_type, type) and issubclass(model_type, Enum):
        member = model_type._value2member_map_.get(data) if isinstance(data, str) else None
        if member is None:
            raise bad_enum(model_type, data)
        return member
    return binding_of(model_type).load(data)


def to_dict(value: Any, model_type: Any = None) -> Any:
    """The wire form of any value a generated type holds. A union variant is written with its tags
    when `model_type` names the union (`to_dict(event.payload, EventPayload)`)."""
    if model_type is not None and not isinstance(model_type, type):
        return write(binding_of(model_type), value)
    if isinstance(value, UUID):
        return write_uuid(value)
    if isinstance(value, datetime):
        return write_datetime(value)
    return dump_any(value)


def write(binding: Binding, value: Any) -> Any:
    """`binding.dump(value)`; a refusal is raised as the first problem `checks` finds, with its place."""
    try:
        return binding.dump(value)
    except RecursionError:  # an any-typed value nested deeper than the interpreter's default allows
        with deep_recursion():
            try:
                return binding.dump(value)
            except Exception as exc:  # any refusal: located below
                raise located(binding, value, exc, text=False) from None
    except Exception as exc:
        raise located(binding, value, exc, text=False) from None


def write_json(binding: Binding, value: Any) -> bytes:
    wire = write(binding, value)
    try:
        return orjson.dumps(wire)
    except TypeError as exc:  # a lone surrogate, a non-str member name, an integer beyond 64 bits,
        # more than 254 levels: refused as from_json would, or (the last two, within the rules) written by json
        error = located(binding, value, exc, text=True)
        if error is not exc:
            raise error from None
        with deep_recursion():
            return json.dumps(wire, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode()


def located(binding: Binding, value: Any, exc: Exception, *, text: bool) -> Exception:
    """The first problem that explains a refusal, with its JSON pointer; `exc` itself when none does."""
    from .checks import problems

    found = problems(value, binding_kind(binding), text=text)
    return found[0] if found else exc
