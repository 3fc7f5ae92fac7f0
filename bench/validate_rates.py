"""The timed runs of bench/bench_validate.py: one function per measure, each returning (documents, seconds).

In-process measures time only the work on the documents: validators are compiled before the clock starts,
and the measures on parsed documents parse a block of lines untimed, then time the loop over that block
(the documents of one block are held at a time, so memory stays flat). Process measures (`llm-hub
validate`, Node) are timed from outside; Ajv is timed inside Node (its process start and compilation
excluded), the CLI end to end (process start, compilation and reporting included).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import jsonschema_rs
import msgspec
import orjson

from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation import Validator, validate_stream
from llm_analytics_hub.validation.fastpath import compile_fast_path
from llm_analytics_hub.versions import DEFAULT_VERSION

ROOT = Path(__file__).resolve().parent.parent
BUNDLES = ROOT / "generated" / "jsonschema"
AJV_SCRIPT = ROOT / "bench" / "ajv_rate.mjs"
CLI = Path(sys.executable).with_name("llm-hub")
TYPE = "AnalyticsEvent"
BLOCK = 10_000  # lines parsed (untimed) per block by the measures on parsed documents

Timing = tuple[int, float]


def version_of(document: Any) -> str:
    """The schema version a document declares, read as `llm-hub validate` reads it (absent: 1.0.0)."""
    declared = document.get("schema_version") if isinstance(document, dict) else None
    return declared if isinstance(declared, str) else DEFAULT_VERSION


def blocks(path: Path) -> Iterator[list[bytes]]:
    with path.open("rb") as handle:
        while block := list(islice(handle, BLOCK)):
            yield block


def time_parse_floor(path: Path) -> Timing:
    """orjson.loads of every line, one core: the floor every validator is compared with."""
    count = 0
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
            count += 1
    return count, time.perf_counter() - start


@cache
def typed_decoder(version: str) -> msgspec.json.Decoder[Any]:
    """The fast path's compiled msgspec type of AnalyticsEvent in `version`."""
    schemas = load_version(version)
    fast = compile_fast_path(schemas, schemas.lookup(TYPE))
    if fast is None:
        raise SystemExit(f"the fast path does not model {TYPE} {version}")
    return fast.decoder


def time_typed_decoding(path: Path, version: str) -> Timing:
    """msgspec decoding of every line into the compiled type: the ceiling of a typed decoder (one decode
    per line, rejected lines included)."""
    decode = typed_decoder(version).decode
    count = 0
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            try:  # noqa: SIM105 - a try costs nothing when nothing is raised; contextlib.suppress would
                decode(line)
            except msgspec.ValidationError:
                pass
            count += 1
    return count, time.perf_counter() - start


def time_on_parsed(path: Path, check: Callable[[Any], bool]) -> Timing:
    """`check` over the parsed documents of the file, block by block; only the checking is timed."""
    count, seconds = 0, 0.0
    for block in blocks(path):
        documents = [orjson.loads(line) for line in block]
        start = time.perf_counter()
        for document in documents:
            check(document)
        seconds += time.perf_counter() - start
        count += len(documents)
    return count, seconds


@cache
def bundle_validators() -> dict[str, Any]:
    """version -> jsonschema-rs validator of the AnalyticsEvent bundle (formats asserted)."""
    found = {}
    for bundle in sorted(BUNDLES.glob(f"*/events/{TYPE}.json")):
        schema = json.loads(bundle.read_text(encoding="utf-8"))
        found[bundle.parent.parent.name] = jsonschema_rs.validator_for(schema, validate_formats=True)
    return found


def time_jsonschema_rs(path: Path) -> Timing:
    validators = bundle_validators()

    def check(document: Any) -> bool:
        validator = validators.get(version_of(document))
        return validator is not None and bool(validator.is_valid(document))

    return time_on_parsed(path, check)


@cache
def reference_validators() -> dict[str, Any]:
    """version -> python-jsonschema Draft202012Validator of AnalyticsEvent (format assertion on)."""
    found = {}
    for version in sorted(p.name for p in BUNDLES.iterdir() if p.is_dir()):
        schemas = load_version(version)
        found[version] = schemas.reference_validator(schemas.lookup(TYPE))
    return found


def time_python_jsonschema(path: Path, subset: int) -> Timing:
    """python-jsonschema is_valid on the first `subset` parsed lines (it is too slow for all of them)."""
    validators = reference_validators()
    with path.open("rb") as handle:
        documents = [orjson.loads(line) for line in islice(handle, subset)]
    start = time.perf_counter()
    for document in documents:
        validator = validators.get(version_of(document))
        if validator is not None:
            validator.is_valid(document)
    return len(documents), time.perf_counter() - start


def ready_validator() -> Validator:
    """The library's Validator with its fast paths compiled (a one-off cost, kept out of the rates)."""
    validator = Validator()
    validator.prepare()
    return validator


def time_validate_stream(path: Path) -> Timing:
    """validate_stream over the open file: the library's streaming API, one process."""
    validator = ready_validator()
    count = 0
    start = time.perf_counter()
    with path.open("rb") as handle:
        for _result in validate_stream(handle, validator):
            count += 1
    return count, time.perf_counter() - start


def time_library_is_valid(path: Path) -> Timing:
    """Validator.is_valid over the parsed documents: the API for documents already in memory."""
    return time_on_parsed(path, ready_validator().is_valid)


def installed_env() -> dict[str, str]:
    """The environment for an llm-hub installed in another virtualenv: nothing pointing into the checkout."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LLM_HUB", "VIRTUAL_ENV"))}


def run_cli(path: Path, *options: str, env: dict[str, str] | None = None,
            cli: Path = CLI) -> tuple[float, list[dict[str, Any]]]:
    """`llm-hub validate --format json` end to end: (seconds, the NDJSON records it printed); `cli` is the
    llm-hub of another virtualenv for the rows of `--venv` (then run without this checkout's variables)."""
    base = dict(os.environ) if cli == CLI else installed_env()
    start = time.perf_counter()
    done = subprocess.run([str(cli), "validate", "--format", "json", *options, str(path)],
                          capture_output=True, check=False, env={**base, **(env or {})})
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"llm-hub validate failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return elapsed, [orjson.loads(line) for line in done.stdout.splitlines()]


def run_ajv(path: Path) -> dict[str, Any]:
    """bench/ajv_rate.mjs on the file: Ajv's counts and the seconds Node timed (see that script)."""
    done = subprocess.run(["node", str(AJV_SCRIPT), str(path), str(BUNDLES)], capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"node {AJV_SCRIPT.name} failed ({done.returncode}): {done.stderr.decode()[:500]} "
                         "(are the Node deps installed? make node-deps)")
    result: dict[str, Any] = json.loads(done.stdout)
    return result
