"""Loaders and dumpers of the union shapes: tagged unions (the value is the variant's own object),
untagged unions (the first variant that loads wins) and data-carrying enums."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import kinds as k
from .binding import Dumper, Loader, binding_of
from .compiler import MISSING, as_object, bad_enum, kind_function
from .errors import ModelError
from .writing import dump_any, kind_dumper, not_a


def leaf_classes(kind: k.Kind) -> list[type]:
    """The runtime classes a variant's values can have (nested unions flattened)."""
    match kind:
        case k.ModelOf(cls):
            return [cls]
        case k.UnionOf(alias):
            shape = binding_of(alias).shape
            if isinstance(shape, k.TaggedShape):
                return [c for variant in shape.variants for c in leaf_classes(variant.kind)]
            raise ValueError(f"untagged union {alias!r} as a variant of a tagged union")
        case k.MapOf():
            return [dict]
        case _:
            raise ValueError(f"{kind!r} cannot be a variant of a tagged union")


def tagged_functions(shape: k.TaggedShape) -> tuple[Loader, Dumper]:
    loaders: dict[str, Callable[..., Any]] = {}  # internally tagged: called with (data, tag to skip)
    for variant in shape.variants:
        tag = variant.tag
        match variant.kind:
            case k.ModelOf(cls) if shape.content is None:
                loaders[tag] = binding_of(cls).compiled().load  # called with the tag to skip
            case k.MapOf() if shape.content is None:
                loaders[tag] = (lambda data, skip: {key: value for key, value in data.items() if key != skip})
            case _ if shape.content is None:
                raise ValueError(f"{shape.name}: variant {tag!r} of an internally tagged union must be an object")
            case k.ModelOf(cls) | k.UnionOf(cls):  # the variant's own loader, no wrapper call in between
                loaders[tag] = binding_of(cls).compiled().load
            case _:
                loaders[tag] = kind_function(variant.kind, "load")
    allowed = ", ".join(repr(v.tag) for v in shape.variants)

    tag_name, content_name, name = shape.tag, shape.content, shape.name
    members = frozenset((tag_name, content_name))

    def load(data: Any) -> Any:
        if data.__class__ is not dict:
            as_object(data)
        tag = data.get(tag_name, MISSING)
        variant_load = loaders.get(tag) if tag.__class__ is str else None
        if variant_load is None:
            if tag is MISSING:
                raise ModelError("", f"missing discriminator {tag_name!r} of {name}")
            raise ModelError("", f"unknown {name} discriminator {tag!r}; expected one of {allowed}").within(tag_name)
        if content_name is None:
            return variant_load(data, tag_name)
        if not data.keys() <= members:
            key = next(key for key in data if key not in members)
            raise ModelError("", f"undeclared member {key!r} in {name}").within(key)
        content = data.get(content_name, MISSING)
        if content is MISSING:
            raise ModelError("", f"missing required member {content_name!r}")
        try:
            return variant_load(content)
        except ModelError as error:
            raise error.within(content_name) from None

    return load, tagged_dumper(shape, checked=True)


def tagged_dumper(shape: k.TaggedShape, checked: bool) -> Dumper:
    """The dumper of a tagged union: by the value's class, its variant's tag and content."""
    dumpers: dict[type, Dumper] = {}
    for variant in shape.variants:
        if isinstance(variant.kind, k.MapOf):
            inner = kind_dumper(variant.kind, checked) if checked else dict
        else:
            inner = kind_dumper(variant.kind, checked)
        for cls in leaf_classes(variant.kind):
            if cls in dumpers:
                raise ValueError(f"{shape.name}: {cls.__name__} is the value of two variants")
            dumpers[cls] = _variant_dumper(shape, variant.tag, inner, checked)
    names = ", ".join(cls.__name__ for cls in dumpers)

    def dump(value: Any) -> Any:
        dumper = dumpers.get(value.__class__)
        if dumper is None:
            dumper = next((d for cls, d in dumpers.items() if isinstance(value, cls)), None)
            if dumper is None:
                raise not_a(f"a variant of {shape.name} ({names})", value)
        return dumper(value)

    return dump


def _variant_dumper(shape: k.TaggedShape, tag: str, inner: Dumper, checked: bool) -> Dumper:
    if shape.content is None:
        tag_name = shape.tag

        def dump_internal(value: Any) -> dict[str, Any]:
            out = {tag_name: tag}
            content = inner(value)
            if checked and tag_name in content:  # a map variant holding the tag would write over it
                raise ModelError("", f"the {tag!r} variant of {shape.name} holds its tag {tag_name!r}")
            out.update(content)
            return out

        return dump_internal
    content = shape.content
    return lambda value: {shape.tag: tag, content: inner(value)}


def untagged_functions(shape: k.UntaggedShape) -> tuple[Loader, Dumper]:
    loaders = [kind_function(kind, "load") for kind in shape.variants]

    def load(data: Any) -> Any:
        reasons = []
        for variant_load in loaders:
            try:
                return variant_load(data)
            except ModelError as error:
                reasons.append(str(error))
        raise ModelError("", f"no variant of {shape.name} accepts the value: " + "; ".join(reasons))

    def dump(value: Any) -> Any:
        out = dump_any(value)
        load(out)  # the value must be one its variants read back
        return out

    return load, dump


def data_enum_functions(cls: type, shape: k.DataEnumShape) -> tuple[Loader, Dumper]:
    variants = {key: (attr, kind_function(kind, "load")) for key, attr, kind in shape.variants}
    allowed = ", ".join(repr(key) for key in variants)

    def load(data: Any) -> Any:
        if isinstance(data, str):
            unit = shape.unit._value2member_map_.get(data)
            if unit is None:
                raise bad_enum(shape.unit, data)
            return cls(unit=unit)
        if len(as_object(data)) != 1:
            raise ModelError("", f"a {shape.name} data variant is an object with exactly one member")
        ((key, element),) = data.items()
        if key not in variants:
            raise ModelError("", f"unknown {shape.name} variant {key!r}; expected one of {allowed}").within(key)
        attr, variant_load = variants[key]
        try:
            return cls(**{attr: variant_load(element)})
        except ModelError as error:
            raise error.within(key) from None

    return load, data_enum_dumper(cls, shape, checked=True)


def data_enum_dumper(cls: type, shape: k.DataEnumShape, checked: bool) -> Dumper:
    variants = {key: (attr, kind_dumper(kind, checked)) for key, attr, kind in shape.variants}
    unit_class = shape.unit

    def dump(value: Any) -> Any:
        if checked and not isinstance(value, cls):
            raise not_a(f"a {cls.__name__}", value)
        unit = value.unit
        if unit is not None:
            if checked and unit.__class__ is not unit_class:
                raise not_a(f"a {unit_class.__name__} member", unit)
            return unit.value
        for key, (attr, variant_dump) in variants.items():
            element = getattr(value, attr)
            if element is not None:
                return {key: variant_dump(element)}
        raise ModelError("", f"empty {shape.name}")

    return dump


def check_data_enum(made: Any, shape: k.DataEnumShape) -> None:
    chosen = [name for name in ("unit", *(attr for _, attr, _ in shape.variants)) if getattr(made, name) is not None]
    if len(chosen) != 1:
        raise ValueError(f"{shape.name} needs exactly one of unit or a data variant, got {chosen or 'none'}")
