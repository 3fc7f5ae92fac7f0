"""Hints for near misses (validation/hints.py): the rule on its own, and every hint on the corpus.

The corpus notes name the intended member of each typo'd member ("typo'd member Data for the
optional data", "series written twice, once misspelled as Series"): those hints are checked against
the notes. Every other hint, and every enum or unexpected-member error left without one, is listed
in tests/data/corpus_hints.tsv, reviewed by hand; run `.venv/bin/python tests/test_validate_hints.py`
to rewrite it after a deliberate change of the rule, and review its diff.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from agreement_cases import Case, cases, python_validator

from llm_analytics_hub.validation.hints import closeness, member_hint, suggestion, value_hint, words

TABLE = Path(__file__).resolve().parent / "data" / "corpus_hints.tsv"
HINTED = ("enum", "additionalProperties", "unevaluatedProperties")
# typo'd members the rule leaves without a hint, and why (checked: they do get none)
NO_HINT = {
    "corpus 1.0.0/metadata.invalid.json[147]": "deployed: deployed_at and deployed_by are equally close",
}
NOTE_TYPOS = (  # (pattern, group of the wrong name, group of the intended one)
    (re.compile(r"^typo'd member (\S+) for the optional (\S+) "), 1, 2),
    (re.compile(r"^(\S+) written twice, once misspelled as (\S+) "), 2, 1),
    (re.compile(r"^(?:\S+: )?typo (\S+) for (\S+) inside"), 1, 2),
    (re.compile(r"^producer typo (\S+) for (\S+)$"), 1, 2),
)


# --- the rule ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("wrong", "candidate", "level"), [
    ("Data", "data", 1), ("perPage", "per_page", 1), ("llm-costops", "llm-cost-ops", 1), ("data ", "data", 1),
    ("TokenGenerated", "token_generated", 1), ("INDIRECT_CAUSE", "indirect_cause", 1),
    ("succes", "success", 2), ("stdev", "stddev", 2), ("mi", "min", 2), ("mail", "email", 2),
    ("performance_degradatio", "performance_degradation", 2), ("lantecy_ms", "latency_ms", 2),
    ("total_latency", "total_latency_ms", 2),  # long keys may be two edits apart
    ("created", "created_at", 3), ("type", "field_type", 3), ("observatory", "llm-observatory", 3),
    ("time_offset", "time_offset_ms", 2), ("resolution", "resolution_minutes", 3),
])
def test_near_misses_of_member_names_and_values(wrong: str, candidate: str, level: int) -> None:
    assert closeness(wrong, candidate, value=False) == level
    assert closeness(wrong, candidate, value=True) == level


@pytest.mark.parametrize(("wrong", "candidate"), [
    ("previous_value", "value"),  # a qualifier in front names another thing
    ("fine_tuned_model", "model"),
    ("ok", "success"), ("a", "ab"),  # too short for an edit
    ("cause", "caused_by"), ("deny", "block"), ("1h", "one_hour"),
    ("", "data"), ("_", "data"),
])
def test_far_names_are_not_close(wrong: str, candidate: str) -> None:
    assert closeness(wrong, candidate, value=True) is None
    assert closeness(wrong, candidate, value=False) is None


def test_extra_trailing_words_are_close_for_values_only() -> None:
    assert closeness("latency_ms", "latency", value=True) == 3  # telemetry_type "latency_ms"
    assert closeness("throughput_event", "throughput", value=True) == 3
    assert closeness("payload_type", "payload", value=False) is None  # the member payload_type is not payload


def test_words_split_on_separators_and_camel_case_and_lower_ascii_only() -> None:
    assert words("totalLatency_ms") == ("total", "latency", "ms")
    assert words("HTTPStatus") == ("httpstatus",)  # no step inside a run of capitals
    assert words("p99Ms") == ("p99", "ms")
    assert words("Ärger-X") == ("Ärger", "x")  # only ASCII letters are folded: every language agrees


def test_only_a_unique_closest_candidate_is_suggested() -> None:
    assert suggestion("Data", ["data", "date"], value=False) == "data"  # level 1 beats level 2
    assert suggestion("success", ["all_success", "partial_success"], value=True) is None  # a tie
    assert suggestion("deployed", ["deployed_at", "deployed_by"], value=False) is None
    assert suggestion("Data", ["Data", "data"], value=False) == "data"  # never the wrong name itself
    assert suggestion("zzz", ["data"], value=True) is None


def test_hint_texts() -> None:
    assert value_hint("llm-costops", ["llm-observatory", "llm-cost-ops"]) == 'did you mean "llm-cost-ops"?'
    assert value_hint(3, ["three"]) is None
    assert member_hint(["total_latency"], ["total_latency_ms", "ttft_ms"]) == 'did you mean "total_latency_ms"?'
    assert member_hint(["perPage", "Data", "bogus"], ["data", "per_page"]) == \
        'did you mean "data" for "Data", "per_page" for "perPage"?'
    assert member_hint(["bogus"], ["data"]) is None
    # names are JSON-quoted: a quote or newline in a member name stays inside its string
    assert member_hint(['na"me\n'], ['na"me']) == 'did you mean "na\\"me"?'


# --- the corpus ----------------------------------------------------------------------------------

@cache
def corpus_rows() -> tuple[tuple[str, str, str, str], ...]:
    """(origin, instance location, keyword, hint or "-") of every enum and unexpected-member finding on
    the invalid corpus documents (each validated with its version forced)."""
    rows = []
    for case in corpus_cases():
        for f in python_validator(case.type_name, case.version).check(case.document):
            if f.keyword in HINTED:
                rows.append((case.origin, f.instance_path, f.keyword, f.hint or "-"))
    return tuple(rows)


@cache
def corpus_cases() -> tuple[Case, ...]:
    return tuple(c for c in cases() if c.version is not None and c.origin.startswith("corpus ")
                 and ".invalid.json[" in c.origin and "," not in c.origin)


def corpus_notes() -> dict[str, dict[str, object]]:
    import json

    from agreement_cases import CORPUS

    notes = {}
    for path in sorted(CORPUS.glob("*/*.invalid.json")):
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            notes[f"corpus {path.parent.name}/{path.name}[{index}]"] = entry
    return notes


def test_typo_hints_name_the_member_the_notes_say_was_meant() -> None:
    notes = corpus_notes()
    checked = 0
    problems = []
    for case in corpus_cases():
        note = str(notes[case.origin]["note"])
        for pattern, wrong_group, meant_group in NOTE_TYPOS:
            match = pattern.search(note)
            if match is None:
                continue
            wrong, meant = match.group(wrong_group), match.group(meant_group)
            hinted = [f for f in python_validator(case.type_name, case.version).check(case.document) if f.hint]
            unexpected = [f for f in hinted if f.keyword != "enum"]
            expected = [] if case.origin in NO_HINT else [f'did you mean "{meant}"?']
            if [f.hint for f in unexpected] != expected or (expected and wrong not in unexpected[0].message):
                problems.append(f"{case.origin} ({note}): {[(f.instance_path, f.hint) for f in hinted]}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 130, checked  # the corpus holds 139 typo'd member names


def test_every_corpus_hint_is_the_reviewed_one() -> None:
    """Hints on enum values and tags, and each enum or unexpected-member error that must stay without
    one (no close candidate, or two equally close), as listed in corpus_hints.tsv."""
    assert TABLE.is_file(), f"{TABLE} is missing: run .venv/bin/python tests/test_validate_hints.py"
    listed = [tuple(line.split("\t")) for line in TABLE.read_text(encoding="utf-8").splitlines()[1:] if line]
    found = ["\t".join(row) for row in corpus_rows()]
    expected = ["\t".join(row) for row in listed]
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    assert not missing and not extra, (
        "corpus hints differ from tests/data/corpus_hints.tsv (rewrite it with "
        "`.venv/bin/python tests/test_validate_hints.py` and review the diff):\n"
        + "\n".join([f"- {row}" for row in missing[:20]] + [f"+ {row}" for row in extra[:20]]))
    hinted = sum(1 for row in corpus_rows() if row[3] != "-")
    assert hinted >= 250 and len(corpus_rows()) - hinted >= 150, (hinted, len(corpus_rows()))


def write_table() -> None:
    lines = ["origin\tinstance_path\tkeyword\thint"] + ["\t".join(row) for row in corpus_rows()]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {TABLE} ({len(lines) - 1} rows)")


if __name__ == "__main__":
    write_table()
