"""The base class of the generated dataclasses and the binding of classes and union aliases to
their wire shapes (compiled into loader and dumper functions on first use)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Self
from uuid import UUID

import orjson

from ..json_text import ParseError, parse_document, text_bytes
from . import kinds as k
from .compiler import bad_enum, object_dumper
from .errors import ModelError
from .mirror import json_loader
from .objects import object_loader
from .unions import check_data_enum, data_enum_functions, tagged_functions, untagged_functions
from .wire import dump_datetime, dump_uuid, load_datetime, load_uuid


class Binding:
    """The wire shape of one class or union alias, and its load/dump functions once compiled."""

    __slots__ = ("dump", "load", "load_json", "owner", "shape")

    def __init__(self, owner: Any, shape: k.Shape) -> None:
        self.owner = owner
        self.shape = shape
        self.load: Any = self._compile_then_load
        self.dump: Any = self._compile_then_dump
        self.load_json: Any = self._compile_then_load_json

    def compile(self) -> None:
        shape = self.shape
        if isinstance(shape, k.ObjectShape):
            self.load, self.dump = object_loader(self.owner, shape), object_dumper(shape)
        elif isinstance(shape, k.TaggedShape):
            self.load, self.dump = tagged_functions(shape)
        elif isinstance(shape, k.UntaggedShape):
            self.load, self.dump = untagged_functions(shape)
        else:
            self.load, self.dump = data_enum_functions(self.owner, shape)

    def _compile_then_load(self, *args: Any) -> Any:
        self.compile()
        return self.load(*args)

    def _compile_then_load_json(self, data: Any) -> Any:
        """`from_json`: msgspec into mirror Structs, the dict loader for whatever the mirror doubts."""
        def careful(text: Any) -> Any:
            return self.load(parse_json(text))

        self.load_json = json_loader(self.owner, careful) if isinstance(self.owner, type) else careful
        return self.load_json(data)

    def _compile_then_dump(self, value: Any) -> Any:
        self.compile()
        return self.dump(value)


_ALIASES: dict[int, Binding] = {}  # id(alias) -> binding; the binding keeps the alias alive


def binding_of(owner: Any) -> Binding:
    binding = owner.__dict__.get("_hub") if isinstance(owner, type) else _ALIASES.get(id(owner))
    if binding is None:
        raise TypeError(f"{owner!r} is not a generated model type")
    return binding


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
        """The wire form: what was read comes back exactly; objects built in code in the producer form."""
        return self._hub.dump(self)

    def to_json(self) -> bytes:
        wire = self._hub.dump(self)
        try:
            return orjson.dumps(wire)
        except TypeError:  # orjson refuses a lone surrogate (from_json takes one in a \u escape) and an
            # integer beyond 64 bits; json writes the first as its escape and the second exactly
            return json.dumps(wire, separators=(",", ":"), allow_nan=False).encode()


class DataEnum(Model):
    """Base of the data-carrying enums: exactly one of `unit` or a data variant is set."""

    __slots__ = ()

    def __post_init__(self) -> None:
        shape = self._hub.shape
        assert isinstance(shape, k.DataEnumShape)
        check_data_enum(self, shape)


def bind(owner: Any, shape: k.Shape) -> None:
    """Attach a wire shape to a generated class or union alias."""
    binding = Binding(owner, shape)
    if isinstance(owner, type) and issubclass(owner, Model):
        owner._hub = binding
    else:
        _ALIASES[id(owner)] = binding


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
    from .compiler import dump_any

    if model_type is not None and not isinstance(model_type, type):
        return binding_of(model_type).dump(value)
    if isinstance(value, UUID):
        return dump_uuid(value)
    if isinstance(value, datetime):
        return dump_datetime(value)
    return dump_any(value)
