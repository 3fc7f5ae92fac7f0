"""How often the reported error locations name the defect: the corpus invalid documents, before and after
the refinement of issue 15.

Every invalid corpus document (schemas/corpus/<version>/*.invalid.json) records the JSON pointer of
its one planted defect (`error_at`; unexpected members are pointed at their object, as JSON Schema
reports them). A document counts as located when that pointer is among the reported instance
locations, and as located exactly when every reported location is that pointer.

  before  jsonschema-rs on the self-contained bundle (generated/jsonschema): the plain engine, which
          reports a failed anyOf as one error at the union
  after   llm_analytics_hub.Validator: the union's indicated branch reported at its own locations

The same count runs over the invalid mutants of tests/mutations.py whose description names the
defect's place: "set P to <a scalar>" (the defect is at P) and "add P/name = ..." (an unexpected
member of the closed object at P, or a wrongly typed extra member P/name of an open map). Left at a
union by design: the untagged unions (rule (c) of validation/unions.py).

    .venv/bin/python bench/error_locations.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema_rs

from llm_analytics_hub import Validator
from llm_analytics_hub.errors import HubError
from llm_analytics_hub.pointer import join as pointer
from llm_analytics_hub.schema_store import AREAS, load_version
from llm_analytics_hub.validation.engines import tidy
from llm_analytics_hub.validation.findings import Finding

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "schemas" / "corpus"
BUNDLES = ROOT / "generated" / "jsonschema"


def corpus() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(version, origin, qualified type, entry) of every invalid corpus document."""
    found = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        schemas = load_version(folder.name)
        for path in sorted(folder.glob("*.invalid.json")):
            area = path.name.split(".", 1)[0]
            for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                name = str(entry["type"])
                try:
                    qualified = schemas.lookup(name if "." in name or area not in AREAS else f"{area}.{name}").qualified
                except HubError:
                    qualified = schemas.lookup(name).qualified
                found.append((folder.name, f"{folder.name}/{path.name}[{index}]", qualified, entry))
    return found


_PLAIN: dict[tuple[str, str], Any] = {}


def plain_locations(version: str, qualified: str, document: Any) -> set[str]:
    """Instance locations of jsonschema-rs alone on the type's bundle (tidied like the validator's)."""
    key = (version, qualified)
    if key not in _PLAIN:
        area, name = qualified.split(".", 1)
        bundle = json.loads((BUNDLES / version / area / f"{name}.json").read_text(encoding="utf-8"))
        _PLAIN[key] = jsonschema_rs.validator_for(bundle, validate_formats=True)
    errors = [Finding(pointer(e.instance_path), "", e.schema_path[-1] if e.schema_path else "", "")
              for e in _PLAIN[key].iter_errors(document)]
    return {f.instance_path for f in tidy(errors)}


MUTANT_PLACE = (re.compile(r", set ((\S*)) to (?![\[{])"), re.compile(r", add ((\S*)/[^/ ]*) = "))


def mutant_cases() -> list[tuple[str, str, str, set[str], Any]]:
    """(version, origin, qualified type, defect pointers, document) of the mutants that name their place."""
    sys.path.insert(0, str(ROOT / "tests"))
    from agreement_cases import cases  # the documents every agreement test runs

    found = []
    for case in cases():
        for pattern in MUTANT_PLACE:
            match = pattern.search(case.origin) if case.version is not None else None
            if match is not None:
                places = {match.group(1), match.group(2)}
                found.append((case.version, case.origin, case.type_name, places, case.document))
    return found


def mutant_rates() -> None:
    tally: Counter[str] = Counter()
    validators: dict[tuple[str, str], Validator] = {}
    for version, _, qualified, wanted, document in mutant_cases():
        checker = validators.setdefault((version, qualified), Validator(qualified, version))
        after = {f.instance_path for f in checker.check(document)}
        if not after:
            continue  # the mutation left the document valid (a null where null is allowed, ...)
        before = plain_locations(version, qualified, document)
        tally["documents"] += 1
        tally["before"] += bool(wanted & before)
        tally["after"] += bool(wanted & after)
        tally["under a union"] += not wanted & before and any(w.startswith(p + "/") for p in before for w in wanted)
        tally["left at an untagged union"] += not wanted & after
    n = tally["documents"]
    print(f"invalid mutants that name their defect's place: {n}")
    print(f"pointer among the reported locations   before {tally['before']:4d}/{n} = "
          f"{100 * tally['before'] / n:6.2f}%   after {tally['after']:4d}/{n} = {100 * tally['after'] / n:6.2f}%")
    print(f"  reported at an enclosing union by the plain engine: {tally['under a union']}; "
          f"not located after (untagged unions, by design): {tally['left at an untagged union']}")


def main() -> None:
    tally: Counter[str] = Counter()
    union_cases: list[str] = []
    still_off: list[str] = []
    validators: dict[tuple[str, str], Validator] = {}
    for version, origin, qualified, entry in corpus():
        wanted = entry.get("error_at")
        if not isinstance(wanted, str):
            continue
        checker = validators.setdefault((version, qualified), Validator(qualified, version))
        before = plain_locations(version, qualified, entry["payload"])
        after = {f.instance_path for f in checker.check(entry["payload"])}
        tally["documents"] += 1
        tally["before"] += wanted in before
        tally["after"] += wanted in after
        tally["before exact"] += before == {wanted}
        tally["after exact"] += after == {wanted}
        if wanted not in before and any(wanted.startswith(p + "/") for p in before):
            union_cases.append(origin)  # reported above its pointer: the anyOf collapse
            tally["union after"] += wanted in after
        if wanted not in after:
            still_off.append(f"{origin}: {entry['note']} (at {wanted!r}, reported {sorted(after)})")
    n = tally["documents"]

    def rate(key: str) -> str:
        return f"{tally[key]:4d}/{n} = {100 * tally[key] / n:6.2f}%"

    print(f"invalid corpus documents with a defect pointer: {n} ({CORPUS.relative_to(ROOT)})")
    print(f"pointer among the reported locations   before {rate('before')}   after {rate('after')}")
    print(f"every reported location is the pointer before {rate('before exact')}   after {rate('after exact')}")
    print(f"defects under a union that the plain engine reports at the union: {len(union_cases)}, "
          f"located after: {tally['union after']}")
    for line in still_off:
        print("  not located:", line)
    print()
    mutant_rates()


if __name__ == "__main__":
    main()
