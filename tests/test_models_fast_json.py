"""`from_json`'s fast path (msgspec into mirror Structs, runtime/mirror.py) decides exactly as the
careful path (orjson + the dict loader): same verdict, same JSON pointer and message, same objects
down to their wire memory, int/float types and remembered timestamp/UUID text.

The inputs are every example, corpus payload (valid and invalid) and seeded mutant of every version
(tests/agreement_cases.py), and the texts where a JSON decoder and the schemas can disagree:
duplicate members, integers at the i64/u64 edges, 5.0 for an integer, NaN and 1e400, `\\u` escapes,
lone surrogates, invalid UTF-8, calendar-invalid and non-RFC 3339 timestamps, odd UUIDs, unknown
members, null vs absent and wrong union tags.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any
from uuid import UUID

import msgspec
import pytest
from agreement_cases import Case, cases
from mutations import DATE_TIME_NEAR_MISSES, UUID_NEAR_MISSES, walk

from llm_analytics_hub.runtime import Model, ModelError
from llm_analytics_hub.runtime.mirror import Mirror, NoMirror
from llm_analytics_hub.runtime.model import parse_json
from llm_analytics_hub.schema_store import load_version

MARK = "\x00mark\x00"  # a string leaf replaced by a raw JSON token after serializing


def model_class(type_name: str, version: str) -> Any:
    area, name = type_name.split(".")
    module = importlib.import_module(f"llm_analytics_hub.models.v{version.replace('.', '_')}.{area}")
    found = getattr(module, name)
    return found if isinstance(found, type) and issubclass(found, Model) else None


def careful(cls: Any, text: Any) -> Any:
    """Today's loader of a JSON text: orjson (json for what orjson refuses) and the dict loader."""
    return cls._hub.load(parse_json(text))


def deep(value: Any) -> Any:
    """Everything that tells two loaded objects apart, wire memory and number types included."""
    if isinstance(value, Model):
        return (type(value).__name__, tuple((key, deep(item)) for key, item in value.__dict__.items()))
    if isinstance(value, datetime):
        return ("datetime", type(value).__name__, value.isoformat(), repr(value.tzinfo), getattr(value, "wire", None))
    if isinstance(value, UUID):
        return ("uuid", type(value).__name__, str(value), getattr(value, "wire", None))
    if isinstance(value, Enum):
        return ("enum", type(value).__name__, value.name)
    if isinstance(value, dict):
        return ("dict", tuple((key, deep(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(deep(item) for item in value))
    return (type(value).__name__, repr(value))


def outcome(load: Any, cls: Any, text: Any) -> Any:
    try:
        made = load(cls, text) if load is careful else cls.from_json(text)
    except ModelError as error:
        return ("error", error.path, str(error))
    written = made.to_json()  # a lone surrogate read from a \u escape is written back escaped
    assert json.loads(written) == made.to_dict()
    return ("ok", deep(made), written)


def assert_same(cls: Any, text: Any, origin: str) -> Any:
    fast, slow = outcome(None, cls, text), outcome(careful, cls, text)
    assert fast == slow, f"{cls.__name__} {origin}: {text!r}"
    return fast


# --- every example, corpus payload and mutant ----------------------------------------------------

def model_cases() -> list[Case]:
    return [case for case in cases() if case.version is not None and model_class(case.type_name, case.version)]


def test_every_case_decides_alike() -> None:
    checked = 0
    for case in model_cases():
        cls = model_class(case.type_name, str(case.version))
        for text in (json.dumps(case.document).encode(), json.dumps(case.document, ensure_ascii=False)):
            assert_same(cls, text, case.origin)
        checked += 1
    assert checked > 10_000


def decided_by_mirror(cls: Any, text: bytes) -> bool:
    struct_type, converter = mirror_of(cls)
    try:
        converter(msgspec.json.decode(text, type=struct_type))
    except (ValueError, msgspec.MsgspecError):
        return False
    return True


@cache
def mirror_of(cls: Any) -> tuple[Any, Any]:
    return Mirror().model(cls)


def test_the_mirror_decides_the_valid_documents_itself() -> None:
    """The fast path is not a detour to the careful one: it loads nearly every valid document."""
    valid = mirrored = 0
    for case in model_cases():
        cls = model_class(case.type_name, str(case.version))
        text = json.dumps(case.document).encode()
        try:
            careful(cls, text)
        except ModelError:
            continue
        try:
            mirror_of(cls)
        except NoMirror:
            continue
        valid += 1
        mirrored += decided_by_mirror(cls, text)
    assert valid > 3000 and mirrored / valid > 0.95, (valid, mirrored)
    events = importlib.import_module("llm_analytics_hub.models.v1_0_0.events")
    for example in load_version("1.0.0").lookup("AnalyticsEvent").examples:
        assert decided_by_mirror(events.AnalyticsEvent, json.dumps(example).encode())


# --- texts where a decoder and the schemas can disagree ------------------------------------------

NUMBER_TOKENS = ("9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                 "18446744073709551615", "18446744073709551616", "4294967295", "4294967296", "-1", "5.0", "5",
                 "-0", "-0.0", "1E2", "1e400", "-1e400", "1e-400", "NaN", "Infinity", "123456789012345678901234567890",
                 "0.1", "1.0000000000000002", "true", "null", '"5"')
STRING_TOKENS = ('"\\u0041\\u00e9\\u4e2d"', '"\\ud800"', '"\\udc00x"', '"\\ud83d\\ude00"', '"a\\u0000b"', '""',
                 '"\\/\\b\\f\\n\\r\\t"', "5", "null", "[]", "{}")


def event_examples() -> list[tuple[Any, dict[str, Any]]]:
    found = []
    for version in ("1.0.0", "1.1.0"):
        events = importlib.import_module(f"llm_analytics_hub.models.v{version.replace('.', '_')}.events")
        examples = load_version(version).lookup("AnalyticsEvent").examples
        found += [(events.AnalyticsEvent, example) for example in examples]
    return found


def with_leaf(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(document))
    if not path:
        return value
    place = copy
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return copy


def without(document: Any, path: tuple[Any, ...]) -> Any:
    copy = json.loads(json.dumps(document))
    place = copy
    for step in path[:-1]:
        place = place[step]
    del place[path[-1]]
    return copy


def token_texts(document: Any, path: tuple[Any, ...], tokens: tuple[str, ...]) -> Iterator[bytes]:
    text = json.dumps(with_leaf(document, path, MARK))
    for token in tokens:
        yield text.replace(json.dumps(MARK), token).encode()


def edge_texts(document: dict[str, Any]) -> Iterator[Any]:
    for path, value in walk(document):
        if isinstance(value, bool) or value is None:
            yield from token_texts(document, path, ("0", "1", '"true"', "null"))
        elif isinstance(value, int | float):
            yield from token_texts(document, path, NUMBER_TOKENS)
        elif isinstance(value, str):
            yield from token_texts(document, path, STRING_TOKENS)
            near = DATE_TIME_NEAR_MISSES if "T" in value and value[:4].isdigit() else UUID_NEAR_MISSES \
                if value.count("-") == 4 else ("other", value.upper(), value + " ")
            for text in near:
                yield json.dumps(with_leaf(document, path, text)).encode()
            yield json.dumps(with_leaf(document, path, value)).encode().replace(b'"' + value.encode() + b'"',
                                                                                b'"\xff"', 1)
        elif isinstance(value, dict) and path:
            yield json.dumps(with_leaf(document, path, None)).encode()
        if isinstance(value, dict):
            yield json.dumps(with_leaf(document, path, {**value, "zzz_unknown": 1})).encode()
            for key, item in value.items():
                yield json.dumps(with_leaf(document, (*path, key), None)).encode()
                yield json.dumps(without(document, (*path, key))).encode()
                yield from duplicated(document, path, key, item)
        if path and path[-1] in ("payload_type", "telemetry_type", "security_type", "cost_type", "governance_type"):
            for tag in ("nope", "latency", "threat", "custom", "token_cost", "audit_trail", "\u0000no-such-tag"):
                yield json.dumps(with_leaf(document, path, tag)).encode()


def duplicated(document: Any, path: tuple[Any, ...], key: str, item: Any) -> Iterator[bytes]:
    """The member `key` written twice: before (another value) and after (its own), and the reverse."""
    for first, second in ((5, item), (item, 5), (item, item), ("nope", item)):
        marked = with_leaf(document, (*path, key), MARK)
        pair = f"{json.dumps(key)}: {json.dumps(first)}, {json.dumps(key)}: {json.dumps(second)}"
        yield json.dumps(marked).replace(f"{json.dumps(key)}: {json.dumps(MARK)}", pair).encode()


@pytest.mark.parametrize("index", range(len(event_examples())))
def test_edge_texts_decide_alike(index: int) -> None:
    cls, example = event_examples()[index]
    count = 0
    for text in edge_texts(example):
        assert_same(cls, text, "edge")
        count += 1
    assert count > 100


def test_other_inputs_decide_alike() -> None:
    cls, example = event_examples()[0]
    text = json.dumps(example)
    for data in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode()), text + "\n", " " + text,
                 text + "x", "", "null", "[]", "{}", "{not json", text.replace("{", "{\"a\": NaN, ", 1),
                 text.replace('"', '"\ud800', 1)):
        assert_same(cls, data, "input")


def test_wrong_input_reports_the_pointer_through_the_fast_path() -> None:
    cls, example = event_examples()[2]  # telemetry/error_rate
    document = json.loads(json.dumps(example))
    document["payload"]["data"]["total_requests"] = 5.5
    with pytest.raises(ModelError) as info:
        cls.from_json(json.dumps(document))
    assert info.value.path == "/payload/data/total_requests"


def test_the_date_time_shape_check_equals_the_producer_form_pattern() -> None:
    """`is_producer_date_time` (digits to 0, one of nine shapes) replaced this regex in the mirror:
    it must accept exactly the same texts, whatever digit, letter or non-ASCII digit lands where."""
    import random
    import re

    from llm_analytics_hub.text_checks import is_producer_date_time

    pattern = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                         r"(?:\.[0-9]{3}|\.[0-9]{6})?(?:Z|[+-][0-9]{2}:[0-9]{2})")
    rng = random.Random(11)
    alphabet = "0123456789-+:.TtZz \n\u0660\u0669\u00e9x"
    forms = ["2024-01-15T10:30:00Z", "2024-01-15T10:30:00.123Z", "2024-01-15T10:30:00.123456+02:00",
             "2024-01-15T10:30:00-05:30", "2024-01-15T10:30:00.123-00:00", "2024-01-15T10:30:00.123456Z"]
    cases = [*forms, "", "2024-01-15T10:30:00", "2024-01-15T10:30:00.1234Z", "2024-01-15 10:30:00Z"]
    for _ in range(30_000):
        text = list(rng.choice(forms))
        for _ in range(rng.randint(1, 2)):
            text[rng.randrange(len(text))] = rng.choice(alphabet)
        cut = rng.choice([None, None, None, -1, 1])
        cases.append("".join(text)[:cut] if cut != 1 else "".join(text) + rng.choice(alphabet))
    assert sum(is_producer_date_time(c) for c in cases) > 3_000  # digits swapped for digits, mostly
    for case in cases:
        assert is_producer_date_time(case) == bool(pattern.fullmatch(case)), repr(case)
