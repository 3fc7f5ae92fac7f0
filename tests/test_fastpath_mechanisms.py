"""Each shortcut of the msgspec fast path (the one that runs without the native checker), fed exactly
the inputs on which it and the schemas disagree (validation/fastpath.py, validation/core.py):

- the canonical decoder reads uuids natively, which also takes forms the schemas refuse;
- "re-encoding gives the input back" stands in for a duplicate-member check;
- the declared schema_version is read from the bytes before decoding;
- a stream whose documents are not in canonical form makes the prover skip the canonical try;
- blocks are cut into lines with BytesIO instead of bytes.split.

The rule everywhere: the fast path may only say "valid" when the reference says so, and the
verdict a user sees (`validate_stream`, `check_lines`) is the reference's.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation import Validator, validate_stream
from llm_analytics_hub.validation.core import check_lines
from llm_analytics_hub.validation.fastpath import compile_fast_path

REFERENCE = Validator(engine="reference")
EVENTS = load_version("1.0.0").lookup("AnalyticsEvent").examples


def canonical(document: dict[str, Any]) -> bytes:
    """The document as the fast path's canonical decoder writes it (members in schema order)."""
    schemas = load_version("1.0.0")
    fast = compile_fast_path(schemas, schemas.lookup("AnalyticsEvent"))
    assert fast is not None and fast.canonical is not None
    return msgspec.json.encode(fast.canonical.decode(json.dumps(document).encode()))


def second_precision(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "timestamp": "2024-01-15T10:30:00Z"}


BASE = second_precision(EVENTS[0])
BASE_LINE = canonical(BASE)
EVENT_ID = BASE["event_id"].encode()


def verdicts(raw: bytes, validator: Validator | None = None) -> tuple[bool, bool, bool]:
    """(fast path proves it, the stream's verdict, the reference's verdict)."""
    checker = validator or Validator(native=False)
    proven = checker.fast_label(raw) is not None
    (result,) = validate_stream([raw], checker)
    try:
        expected = REFERENCE.is_valid(json.loads(raw))
    except json.JSONDecodeError:
        expected = False
    return proven, result.valid, expected


def test_the_canonical_line_is_proven_by_the_canonical_decoder() -> None:
    assert BASE_LINE.startswith(b'{"event_id":"') and verdicts(BASE_LINE) == (True, True, True)


@pytest.mark.parametrize("variant", [
    EVENT_ID.replace(b"-", b""),  # 32 hex digits: msgspec reads it, the pattern refuses it
    EVENT_ID.upper(),  # the pattern accepts it; not canonical, so the exact decoder decides
    b"{" + EVENT_ID + b"}",
    b"urn:uuid:" + EVENT_ID,
    EVENT_ID[:-1],
    EVENT_ID[:8] + b"_" + EVENT_ID[9:],
])
def test_uuid_forms_the_native_reading_takes_more_loosely(variant: bytes) -> None:
    raw = BASE_LINE.replace(EVENT_ID, variant)
    proven, streamed, expected = verdicts(raw)
    assert streamed == expected, variant
    assert not proven or expected, f"fast path proved {variant!r}, which the schemas refuse"


def test_an_uppercase_uuid_is_still_proven_by_the_exact_decoder() -> None:
    assert verdicts(BASE_LINE.replace(EVENT_ID, EVENT_ID.upper())) == (True, True, True)


@pytest.mark.parametrize("duplicate", [
    lambda line: line.replace(b'{"event_id":', b'{"event_id":"' + EVENT_ID + b'","event_id":', 1),
    lambda line: line.replace(b'"tags":{', b'"tags":{"app":"shadowed",', 1),
    lambda line: line.replace(b'"severity":"info"', b'"severity":"info","severity":"info"', 1),
    # a \u escape (an escaped ":" would be counted on one side only) next to a dropped member
    lambda line: line.replace(b'"tags":{', b'"tags":{"a\\u003ab":"x","a\\u003ab":"y",', 1),
])
def test_duplicate_members_are_never_proven(duplicate: Any) -> None:
    raw = duplicate(BASE_LINE)
    assert raw != BASE_LINE
    proven, streamed, _ = verdicts(raw)
    assert not proven and not streamed  # the parser rejects duplicate members (not JSON as producers write it)


def test_other_spacing_is_proven_by_counting_and_escapes_go_to_the_precise_engine() -> None:
    for raw in (json.dumps(BASE).encode(), json.dumps(BASE, indent=1).encode().replace(b"\n", b" "),
                BASE_LINE + b" \r"):
        assert verdicts(raw) == (True, True, True), raw[:80]
    # an escaped character makes colon counting unsafe: not proven, and still valid
    assert verdicts(BASE_LINE.replace(b'"gpt-4o"', b'"gpt\\u002d4o"')) == (False, True, True)


def as_1_1_0(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "schema_version": "1.1.0"}


@pytest.mark.parametrize(("text", "what"), [
    (json.dumps(as_1_1_0(BASE)), "declares 1.1.0"),
    (json.dumps({k: v for k, v in BASE.items() if k != "schema_version"}), "declares nothing: 1.0.0"),
    (json.dumps({**BASE, "schema_version": "9.9.9"}), "an unknown version"),
    (json.dumps(as_1_1_0(BASE)).replace('"schema_version": "1.1.0"', '"schema_version": "1\\u002e1.0"'),
     "the version written with an escape"),
    (json.dumps(as_1_1_0(BASE)).replace('"schema_version": ', '"schema_version" : '), "space before the colon"),
    (json.dumps(as_1_1_0(BASE), separators=(",", ":")), "compact"),
    # a nested member of the same name, ahead of the top-level one, names the other version
    (json.dumps({"payload": {"payload_type": "custom", "data": {"schema_version": "1.0.0", "x": 1}},
                 **{k: v for k, v in as_1_1_0(BASE).items() if k != "payload"}}, separators=(",", ":")),
     "a nested schema_version first"),
    (json.dumps({"payload": {"payload_type": "custom", "data": {"schema_version": "1.1.0", "x": 1}},
                 **{k: v for k, v in BASE.items() if k != "payload"}}, separators=(",", ":")),
     "a nested 1.1.0 in a 1.0.0 event"),
    (json.dumps({**as_1_1_0(BASE), "trace_id": "0af7651916cd43dd8448eb211c80319c"}), "a 1.1.0-only member"),
    (json.dumps({**BASE, "trace_id": "0af7651916cd43dd8448eb211c80319c"}), "a 1.1.0 member in 1.0.0"),
])
def test_version_dispatch_from_the_bytes_decides_like_the_reference(text: str, what: str) -> None:
    raw = text.encode()
    proven, streamed, _ = verdicts(raw)
    document = json.loads(raw)
    expected = not Validator(engine="reference").check(document)
    assert streamed == expected, what
    assert not proven or expected, what


def test_interleaved_versions_are_each_proven_once() -> None:
    lines = [(json.dumps(as_1_1_0(e)) if i % 2 else json.dumps(e)).encode() for i, e in enumerate(EVENTS)]
    validator = Validator(native=False)
    assert all(validator.fast_label(line) is not None for line in lines)
    outcome = check_lines(b"\n".join(lines), validator, "mixed")
    assert (outcome.documents, len(outcome.invalid)) == (len(EVENTS), 0)


def test_a_stream_in_another_form_pauses_the_canonical_try_without_changing_verdicts() -> None:
    """32 spaced-out documents (not canonical) make the prover skip the canonical decoder; the
    32-hex uuid that follows must still be refused, and canonical documents still proven."""
    validator = Validator(native=False)
    spaced = [json.dumps(second_precision(e)).encode() for e in EVENTS] * 2
    bad = BASE_LINE.replace(EVENT_ID, EVENT_ID.replace(b"-", b""))
    stream = [*spaced, bad, BASE_LINE, bad, *spaced, BASE_LINE]
    results = list(validate_stream(stream, validator))
    expected = [REFERENCE.is_valid(json.loads(line)) for line in stream]
    assert [r.valid for r in results] == expected
    assert expected.count(False) == 2


def test_block_lines_keep_their_numbers_whatever_the_line_ends() -> None:
    valid, invalid = json.dumps(BASE).encode(), json.dumps({**BASE, "severity": "loud"}).encode()
    block = b"\n".join([valid, b"", b" \t", valid + b"\r", invalid, b"\x0b", b"\r", invalid + b" "]) + b"\n" + valid
    outcome = check_lines(block, Validator(native=False), "block")
    assert outcome.lines == 9
    assert outcome.documents == 6  # the \x0b line is a document (not JSON), the \r and blank ones are not
    assert {(r.line, r.valid) for r in outcome.invalid} == {(5, False), (6, False), (8, False)}
    assert sum(outcome.valid_by_label.values()) == 3
    kept = check_lines(block, Validator(native=False), "block", keep=True)
    assert kept.valid_lines == [valid, valid + b"\r", valid] and kept.invalid_lines[0] == invalid


def with_data(document: dict[str, Any], **data: Any) -> dict[str, Any]:
    payload = document["payload"]
    return {**document, "payload": {**payload, "data": {**payload["data"], **data}}}


ERROR_RATE = EVENTS[2]


@pytest.mark.parametrize(("document", "what"), [
    (with_data(ERROR_RATE, total_requests=12500.0), "an integral float for an integer: JSON Schema takes it"),
    (with_data(ERROR_RATE, total_requests=2**64 - 1), "the u64 maximum, beyond msgspec's int64 bounds"),
    (with_data(ERROR_RATE, total_requests=2**64), "one past the u64 maximum"),
    (with_data(ERROR_RATE, total_requests=-1), "below the u64 minimum"),
    (with_data(ERROR_RATE, total_requests=True), "a bool is not an integer"),
    (with_data(ERROR_RATE, error_breakdown={"timeout": 1, 5: 2}), "a non-string member name"),
    ({**BASE, "event_id": BASE["event_id"].replace("-", "")}, "a uuid without hyphens"),
    ({**BASE, "timestamp": "2024-01-15 10:30:00Z"}, "a date-time with a space"),
    ({**BASE, "undeclared": 1}, "an undeclared member"),
    ({**BASE, "schema_version": "1.1.0", "trace_id": "0af7651916cd43dd8448eb211c80319c"}, "a 1.1.0 event"),
    (as_1_1_0({**BASE, "payload": {"payload_type": "telemetry", "data": {"telemetry_type": "latency"}}}),
     "a 1.1.0 event missing its data members"),
])
def test_parsed_documents_take_the_dict_fast_path_one_sidedly(document: dict[str, Any], what: str) -> None:
    """`Validator.check(dict)` converts with msgspec first; wherever msgspec reads a Python value
    otherwise than JSON Schema, the verdict must still be the reference's."""
    fast = Validator(native=False).check(document)
    reference = Validator(engine="reference").check(document)
    assert {f.instance_path for f in fast} == {f.instance_path for f in reference}, what
    assert bool(fast) == bool(reference), what
    assert Validator(native=False).is_valid(document) == (not reference), what



def test_labels_of_invalid_documents_follow_the_variant_chain() -> None:
    """`label_of` reads the tag values directly; it must name what `variant_chain` walks through."""
    from mutations import mutants

    from llm_analytics_hub.schema_view.layout import label_of, tagged_union, union_members, variant_chain

    for version in ("1.0.0", "1.1.0"):
        folder = load_version(version)
        entry = folder.lookup("AnalyticsEvent")
        (holder, member_type), = union_members(folder, entry)
        union = tagged_union(folder, member_type)
        assert tagged_union(folder, entry) is None and union is not None
        documents = [m.document for e in EVENTS for m in mutants(e, f"labels|{version}", 12, list(EVENTS))]
        for document in [*EVENTS, *documents]:
            inner = document.get(holder) if isinstance(document, dict) else None
            if isinstance(inner, dict):
                tags = [v for _, _, v in variant_chain(folder, union.entry, inner) if v is not None]
                expected = "/".join(tags) if tags else f"(no {union.tag})"
            else:
                expected = f"(no {holder})"
            assert label_of(folder, entry, document) == expected, document


def test_the_uuid_check_without_regex_equals_the_schemas_pattern() -> None:
    import random
    import re

    from llm_analytics_hub.text_checks import is_uuid_text as _is_uuid
    from llm_analytics_hub.validation.fastpath import UUID_PATTERN

    pattern = re.compile(UUID_PATTERN[:-1] + r"\Z")  # ECMA `$`: no final newline
    rng = random.Random(7)
    alphabet = "0123456789abcdefABCDEFxg-_ \n\u0660\u00e9{}"
    valid = "940eee3c-ba6f-475c-ae84-496e7857dd86"
    cases = [valid, valid.upper(), valid.replace("-", ""), valid + "\n", "\u0669" + valid[1:], ""]
    for _ in range(20_000):
        text = list(valid)
        for _ in range(rng.randint(1, 3)):
            text[rng.randrange(len(text))] = rng.choice(alphabet)
        cases.append("".join(text)[: rng.choice([35, 36, 36, 36, 37])])
    assert sum(_is_uuid(c) for c in cases) > 1000
    for case in cases:
        assert _is_uuid(case) == bool(pattern.search(case)), repr(case)
