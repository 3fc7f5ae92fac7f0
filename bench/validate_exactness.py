"""Is `llm-hub validate` exact on a bench input? Its counts and error locations against python-jsonschema's.

The reference (python-jsonschema, format assertion on, the version each line declares) judges every line
of the file: too slow for one core at 200,000 lines, so blocks of lines go to one process per core, and
the verdicts are kept under bench/data, keyed by the input's bytes, the schemas and the jsonschema
release, so that a later run on the same input reuses them.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import orjson
from validate_rates import BLOCK, ROOT, blocks, reference_validators, version_of

from llm_analytics_hub.pointer import join as pointer

Expected = dict[int, set[str]]  # line number of each invalid line -> its error locations


def _invalid_lines(first: int, lines: list[bytes]) -> dict[int, list[str]]:
    """Runs in a worker: the reference's error locations of the invalid lines of one block."""
    validators = reference_validators()
    found = {}
    for number, line in enumerate(lines, start=first):
        document = orjson.loads(line)
        validator = validators.get(version_of(document))
        if validator is None:
            found[number] = ["/schema_version"]
        elif not validator.is_valid(document):
            found[number] = sorted({pointer(e.absolute_path) for e in validator.iter_errors(document)})
    return found


def _cache_key(path: Path) -> str:
    digest = hashlib.sha256(installed_version("jsonschema").encode())
    for schema in sorted((ROOT / "schemas").glob("[0-9]*/**/*.json")):
        digest.update(schema.read_bytes())
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def reference_verdicts(path: Path, workers: int) -> Expected:
    """The reference's invalid lines of `path` with their error locations (cached beside the input)."""
    cache = path.with_suffix(".reference.json")
    key = _cache_key(path)
    if cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return {int(line): set(locations) for line, locations in stored["invalid"].items()}
    found: dict[int, list[str]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_invalid_lines, 1 + index * BLOCK, block) for index, block in enumerate(blocks(path))]
        for future in futures:
            found.update(future.result())
    cache.write_text(json.dumps({"key": key, "invalid": found}), encoding="utf-8")
    return {line: set(locations) for line, locations in found.items()}


def compare(records: list[dict[str, Any]], expected: Expected, total: int) -> str:
    """The CLI's `--format json` records against the reference: "exact (...)" or what differs."""
    summary = records[-1]["summary"]
    got = {int(r["line"]): {str(e["instance_path"]) for e in r["errors"]} for r in records[:-1]}
    problems = []
    if summary["documents"] != total or summary["invalid"] != len(expected):
        problems.append(f"counts {summary['documents']} documents, {summary['invalid']} invalid "
                        f"!= reference {total}, {len(expected)}")
    if got.keys() != expected.keys():
        problems.append(f"{len(got.keys() ^ expected.keys())} lines differ in verdict")
    mismatched = sorted(n for n in got.keys() & expected.keys() if got[n] != expected[n])
    if mismatched:
        problems.append(f"{len(mismatched)} lines report other error locations, e.g. line {mismatched[0]}")
    return "; ".join(problems) or f"exact ({total:,} documents, {len(expected):,} invalid, locations equal)"
