"""The documents every cross-language agreement test runs: each schema example of every type and
version, every corpus payload (schemas/corpus/<version>/*.json, valid and invalid) and
MUTANTS_PER_DOCUMENT seeded mutants (tests/mutations.py) of each valid one; AnalyticsEvent documents
also once without a forced version (dispatch on `schema_version`), plus the schema_version edge cases.

`python_outcome(case)` is the Python validator's verdict that every other language must match.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mutations import mutants

from llm_analytics_hub import Validator
from llm_analytics_hub.errors import HubError
from llm_analytics_hub.pointer import join as pointer
from llm_analytics_hub.schema_store import AREAS, SchemaSet, load_version
from llm_analytics_hub.validation.findings import Finding
from llm_analytics_hub.versions import available_versions

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "schemas" / "corpus"
MUTANTS_PER_DOCUMENT = 8


@dataclass(frozen=True)
class Case:
    type_name: str  # qualified: area.Name
    version: str | None  # None: dispatch on schema_version, as `llm-hub validate` does
    origin: str
    document: Any


@cache
def schema_sets() -> tuple[SchemaSet, ...]:
    return tuple(load_version(v) for v in available_versions())


def corpus_payloads(schemas: SchemaSet) -> Iterator[tuple[str, str, Any, bool]]:
    """(qualified type, origin, payload, listed as valid) of the corpus of one version, as far as it exists."""
    folder = CORPUS / schemas.version
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        area = path.name.split(".", 1)[0]
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            name = str(entry["type"])
            try:
                qualified = schemas.lookup(name if "." in name or area not in AREAS else f"{area}.{name}").qualified
            except HubError:
                qualified = schemas.lookup(name).qualified
            yield qualified, f"corpus {schemas.version}/{path.name}[{index}]", entry["payload"], \
                path.name.endswith(".valid.json")


@cache
def cases() -> tuple[Case, ...]:
    found: list[Case] = []
    for schemas in schema_sets():
        version = schemas.version
        bases: dict[str, list[tuple[str, Any]]] = {t.qualified: [] for t in schemas.types}
        for entry in schemas.types:
            bases[entry.qualified] += [(f"{version} example {i}", example) for i, example in enumerate(entry.examples)]
        for qualified, origin, payload, valid in corpus_payloads(schemas):
            if valid:
                bases[qualified].append((origin, payload))
            else:
                found.append(Case(qualified, version, origin, payload))
        for qualified, documents in bases.items():
            others = [doc for _, doc in documents]
            for origin, document in documents:
                found.append(Case(qualified, version, origin, document))
                for mutant in mutants(document, f"{qualified}|{origin}", MUTANTS_PER_DOCUMENT, others):
                    found.append(Case(qualified, version, f"{origin}, {mutant.description}", mutant.document))
    events = [c for c in found if c.type_name == "events.AnalyticsEvent"]
    found += [Case(c.type_name, None, f"{c.origin} (dispatched)", c.document) for c in events]
    example = schema_sets()[0].lookup("events.AnalyticsEvent").examples[0]
    for label, value in (("absent", None), ("unknown", "9.9.9"), ("not a string", 1), ("empty", "")):
        document = {k: v for k, v in example.items() if k != "schema_version"}
        if value is not None:
            document["schema_version"] = value
        found.append(Case("events.AnalyticsEvent", None, f"schema_version {label} (dispatched)", document))
    return tuple(found)


@cache
def python_validator(type_name: str, version: str | None) -> Validator:
    return Validator(type_name, version, native=False)  # the reference every other language matches: Python alone




def python_outcome(case: Case) -> tuple[bool, list[str], list[str]]:
    """(valid, sorted set of instance locations, keywords) of the Python validator."""
    findings = python_validator(case.type_name, case.version).check(case.document)
    return not findings, sorted({f.instance_path for f in findings}), [f.keyword for f in findings]


def python_hints(case: Case) -> list[list[str]]:
    """The Python validator's hints as sorted unique [instance location, hint] pairs (validation/hints.py)."""
    findings = python_validator(case.type_name, case.version).check(case.document)
    return [list(pair) for pair in sorted({(f.instance_path, f.hint) for f in findings if f.hint is not None})]


# --- the harness protocol shared by every language's agreement test ------------------------------
#
# A harness (a Node script, a Rust/Go/Java test binary, ...) reads NDJSON lines
#   {"version": "1.0.0" | null, "type": "area.Name", "text": "<the document as JSON text>"}
# (null version: dispatch on the document's schema_version, as `llm-hub validate` does) and writes
# one line per input line, in order:
#   {"valid": bool, "errors": [{"instance_path", "keyword", "message", "hint"?}, ...], "reserialized": text | null}
# where "reserialized" is the document written back by the language's typed model (null when it
# does not decode). Instance locations are the refined ones (a failed anyOf whose document indicates
# a branch is reported by that branch's errors: llm_analytics_hub.validation.unions, docs/errors.md);
# "hint" is present for a near miss (python_hints gives Python's). The text is passed as a string so
# that no JSON parser on the way rounds a number.


def write_cases(path: Path, every: tuple[Case, ...] | list[Case]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for case in every:
            out.write(json.dumps({"version": case.version, "type": case.type_name,
                                  "text": json.dumps(case.document, ensure_ascii=False)}) + "\n")


def read_results(text: str, expected: int) -> list[dict[str, Any]]:
    # "\n" only: str.splitlines also breaks at U+2028, U+0085 and the like, which a harness may echo raw
    results = [json.loads(line) for line in text.split("\n") if line.strip()]
    assert len(results) == expected, f"harness answered {len(results)} lines for {expected} cases"
    return results


def disagreements(every: tuple[Case, ...] | list[Case], results: list[dict[str, Any]],
                  known: dict[tuple[str, str | None, str], str],
                  outcome: Callable[[Case], tuple[bool, list[str], list[str]]] | None = None) -> list[str]:
    """One line per case where a harness's verdict or set of instance locations differs from Python's;
    `known` lists the cases that may differ (each must still differ, else it is reported as stale).
    `outcome` is the Python side (default `python_outcome`; `refined_outcome` for the issue-15 rule)."""
    problems = []
    for case, result in zip(every, results, strict=True):
        valid, paths, keywords = (outcome or python_outcome)(case)
        theirs = sorted({e["instance_path"] for e in result["errors"]})
        differs = valid != result["valid"] or (not valid and paths != theirs)
        listed = (case.type_name, case.version, case.origin) in known
        if differs and not listed:
            problems.append(f"{case.type_name} @ {case.version or 'dispatch'} {case.origin}: "
                            f"{'valid' if result['valid'] else theirs} vs Python {'valid' if valid else paths} "
                            f"{keywords}\n    document: {json.dumps(case.document)[:300]}")
        elif listed and not differs:
            problems.append(f"{case.origin}: listed as a known disagreement but now agrees; remove it")
    return problems


# --- error-location refinement (issue 15) ---------------------------------------------------------
#
# When an `anyOf` fails and the instance indicates one branch, a validator reports that branch's
# errors at their own (deeper) locations instead of one `anyOf` error at the union:
# (a) nullable form `anyOf [X, {"type": "null"}]` and a non-null instance -> X's errors;
# (b) data-carrying enum `anyOf [{"type": "string", "enum": [...]}, {object with exactly one required
#     member K}, ...]`: a string -> the enum branch's errors; an object with exactly one member named
#     like some variant's K -> that variant's errors;
# (c) otherwise the single `anyOf` error at the union's location. Refinement applies recursively.
# `refined_outcome(case)` is `python_outcome` under that rule, computed from python-jsonschema's
# branch errors (`error.context`); where Python already refines, the two are equal.


def _indicated_branch(branches: Any, instance: Any) -> int | None:
    if not isinstance(branches, list):
        return None
    nulls = [i for i, b in enumerate(branches) if b == {"type": "null"}]
    if len(branches) == 2 and len(nulls) == 1:
        return None if instance is None else 1 - nulls[0]
    first = branches[0] if branches else {}
    if not (isinstance(first, dict) and first.get("type") == "string" and "enum" in first):
        return None
    keys = []
    for branch in branches[1:]:
        required = branch.get("required") if isinstance(branch, dict) else None
        if branch.get("type") != "object" or not isinstance(required, list) or len(required) != 1:
            return None
        keys.append(required[0])
    if isinstance(instance, str):
        return 0
    if isinstance(instance, dict) and len(instance) == 1:
        (key,) = instance
        return keys.index(key) + 1 if key in keys else None
    return None


def _refined(error: Any) -> list[Any]:
    if error.validator != "anyOf":
        return [error]
    index = _indicated_branch(error.validator_value, error.instance)
    branch = [e for e in error.context if index is not None and e.relative_schema_path[0] == index]
    return [leaf for sub in branch for leaf in _refined(sub)] if branch else [error]


@cache
def _lenient_validator(type_name: str, version: str | None) -> Validator:
    return Validator(type_name, version, lenient=True)


def refined_outcome(case: Case, lenient: bool = False) -> tuple[bool, list[str], list[str]]:
    """`python_outcome` with the issue-15 refinement applied (see above); `lenient`: of the lenient reading."""
    validator = (_lenient_validator if lenient else python_validator)(case.type_name, case.version)
    findings = validator.check(case.document)
    keywords = [f.keyword for f in findings]
    if "anyOf" not in keywords:
        return not findings, sorted({f.instance_path for f in findings}), keywords
    compiled = validator._compile(validator.version_of(case.document))
    assert not isinstance(compiled, Finding)
    leaves = [leaf for error in compiled.reference.iter_errors(case.document) for leaf in _refined(error)]
    formats = {tuple(e.absolute_path) for e in leaves if e.validator == "format"}
    leaves = [e for e in leaves if not (e.validator == "pattern" and tuple(e.absolute_path) in formats)]
    return False, sorted({pointer(e.absolute_path) for e in leaves}), [str(e.validator) for e in leaves]
