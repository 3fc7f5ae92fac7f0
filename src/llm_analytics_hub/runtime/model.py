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


class Binding:
    """The wire shape of one class or union alias, and its load/dump functions once compiled."""

    __slots__ = ("dump", "load", "load_json", "owner", "shape", "unchecked_dump")

    def __init__(self, owner: Any, shape: k.Shape) -> None:
        self.owner = owner
        self.shape = shape
        self.load: Any = self._compile_then_load
        self.dump: Any = self._compile_then_dump  # checked (runtime/writing.py)
        self.load_json: Any = self._compile_then_load_json
        self.unchecked_dump: Any = self._compile_then_dump_unchecked  # the benchmark's baseline

    def compile(self) -> None:
        shape = self.shape
        if isinstance(shape, k.ObjectShape):
            self.load, self.dump = object_loader(self.owner, shape), object_dumper(self.owner, shape)
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

    def _compile_then_dump_unchecked(self, value: Any) -> Any:
        shape = self.shape
        if isinstance(shape, k.ObjectShape):
            self.unchecked_dump = object_dumper(self.owner, shape, checked=False)
        elif isinstance(shape, k.TaggedShape):
            self.unchecked_dump = tagged_dumper(shape, checked=False)
        elif isinstance(shape, k.UntaggedShape):
            self.unchecked_dump = dump_any_unchecked
        else:
            self.unchecked_dump = data_enum_dumper(self.owner, shape, checked=False)
        return self.unchecked_dump(value)

    def kind(self) -> k.Kind:
        return k.ModelOf(self.owner) if isinstance(self.owner, type) else k.UnionOf(self.owner)


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

        return problems(self, self._hub.kind(), text=True)


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

    found = problems(value, binding.kind(), text=text)
    return found[0] if found else exc
