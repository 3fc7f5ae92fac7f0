"""Internally tagged unions for the generated pydantic models (`llm_analytics_hub.pydantic`).

In an internally tagged union the tag sits beside the variant's own members
(`{"telemetry_type": "latency", "model_id": ...}`), and those members are the ones of a catalogue type
(`LatencyMetrics`), which is closed and has no tag member. So that the value of such a union is that
class itself (`event.payload.data` is a `LatencyMetrics`; `match` and `isinstance` work), the union is
written

    Annotated[LatencyMetrics | ThroughputMetrics | ..., InternalTag("TelemetryPayload", "telemetry_type",
                                                                    {"latency": LatencyMetrics, ...})]

and `InternalTag` builds its validator: a discriminated union on the tag whose variants are subclasses
with the tag as a `Literal` member (`TelemetryPayloadLatency(LatencyMetrics)`, validated by pydantic-core
as any discriminated union is, JSON included, and shown so in the JSON schema), each object then
handed over as its catalogue class (its class set, the tag member dropped). Objects built in code are
taken as they are; dumping writes the tag back in front. A variant that has no catalogue class (a map)
keeps its generated class, which holds the tag itself. Verdicts and error locations are those of the
plain discriminated union.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, GetCoreSchemaHandler, create_model
from pydantic_core import core_schema


class InternalTag:
    """Annotation of the union `union` whose tag member is `name`: tag value -> the variant's class."""

    __slots__ = ("name", "union", "variants")

    def __init__(self, union: str, name: str, variants: dict[str, type[BaseModel]]) -> None:
        self.union = union
        self.name = name
        self.variants = variants

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        name = self.name
        choices: dict[Any, core_schema.CoreSchema] = {}
        plain: list[core_schema.CoreSchema | tuple[core_schema.CoreSchema, str]] = []
        for value, cls in self.variants.items():
            plain.append(handler.generate_schema(cls))
            if name in cls.model_fields:  # a generated variant class that holds the tag itself
                choices[value] = handler.generate_schema(cls)
                continue
            tagged = create_model(  # type: ignore[call-overload]
                self.union + "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", value)),
                __base__=cls, __module__=cls.__module__, **{name: (Literal[value], ...)})
            choices[value] = core_schema.no_info_after_validator_function(
                _as_catalogue_class(cls, name), handler.generate_schema(tagged))
        union = core_schema.tagged_union_schema(choices, discriminator=name)
        tags = {cls: value for value, cls in self.variants.items()}

        def keep_objects(value: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> Any:
            return value if value.__class__ in tags else validate(value)

        def with_tag(value: Any, serialize: core_schema.SerializerFunctionWrapHandler) -> Any:
            out = serialize(value)
            tag = tags.get(type(value))
            return {name: tag, **out} if tag is not None and isinstance(out, dict) and name not in out else out

        return core_schema.json_or_python_schema(
            json_schema=union, python_schema=core_schema.no_info_wrap_validator_function(keep_objects, union),
            serialization=core_schema.wrap_serializer_function_ser_schema(
                with_tag, schema=core_schema.union_schema(plain)))


def _as_catalogue_class(cls: type[BaseModel], name: str) -> Callable[[Any], Any]:
    """An object validated as the tagged subclass, made an object of `cls`: same fields, no tag."""
    set_class = object.__setattr__

    def convert(made: Any) -> Any:
        del made.__dict__[name]
        made.__pydantic_fields_set__.discard(name)
        set_class(made, "__class__", cls)
        return made

    return convert
