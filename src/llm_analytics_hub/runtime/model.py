"""The base class of the generated dataclasses and the binding of classes and union aliases to
their wire shapes (compiled into loader and dumper functions on first use)."""

from __future__ import annotations

import json
import math
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Self
from uuid import UUID

import orjson

from . import kinds as k
from .binding import Binding, Dumper, Loader, bind_alias, binding_of
from .compiler import bad_enum, dump_any, object_dumper
from .errors import ModelError
from .mirror import json_loader
from .objects import object_loader
from .unions import check_data_enum, data_enum_functions, tagged_functions, untagged_functions
from .wire import dump_datetime, dump_uuid, load_datetime, load_uuid


def _functions(binding: Binding) -> tuple[Loader, Dumper]:
    """Compile the load and dump functions of a binding from its shape."""
    shape = binding.shape
    if isinstance(shape, k.ObjectShape):
        return object_loader(binding.owner, shape), object_dumper(shape)
    if isinstance(shape, k.TaggedShape):
        return tagged_functions(shape)
    if isinstance(shape, k.UntaggedShape):
        return untagged_functions(shape)
    return data_enum_functions(binding.owner, shape)


def _json_loader(binding: Binding) -> Loader:
    """`from_json`: msgspec into mirror Structs, the dict loader for whatever the mirror doubts."""
    def careful(text: Any) -> Any:
        return binding.load(parse_json(text))

    return json_loader(binding.owner, careful) if isinstance(binding.owner, type) else careful


def parse_json(data: bytes | bytearray | memoryview | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:  # orjson stops at 64-bit integers; the model then names the member that is out of range
            text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else str(data)
            return json.loads(text, parse_constant=_not_a_number, parse_float=_finite_float)
        except (ValueError, UnicodeDecodeError):
            raise ModelError("", f"not JSON: {exc}") from None


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    """A number within the f64 range: 1e400 is refused, as `llm-hub validate` refuses it, rather than
    read as infinity (which no JSON writer can give back)."""
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"{text} is beyond the f64 range")
    return value


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
    binding = Binding(owner, shape, _functions, _json_loader)
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
        return binding_of(model_type).dump(value)
    if isinstance(value, UUID):
        return dump_uuid(value)
    if isinstance(value, datetime):
        return dump_datetime(value)
    return dump_any(value)
