"""The binding of a generated class or union alias to its wire shape, and the look-up of it.

A binding starts with trampolines that compile its functions on first use. What compiling means
(`compiler`, `objects`, `unions`, `mirror`) is passed in by `model.bind`: those modules look other
bindings up here while they compile, so this module must not import them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import kinds as k

Loader = Callable[..., Any]
Dumper = Callable[[Any], Any]
Functions = Callable[["Binding"], tuple[Loader, Dumper]]  # the load and dump functions of a binding
JsonLoader = Callable[["Binding"], Loader]  # its `from_json` function
Unchecked = Callable[["Binding"], Dumper]  # its dump function without the write checks


class Binding:
    """The wire shape of one class or union alias, and its load/dump functions once compiled."""

    __slots__ = ("_functions", "_json_loader", "_unchecked", "dump", "load", "load_json", "owner", "shape",
                 "unchecked_dump")

    def __init__(self, owner: Any, shape: k.Shape, functions: Functions, json_loader: JsonLoader,
                 unchecked: Unchecked) -> None:
        self.owner = owner
        self.shape = shape
        self._functions = functions
        self._json_loader = json_loader
        self._unchecked = unchecked
        self.load: Any = self._compile_then_load
        self.dump: Any = self._compile_then_dump  # checked (runtime/writing.py)
        self.load_json: Any = self._compile_then_load_json
        self.unchecked_dump: Any = self._compile_then_dump_unchecked  # the benchmark's baseline

    def compile(self) -> None:
        self.load, self.dump = self._functions(self)

    def compiled(self) -> Binding:
        """This binding with its functions compiled now, so that no trampoline stays in the way."""
        if self.load == self._compile_then_load:
            self.compile()
        return self

    def _compile_then_load(self, *args: Any) -> Any:
        self.compile()
        return self.load(*args)

    def _compile_then_load_json(self, data: Any) -> Any:
        self.load_json = self._json_loader(self)
        return self.load_json(data)

    def _compile_then_dump(self, value: Any) -> Any:
        self.compile()
        return self.dump(value)

    def _compile_then_dump_unchecked(self, value: Any) -> Any:
        self.unchecked_dump = self._unchecked(self)
        return self.unchecked_dump(value)


_ALIASES: dict[int, Binding] = {}  # id(alias) -> binding; the binding keeps the alias alive


def bind_alias(alias: Any, binding: Binding) -> None:
    """Record the binding of a union alias (a generated class keeps its own, as `_hub`)."""
    _ALIASES[id(alias)] = binding


def binding_of(owner: Any) -> Binding:
    binding = owner.__dict__.get("_hub") if isinstance(owner, type) else _ALIASES.get(id(owner))
    if binding is None:
        raise TypeError(f"{owner!r} is not a generated model type")
    return binding
