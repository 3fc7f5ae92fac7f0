"""Internally tagged unions for the generated pydantic models (`llm_analytics_hub.pydantic`).

In an internally tagged union the tag sits beside the variant's own members
(`{"telemetry_type": "latency", "model_id": ...}`), and the variant's members are those of a catalogue
type (`LatencyMetrics`), which is closed and has no tag member. So that the value of such a union is
that class itself (`event.payload.data` is a `LatencyMetrics`, and `match` and `isinstance` work), a
variant is written `Annotated[LatencyMetrics, TagMember("telemetry_type", "latency"), Tag("latency")]`:
`TagMember` takes the tag off before `LatencyMetrics` reads the object and writes it back first when the
object is dumped (and shows it in the JSON schema), and the union's `internal_tag` discriminator picks
the variant by the tag of a dict or by the class of an object built in code. Verdicts are those of a
discriminated union over classes that carry the tag as a `Literal` member; an unknown tag is a
`union_tag_invalid` error whose context names the discriminator `telemetry_type()`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Discriminator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema


class TagMember:
    """The tag member `name` with value `value` beside the members of the annotated class."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        name, value = self.name, self.value
        inner = handler(source)

        def without_tag(data: Any) -> Any:
            if isinstance(data, dict) and data.get(name) == value:
                data = {key: item for key, item in data.items() if key != name}
            return data

        def with_tag(model: Any, serialize: core_schema.SerializerFunctionWrapHandler) -> Any:
            out = serialize(model)
            return {name: value, **out} if isinstance(out, dict) else out

        return core_schema.no_info_before_validator_function(
            without_tag, inner, serialization=core_schema.wrap_serializer_function_ser_schema(with_tag, schema=inner))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        inner = dict(handler.resolve_ref_schema(handler(schema)))
        inner["properties"] = {self.name: {"const": self.value}, **inner.get("properties", {})}
        inner["required"] = [self.name, *inner.get("required", [])]
        return inner


def internal_tag(name: str, tags: dict[type, str]) -> Discriminator:
    """The discriminator of an internally tagged union: the `name` member of a dict (a string, else no
    variant), or the tag of an object's class (`tags`) for objects built in code."""

    def tag_of(value: Any) -> str | None:
        if isinstance(value, dict):
            tag = value.get(name)
            return tag if isinstance(tag, str) else None
        return tags.get(type(value))

    # pydantic names a callable discriminator in its errors as `<__name__>()`: "telemetry_type()"
    tag_of.__name__ = tag_of.__qualname__ = name
    return Discriminator(tag_of)
