"""Checks on write: the dataclasses' `to_dict` / `to_json` refuse an object that their own
`from_dict` / `from_json` would refuse, with a ModelError naming the member; `validate()` lists every
such problem.

By behaviour: into every member of the first example of every type (each version), plant values of
every wrong kind (None, numbers of each sort, NaN, strings, lists, dicts, bytes, objects, UUIDs,
datetimes) and compare with the reader: whenever `from_dict` refuses what the unchecked dumpers write
(or reads it as another value), `to_dict` refuses, at the planted member. `to_dict` refuses more
only where the reader is lax by
design: an integral float for an integer member (the reader takes 5.0 as 5) and a value that is not
JSON in an any-typed member (the reader keeps whatever it is given). `to_json` refuses exactly when
`validate()` finds a problem, and what it writes `from_json` reads.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from llm_analytics_hub.codegen.ir import module_name
from llm_analytics_hub.pointer import escape
from llm_analytics_hub.runtime import Model, ModelError, kinds
from llm_analytics_hub.runtime.model import binding_of
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.versions import available_versions

PLANTED: tuple[Any, ...] = (None, 5, 5.0, -1, 2**70, "x", True, math.nan, -math.inf, [], {}, b"x", object(),
                            ("a", 1), UUID(int=1), datetime(2024, 1, 1, tzinfo=UTC), {"k": math.nan})


def first_examples() -> list[Any]:
    found = []
    for version in available_versions():
        for entry in load_version(version).types:
            module = importlib.import_module(f"llm_analytics_hub.models.{module_name(version)}.{entry.area}")
            cls = getattr(module, entry.name)
            if isinstance(cls, type) and issubclass(cls, Model) and entry.examples:
                found.append(pytest.param(cls, entry.examples[0], id=f"{version}:{entry.qualified}"))
    return found


Place = tuple[str, Any, kinds.Member]  # (JSON pointer, owner object, member)


def places(obj: Any, path: str) -> Iterator[Place]:
    """Every member of every model object reachable from `obj`, with its JSON pointer."""
    shape = binding_of(type(obj)).shape
    if not isinstance(shape, kinds.ObjectShape):
        return
    for member in shape.members:
        at = f"{path}/{escape(member.wire)}"
        yield at, obj, member
        value = getattr(obj, member.attr)
        if value is not None:
            yield from inside(member.kind, value, at)


def inside(kind: kinds.Kind, value: Any, path: str) -> Iterator[Place]:
    match kind:
        case kinds.ModelOf():
            yield from places(value, path)
        case kinds.UnionOf(alias):
            shape = binding_of(alias).shape
            if isinstance(shape, kinds.TaggedShape) and isinstance(value, Model):
                variant = next(v for v in shape.variants if variant_holds(v.kind, value))
                yield from inside(variant.kind, value, path if shape.content is None else f"{path}/{shape.content}")
        case kinds.Nullable(inner):
            yield from inside(inner, value, path)
        case kinds.ListOf(item):
            for index, element in enumerate(value):
                yield from inside(item, element, f"{path}/{index}")
        case kinds.MapOf(item):
            for key, element in value.items():
                yield from inside(item, element, f"{path}/{escape(key)}")


def variant_holds(kind: kinds.Kind, value: Any) -> bool:
    from llm_analytics_hub.runtime.unions import leaf_classes

    return any(isinstance(value, cls) for cls in leaf_classes(kind))


def reader_refuses(cls: Any, obj: Any) -> bool | None:
    """Whether `from_dict` refuses what the dumpers write without their checks: True, False when it
    reads the object back equal, None when it reads something else (the unchecked dumpers write a str
    given for a list as a list of its characters)."""
    try:
        back = cls.from_dict(cls._hub.unchecked_dump(obj))
    except Exception:  # the unchecked dumper fails on some wrong values itself
        return True
    return False if back == obj else None


def lax_reader(member: kinds.Member, value: Any) -> bool:
    """Where the checks are stricter than the reader by design: an integral float for an integer, and
    what an any-typed value holds (the reader keeps any Python object there)."""
    kind = member.kind
    if isinstance(kind, kinds.Integer) and isinstance(value, float) and value.is_integer():
        return True
    return holds_any(kind)


def other_value_allowed(member: kinds.Member, value: Any) -> bool:
    """Where writing and reading back may give another value by design: None for a member with a
    default is written as absent (and read as the default); an any-typed value is written in its wire
    form (a UUID or datetime as its text, a tuple as a list); an untagged union reads the first
    variant that fits."""
    return (value is None and member.default is not None) or holds_any(member.kind)


def holds_any(kind: kinds.Kind) -> bool:
    match kind:
        case kinds.ListOf(inner) | kinds.MapOf(inner) | kinds.Nullable(inner):
            return holds_any(inner)
        case kinds.UnionOf(alias):
            shape = binding_of(alias).shape
            return not isinstance(shape, kinds.TaggedShape) or any(holds_any(v.kind) for v in shape.variants)
    return kind == kinds.ANY


@pytest.mark.parametrize(("cls", "example"), first_examples())
def test_planted_values_are_refused_where_the_reader_refuses(cls: Any, example: Any) -> None:
    obj = cls.from_dict(example)
    assert obj.validate() == [] and obj.to_dict() == example
    problems = []
    for path, owner, member in list(places(obj, "")):
        original = getattr(owner, member.attr)
        for value in PLANTED:
            object.__setattr__(owner, member.attr, value)
            try:
                problems += judge(cls, obj, path, member, value)
            finally:
                object.__setattr__(owner, member.attr, original)
    assert not problems, "\n".join(problems[:20])


def judge(cls: Any, obj: Any, path: str, member: kinds.Member, value: Any) -> list[str]:
    label = f"{path} = {value!r}"
    refused = reader_refuses(cls, obj)
    try:
        obj.to_dict()
    except ModelError as error:
        if not error.path.startswith(path):
            return [f"{label}: to_dict blames {error.path!r}: {error}"]
        if refused is False and not lax_reader(member, value):
            return [f"{label}: to_dict refuses ({error}) what from_dict reads"]
    else:
        if refused or (refused is None and not other_value_allowed(member, value)):
            return [f"{label}: to_dict writes what from_dict {'refuses' if refused else 'reads as another value'}"]
    found = obj.validate()
    try:
        text = obj.to_json()
    except ModelError as error:
        if not found or found[0].path != error.path:
            return [f"{label}: to_json refuses at {error.path!r}, validate() finds {found}"]
        return []
    if found:
        return [f"{label}: validate() finds {found}, to_json writes"]
    try:
        cls.from_json(text)
    except ModelError as error:
        return [f"{label}: from_json refuses what to_json wrote: {error}"]
    return []


def test_the_issue_example() -> None:
    from llm_analytics_hub.models.v1_0_0.events import ApiCostEvent

    event = ApiCostEvent(provider=5, api_endpoint="/v1/chat", request_count=-5,  # type: ignore[arg-type]
                         cost_per_request=math.nan, total_cost_usd=1.0, billing_period="2024-01")
    with pytest.raises(ModelError) as info:
        event.to_json()
    assert info.value.path == "/provider" and "expected a str, got int" in str(info.value)
    assert [(p.path, p.reason) for p in event.validate()] == [
        ("/provider", "expected a str, got int 5"),
        ("/request_count", "integer -5 out of range [0, 18446744073709551615]"),
        ("/cost_per_request", "expected a finite number, got nan"),
    ]


def test_a_nested_member_is_named_by_its_pointer() -> None:
    from llm_analytics_hub.models.v1_0_0 import events

    event = events.AnalyticsEvent(
        event_id=UUID("c954d3c8-4e25-466f-a5ff-1cdb8fc5b912"), timestamp=datetime(2024, 1, 15, tzinfo=UTC),
        source_module=events.SourceModule.LLM_OBSERVATORY, event_type=events.EventType.TELEMETRY,
        severity=events.Severity.INFO, environment="production",
        payload=events.LatencyMetrics(model_id="gpt-4o", request_id="r-1", total_latency_ms=math.inf))
    with pytest.raises(ModelError) as info:
        event.to_dict()
    assert info.value.path == "/payload/data/total_latency_ms"
    event = events.AnalyticsEvent(
        event_id=UUID(int=1), timestamp=datetime(2024, 1, 15, tzinfo=UTC),
        source_module=events.SourceModule.LLM_OBSERVATORY, event_type=events.EventType.TELEMETRY,
        severity=events.Severity.INFO, environment="production", payload="latency")  # type: ignore[arg-type]
    with pytest.raises(ModelError) as info:
        event.to_json()
    assert info.value.path == "/payload" and "expected a variant of EventPayload" in str(info.value)


def test_what_only_the_text_cannot_hold() -> None:
    """Lone surrogates, integers beyond the double range and nesting past 1024 levels are in the
    dict form (from_dict reads them) but not in a text (from_json refuses them): to_json refuses."""
    from llm_analytics_hub.models.v1_0_0 import api

    error = api.ApiError.from_json(b'{"code":"x","message":"m","status_code":404,"details":{"context":{}},'
                                   b'"timestamp":"2024-01-15T10:32:45Z"}')
    context = error.details.context if error.details else None
    assert context is not None
    for value, place, reason in (("\ud800", "/details/context/k", "lone surrogate"),
                                 (10**400, "/details/context/k", "beyond the double range"),
                                 (2**64, None, None), ({5: 1}, "/details/context/k", "must be a str")):
        context["k"] = value
        error.to_dict()  # the dict form holds them
        if place is None:
            assert api.ApiError.from_json(error.to_json()).to_dict()["details"]["context"]["k"] == float(value)
            continue
        with pytest.raises(ModelError) as info:
            error.to_json()
        assert info.value.path == place and reason in str(info.value)
    nested: Any = []
    for _ in range(1020):  # 1021 arrays; with the object, details and context: 1024 levels
        nested = [nested]
    context["k"] = nested
    api.ApiError.from_json(error.to_json())
    context["k"] = [nested]
    with pytest.raises(ModelError) as info:
        error.to_json()
    assert "deeper than 1024 levels" in str(info.value)


def test_datetimes_are_written_in_range() -> None:
    from llm_analytics_hub.models.v1_0_0.api import TimeRange

    early = TimeRange(start=datetime(5, 1, 1, tzinfo=UTC), end=datetime(2024, 1, 1, tzinfo=UTC))
    assert early.to_dict()["start"] == "0005-01-01T00:00:00Z"
    assert TimeRange.from_json(early.to_json()) == early
    before_year_one = TimeRange(start=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), end=early.end)
    with pytest.raises(ModelError) as info:
        before_year_one.to_json()
    assert info.value.path == "/start"
