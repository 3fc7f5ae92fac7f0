"""`from_dict`'s fast object loader (runtime/objects.py: `data[...]` for required members, member
counting for closed objects, tagged unions calling their variants' loaders directly) decides as its
careful twin: same verdict, same JSON pointer and message, same objects with the same wire memory.

Inputs: every example, corpus payload and seeded mutant of every version (tests/agreement_cases.py),
and Python objects no JSON parser makes but a caller may pass: dict subclasses (a defaultdict
answers `data[key]` for a missing key), tuples for arrays, str and int subclasses, booleans and
5.0 for integers, NaN, enum members, UUID and datetime objects, members with a key that is not a
string.
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from mutations import walk
from test_models_fast_json import deep, event_examples, model_cases, model_class, with_leaf

from llm_analytics_hub.runtime import ModelError
from llm_analytics_hub.runtime.kinds import ObjectShape
from llm_analytics_hub.runtime.model import binding_of
from llm_analytics_hub.runtime.objects import careful_object_loader


class Text(str):
    pass


class Count(int):
    pass


class Mixed(str, Enum):  # noqa: UP042  # str() of a (str, Enum) member is not its value
    INFO = "info"


class Keyed(dict[str, Any]):
    pass


_CAREFUL: dict[type, Any] = {}


def careful(cls: Any, data: Any) -> Any:
    if cls not in _CAREFUL:
        shape = binding_of(cls).shape
        _CAREFUL[cls] = careful_object_loader(cls, shape) if isinstance(shape, ObjectShape) else binding_of(cls).load
    return _CAREFUL[cls](data)


def outcome(cls: Any, data: Any, reference: bool) -> Any:
    try:
        made = careful(cls, data) if reference else cls.from_dict(data)
    except ModelError as error:
        return ("error", error.path, str(error))
    try:  # from_dict keeps whatever an any-typed member holds; to_dict refuses what is not JSON (bytes, NaN)
        written: Any = json.dumps(made.to_dict())
    except ModelError as error:
        written = ("refused on write", error.path, str(error))
    return ("ok", deep(made), written)


def assert_same(cls: Any, data: Any, origin: str) -> None:
    assert outcome(cls, data, False) == outcome(cls, data, True), f"{cls.__name__} {origin}: {data!r}"


def test_every_case_decides_alike() -> None:
    checked = 0
    for case in model_cases():
        assert_same(model_class(case.type_name, str(case.version)), case.document, case.origin)
        checked += 1
    assert checked > 10_000


def replaced_containers(value: Any) -> Iterator[Any]:
    """The document with each object in turn made a dict subclass, and each array a tuple."""
    for path, item in walk(value):
        if isinstance(item, dict):
            for kind in (lambda d: defaultdict(lambda: None, d), OrderedDict, Keyed):
                yield replace(value, path, kind(item))
            yield replace(value, path, {**item, 5: "not a string key"})
        elif isinstance(item, list):
            yield replace(value, path, tuple(item))


def replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    place = copy
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return copy


def replaced_leaves(document: Any) -> Iterator[Any]:
    for path, value in walk(document):
        if isinstance(value, str):
            options: tuple[Any, ...] = (Text(value), Mixed.INFO, UUID(int=5), datetime(2024, 1, 1, tzinfo=UTC), b"x")
        elif isinstance(value, bool):
            options = (1, Count(1))
        elif isinstance(value, int | float):
            options = (True, Count(int(value)), float(int(value)), float("nan"), float("inf"), 2**70, -(2**64))
        else:
            continue
        for option in options:
            yield replace(document, path, option)


@pytest.mark.parametrize("index", range(len(event_examples())))
def test_python_objects_decide_alike(index: int) -> None:
    cls, example = event_examples()[index]
    count = 0
    for data in (*replaced_containers(example), *replaced_leaves(example)):
        assert_same(cls, data, "python object")
        count += 1
    assert count > 50


def test_a_defaultdict_does_not_fill_a_missing_member() -> None:
    cls, example = event_examples()[0]
    data = defaultdict(lambda: "production", with_leaf(example, (), example))
    del data["environment"]
    with pytest.raises(ModelError) as info:
        cls.from_dict(data)
    assert "missing required member 'environment'" in str(info.value)


def test_the_fast_loader_decides_valid_documents_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a detour: on a valid document the fast object loader never calls its careful twin."""
    from llm_analytics_hub.runtime import objects

    calls: list[str] = []
    counting: list[type | None] = [None]  # the class whose fast loader runs on a valid document

    def counting_twin(cls: type, shape: ObjectShape) -> Any:
        twin = careful_object_loader(cls, shape)

        def load(data: Any, skip: Any = None) -> Any:
            if counting[0] is cls:  # nested: an untagged union tries variants that may fail
                calls.append(cls.__name__)
            return twin(data, skip)

        return load

    monkeypatch.setattr(objects, "careful_object_loader", counting_twin)
    checked = 0
    for case in model_cases():
        cls = model_class(case.type_name, str(case.version))
        shape = binding_of(cls).shape
        if not isinstance(shape, ObjectShape):
            continue
        try:
            careful(cls, case.document)
        except ModelError:
            continue
        fast = objects.object_loader(cls, shape)
        counting[0] = cls
        made = fast(case.document)
        counting[0] = None
        assert deep(made) == deep(careful(cls, case.document))
        checked += 1
    assert checked > 3000 and not calls, (checked, calls[:5])


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_a_number_json_cannot_hold_is_refused(value: float) -> None:
    """JSON has no NaN or infinity: loaded, such a value could only be written back as null."""
    cls, example = event_examples()[0]
    data = json.loads(json.dumps(example))
    data["payload"]["data"]["total_latency_ms"] = value
    with pytest.raises(ModelError) as info:
        cls.from_dict(data)
    assert info.value.path == "/payload/data/total_latency_ms"
    assert "finite number" in str(info.value)
