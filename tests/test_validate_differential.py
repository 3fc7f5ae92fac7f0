"""The fast engine and the reference (python-jsonschema with format assertion) must agree.

Documents: every schema example of every catalogue type, every corpus payload
(schemas/corpus/<version>/<area>.{valid,invalid}.json, when present) and seeded mutants of every
valid one (tests/mutations.py). For each document: the same verdict from both engines, the same
SET of error instance paths (both already tidied and refined by `Validator.check`: a failed anyOf
whose document indicates a branch is reported by that branch's errors, validation/unions.py), the
same hints (validation/hints.py), and the one-sided
property that the fast path saying "valid" implies the reference says valid. Each document is
checked twice on the fast side: parsed (`Validator.check` / `is_valid`) and as NDJSON bytes
through `validate_stream`, the path the CLI takes (with any bytes-level fast path in front).
Everything goes through the public API: `Validator(type, version, engine=..., lenient=...)`.

Where the engines cannot agree, the reference wins: such a case must be listed in
KNOWN_DISAGREEMENTS below with the reason. The comparison itself is never loosened.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import mutants

from llm_analytics_hub import Finding, Validator, validate_stream
from llm_analytics_hub.errors import HubError
from llm_analytics_hub.schema_store import AREAS, load_version

VERSION = "1.0.0"
CORPUS = Path(__file__).resolve().parents[1] / "schemas" / "corpus" / VERSION
MUTANTS_PER_DOCUMENT = 8
LENIENT_EVERY_NTH_TYPE = 3  # lenient mode runs on a third of the types (all their documents)

# (qualified type, document origin) -> why the engines cannot agree there; the reference's
# verdict is the contract. Empty: on every generated document the engines agree. An entry that
# stops disagreeing fails the test, so the list never goes stale.
KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Case:
    type_name: str  # qualified: area.Name
    origin: str  # where the document comes from, for failure messages and the allow-list
    document: Any


@cache
def corpus_entries() -> tuple[tuple[str, str, int, dict[str, Any]], ...]:
    """(qualified type, file name, index, entry) of every corpus entry; empty while the corpus is absent."""
    if not CORPUS.is_dir():
        return ()
    schemas = load_version(VERSION)
    found = []
    for path in sorted(CORPUS.glob("*.json")):
        area = path.name.split(".", 1)[0]
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            name = str(entry["type"])
            try:
                qualified = schemas.lookup(name if "." in name or area not in AREAS else f"{area}.{name}").qualified
            except HubError:
                qualified = schemas.lookup(name).qualified
            found.append((qualified, path.name, index, entry))
    return tuple(found)


@cache
def cases_by_type() -> dict[str, tuple[Case, ...]]:
    schemas = load_version(VERSION)
    bases: dict[str, list[tuple[str, Any]]] = {t.qualified: [] for t in schemas.types}
    extra: dict[str, list[Case]] = {t.qualified: [] for t in schemas.types}
    for entry in schemas.types:
        for index, example in enumerate(entry.examples):
            bases[entry.qualified].append((f"example {index}", example))
    for qualified, file_name, index, item in corpus_entries():
        origin = f"corpus {file_name}[{index}]"
        if file_name.endswith(".valid.json"):
            bases[qualified].append((origin, item["payload"]))
        else:
            extra[qualified].append(Case(qualified, origin, item["payload"]))
    result: dict[str, tuple[Case, ...]] = {}
    for qualified, documents in bases.items():
        cases = list(extra[qualified])
        others = [doc for _, doc in documents]
        for origin, document in documents:
            cases.append(Case(qualified, origin, document))
            for mutant in mutants(document, f"{qualified}|{origin}", MUTANTS_PER_DOCUMENT, others):
                cases.append(Case(qualified, f"{origin}, {mutant.description}", mutant.document))
        result[qualified] = tuple(cases)
    return result


TYPE_NAMES = sorted(t.qualified for t in load_version(VERSION).types)


@cache
def validators(type_name: str, lenient: bool) -> tuple[Validator, Validator]:
    return (Validator(type_name, VERSION, lenient=lenient),
            Validator(type_name, VERSION, lenient=lenient, engine="reference"))


@dataclass(frozen=True)
class Outcome:
    case: Case
    fast: tuple[Finding, ...]  # Validator.check of the parsed document, fast engine (tidied)
    fast_is_valid: bool  # Validator.is_valid, fast engine
    stream: tuple[Finding, ...]  # validate_stream over the document's bytes: the CLI's path, fast path included
    reference: tuple[Finding, ...]  # Validator.check with engine="reference" (tidied)


def serialized(document: Any, index: int) -> bytes:
    """The document as one NDJSON line; the spacing and escaping vary so the bytes-level fast path sees both."""
    compact = (",", ":") if index % 2 else (", ", ": ")
    return json.dumps(document, ensure_ascii=index % 5 == 4, separators=compact).encode("utf-8")


@cache
def outcomes(type_name: str, lenient: bool) -> tuple[Outcome, ...]:
    fast, reference = validators(type_name, lenient)
    cases = cases_by_type()[type_name]
    lines = [serialized(case.document, index) for index, case in enumerate(cases)]
    streamed = {result.line: result.errors for result in validate_stream(lines, fast)}
    assert sorted(streamed) == list(range(1, len(cases) + 1))
    return tuple(Outcome(case, fast.check(case.document), fast.is_valid(case.document), streamed[index + 1],
                         reference.check(case.document))
                 for index, case in enumerate(cases))


def disagreements(type_name: str, lenient: bool) -> list[str]:
    problems = []
    for outcome in outcomes(type_name, lenient):
        case = outcome.case
        reference_paths = {f.instance_path for f in outcome.reference}
        if outcome.fast_is_valid and outcome.reference:
            problems.append(f"{case.origin}: fast is_valid but the reference finds {outcome.reference}")
        if outcome.fast_is_valid != (not outcome.fast):
            problems.append(f"{case.origin}: is_valid {outcome.fast_is_valid} but check() gives {outcome.fast}")
        listed = (type_name, case.origin) in KNOWN_DISAGREEMENTS and not lenient
        disagreeing = False
        reference_hints = {(f.instance_path, f.hint) for f in outcome.reference if f.hint}
        for how, findings in (("fast", outcome.fast), ("stream", outcome.stream)):
            paths = {f.instance_path for f in findings}
            hints = {(f.instance_path, f.hint) for f in findings if f.hint}
            if hints != reference_hints and not listed:
                problems.append(f"{case.origin}: {how} hints {sorted(hints)} vs reference {sorted(reference_hints)}")
            if bool(findings) == bool(outcome.reference) and paths == reference_paths:
                continue
            disagreeing = True
            if not listed:
                problems.append(f"{case.origin}: {how} {sorted(paths)} {[f.keyword for f in findings]} vs "
                                f"reference {sorted(reference_paths)} {[f.keyword for f in outcome.reference]}\n"
                                f"    document: {json.dumps(case.document)[:400]}")
        if listed and not disagreeing:
            problems.append(f"{case.origin}: listed in KNOWN_DISAGREEMENTS but the engines now agree; remove it")
    return problems


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_engines_agree(type_name: str) -> None:
    problems = disagreements(type_name, lenient=False)
    assert not problems, f"{len(problems)} disagreement(s) for {type_name}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("type_name", TYPE_NAMES[::LENIENT_EVERY_NTH_TYPE])
def test_engines_agree_lenient(type_name: str) -> None:
    problems = disagreements(type_name, lenient=True)
    assert not problems, f"{len(problems)} lenient disagreement(s) for {type_name}:\n" + "\n".join(problems[:20])


def test_differential_corpus_is_large_and_mixed() -> None:
    """A few thousand documents, a healthy share of them invalid, every base document valid."""
    every = [outcome for name in TYPE_NAMES for outcome in outcomes(name, False)]
    assert len(every) >= 3000, len(every)
    invalid = sum(1 for outcome in every if outcome.reference)
    assert 0.3 * len(every) < invalid < 0.9 * len(every), (invalid, len(every))
    assert len(corpus_entries()) > 2000, f"{CORPUS} is missing or incomplete"
    for qualified, file_name, index, entry in corpus_entries():
        fast, reference = validators(qualified, False)
        verdict = not reference.check(entry["payload"])
        assert verdict is file_name.endswith(".valid.json"), f"corpus {file_name}[{index}] ({qualified})"
        if isinstance(entry.get("error_at"), str):  # the corpus names the pointer of its planted defect
            paths = {f.instance_path for f in fast.check(entry["payload"])}
            assert entry["error_at"] in paths, f"corpus {file_name}[{index}] ({qualified}): {paths}"


def test_every_example_is_valid_for_both_engines() -> None:
    for entry in load_version(VERSION).types:
        fast, reference = validators(entry.qualified, False)
        for index, example in enumerate(entry.examples):
            assert fast.check(example) == (), (entry.qualified, index)
            assert reference.check(example) == (), (entry.qualified, index)


# --- date-time and uuid strings: a property test through a field that $refs each definition ---

def _digits(n: int) -> st.SearchStrategy[str]:
    return st.integers(0, 10**n - 1).map(lambda v: str(v).zfill(n))


def _mostly(valid: st.SearchStrategy[str], *odd: str | st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`valid` about nine times in ten, else one of the odd variants."""
    odd_strategies = [o if isinstance(o, st.SearchStrategy) else st.just(o) for o in odd]
    return st.tuples(st.integers(0, 9), valid, st.one_of(*odd_strategies)).map(lambda t: t[2] if t[0] == 0 else t[1])


def _two_digit(low: int, high: int, *odd: str) -> st.SearchStrategy[str]:
    return _mostly(st.integers(low, high).map(lambda v: f"{v:02d}"), *odd, _digits(2), _digits(1), _digits(3))


_offset = st.one_of(
    st.sampled_from(["Z", "z", "Z", "+00:00", "-00:00"]),
    st.tuples(st.sampled_from("+-"), _two_digit(0, 23, "24"), _mostly(st.just(":"), "", "-"),
              _two_digit(0, 59, "60")).map("".join),
)
_fraction = st.one_of(st.just(""), st.integers(1, 12).flatmap(lambda n: _digits(n).map(lambda d: "." + d)),
                      st.sampled_from([".", ",5", ".\u0662"]))
DATE_TIMES = st.one_of(
    st.tuples(
        _mostly(_digits(4), "0000", "0001", "1900", "2000", _digits(3), _digits(5)),
        _mostly(st.just("-"), "/", ""),
        _two_digit(1, 12, "00", "13"),
        _mostly(st.just("-"), ""),
        _mostly(st.integers(1, 31).map(lambda v: f"{v:02d}"), "00", "32", "29", "30", "31"),
        _mostly(st.sampled_from(["T", "T", "T", "t"]), " ", "_", ""),
        _two_digit(0, 23, "24"),
        _mostly(st.just(":"), ""),
        _two_digit(0, 59, "60"),
        _mostly(st.just(":"), ""),
        _two_digit(0, 59, "60", "61", ""),
        _fraction,
        _mostly(_offset, "", " Z", "UTC", "+0200", "ZZ"),
        _mostly(st.just(""), " ", "\n", "\t", "Z", "\u0662", "\x00"),
    ).map("".join),
    st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30)),
                                            timezone(-timedelta(hours=23, minutes=59))])).map(lambda d: d.isoformat()),
    st.text(alphabet="0123456789-:TZtz.+ \u0662", max_size=30),
)

_hex_group = st.tuples(st.integers(0, 14), st.sampled_from(["lower", "upper", "mixed", "junk"])).flatmap(
    lambda spec: st.text(
        alphabet={"lower": "0123456789abcdef", "upper": "0123456789ABCDEF", "mixed": "0123456789abcdefABCDEF",
                  "junk": "0123456789abcdefgxyzG\u0662 "}[spec[1]],
        min_size=spec[0], max_size=spec[0]))
UUIDS = st.one_of(
    st.builds(lambda groups, sep, wrap: wrap.format(sep.join(groups)),
              st.tuples(*[st.one_of(_hex_group, st.integers(0, 2**(4 * n) - 1).map(lambda v, n=n: f"{v:0{n}x}"))
                          for n in (8, 4, 4, 4, 12)]).map(list),
              st.sampled_from(["-", "-", "-", "", "_", ":"]),
              st.sampled_from(["{}", "{}", "{}", "{{{}}}", "urn:uuid:{}", " {}", "{}\n", "{}\x00"])),
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
)

_EVENT = copy.deepcopy(load_version(VERSION).lookup("events.AnalyticsEvent").examples[0])


def _verdicts(member: str, value: str) -> tuple[bool, bool]:
    """(fast, reference) verdicts; the fast verdict on the NDJSON bytes (the CLI's path) must equal the parsed one."""
    document = {**_EVENT, member: value}
    fast, reference = validators("events.AnalyticsEvent", False)
    parsed = fast.is_valid(document)
    for ensure_ascii in (False, True):
        line = json.dumps(document, ensure_ascii=ensure_ascii).encode("utf-8")
        streamed = next(iter(validate_stream([line], fast))).valid
        assert streamed == parsed, f"{value!r}: validate_stream says {streamed}, Validator.is_valid says {parsed}"
    return parsed, not reference.check(document)


# deterministic (CI reproduces any failure), and no example database written into the checkout
PROPERTY_SETTINGS: dict[str, Any] = {"deadline": None, "derandomize": True, "database": None,
                                     "suppress_health_check": [HealthCheck.too_slow]}


@settings(max_examples=600, **PROPERTY_SETTINGS)
@given(DATE_TIMES)
def test_date_time_verdicts_agree(value: str) -> None:
    fast, reference = _verdicts("timestamp", value)
    assert fast == reference, f"{value!r}: fast {fast}, reference {reference}"


@settings(max_examples=400, **PROPERTY_SETTINGS)
@given(UUIDS)
def test_uuid_verdicts_agree(value: str) -> None:
    fast, reference = _verdicts("event_id", value)
    assert fast == reference, f"{value!r}: fast {fast}, reference {reference}"


@pytest.mark.parametrize("value", ["2024-01-15T10:30:00Z\n", "2024-01-15t10:30:00.5+02:00\n",
                                   "c954d3c8-4e25-466f-a5ff-1cdb8fc5b912\n"])
def test_final_newline_is_rejected_by_both_engines(value: str) -> None:
    """Python's `$` matches before a final newline, so python-jsonschema's `pattern` and rfc3339-validator
    alone would accept "<date-time>\\n"; the project's format checker refuses it, as jsonschema-rs does."""
    member = "event_id" if value[0] == "c" else "timestamp"
    assert _verdicts(member, value) == (False, False)
