"""The inputs every engine test validates, and the single-machine verdicts they must reproduce.

Inputs: every corpus payload (one NDJSON file per area, validated as AnalyticsEvent streams with
per-document version dispatch, and one file per catalogue type for typed runs), the sample files,
the bad-input cases that apply to line streams, several files, .gz, a .json document, empty files,
and a file of many blocks. `local_verdict` runs them through the single-machine path of
`llm-hub validate` (the same runner the CLI uses, one process).
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_analytics_hub.errors import InputError
from llm_analytics_hub.schema_store import load_version
from llm_analytics_hub.validation.core import BlockOutcome, ValidatorSpec
from llm_analytics_hub.validation.findings import DocumentResult
from llm_analytics_hub.validation.inputs import collect_sources
from llm_analytics_hub.validation.reporters import Tally
from llm_analytics_hub.validation.run import local_runner

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "schemas" / "corpus"
EXAMPLES = load_version("1.0.0").lookup("AnalyticsEvent").examples
VALID = json.dumps(EXAMPLES[0])
INVALID = json.dumps({**EXAMPLES[0], "total_latency": 1.0})
BIG_BLOCK = 1 << 14  # the block size the engine tests use, so that a small file spans many parts

Findings = tuple[tuple[str, str, str, str, str | None], ...]


@dataclass(frozen=True)
class Verdict:
    """What a run concluded, in a form every engine's result can be brought to."""

    counts: tuple[int, int, int]  # documents, valid, invalid
    by_label: tuple[tuple[str, int, int], ...]  # label, valid, invalid
    by_keyword: tuple[tuple[str, int], ...]
    invalid: tuple[tuple[str, int | None, str, Findings], ...]  # file, line, label, findings (sorted)
    unreadable: tuple[str, ...]


def verdict(tally: Tally, invalid: Iterable[DocumentResult], *, lines: bool = True) -> Verdict:
    rows = sorted((r.source, r.line if lines else None, r.label,
                   tuple((f.instance_path, f.schema_path, f.keyword, f.message, f.hint) for f in r.errors))
                  for r in invalid)
    return Verdict((tally.documents, tally.valid, tally.invalid),
                   tuple(sorted((label, ok, bad) for label, (ok, bad) in tally.by_label.items())),
                   tuple(sorted(tally.by_keyword.items())), tuple(rows), tuple(sorted(tally.unreadable)))


def local_verdict(paths: Sequence[str], spec: ValidatorSpec | None = None, *, lines: bool = True) -> Verdict:
    tally = Tally()
    invalid: list[DocumentResult] = []
    for item in local_runner((spec or ValidatorSpec()).build(), 1)(collect_sources(paths)):
        if isinstance(item, InputError):
            tally.unreadable.append(item.source)
            continue
        assert isinstance(item, BlockOutcome)
        tally.add_block(item)
        invalid += item.invalid
    return verdict(tally, invalid, lines=lines)


def documents_in(folder: Path) -> list[bytes]:
    """Every document of the quarantine outputs under `folder`: one per NDJSON line, one per .json file."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [data] if path.suffix == ".json" else [line for line in data.split(b"\n") if line]
    return sorted(found)


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def bad_lines() -> bytes:
    """The bad-input cases of tests/test_validate_cli.py that apply to a line stream, one after the other."""
    invalid_utf8 = VALID.replace('"gpt-4o"', '"gpt-4o-\udcff"').encode("utf-8", "surrogateescape")
    rng = random.Random(7)
    noise = b"\n".join(rng.randbytes(rng.randrange(0, 60)).replace(b"\n", b" ") for _ in range(10))
    cases = [
        b"", VALID.encode(), b"   ", b"\t\r", INVALID.encode(),  # blank lines keep numbering exact
        VALID.encode() + b"\r",  # CRLF
        b"this is not json",
        b"\xef\xbb\xbf" + VALID.encode(),  # a byte order mark in the middle of a file
        invalid_utf8,
        VALID.replace('"ttft_ms": 312.4', '"ttft_ms": NaN').encode(),
        json.dumps({**EXAMPLES[2], "payload": {**EXAMPLES[2]["payload"], "data": {
            **EXAMPLES[2]["payload"]["data"], "total_requests": 2**64}}}).encode(),  # beyond u64
        b"[" * 2000 + b"]" * 2000,  # nesting deeper than the parser's limit
        VALID.replace('"event_type":', '"event_type": "x", "event_type":', 1).encode(),  # duplicate member
        json.dumps({**EXAMPLES[0], "padding_note": "x" * (3 * BIG_BLOCK)}).encode(),  # longer than a block
        noise,
        VALID[: len(VALID) // 2].encode(),  # truncated last line
    ]
    assert b"NaN" in cases[9] and cases[12].count(b'"event_type"') == 2 and b"\xff" in invalid_utf8
    return b"\n".join(cases)


def big_stream(lines: int = 1500) -> bytes:
    out = []
    for index in range(lines):
        event = EXAMPLES[index % len(EXAMPLES)]
        if index % 97 == 0:
            out.append(json.dumps({**event, "severity": "fatal"}))
        elif index % 131 == 0:
            out.append(json.dumps(event)[:40])
        else:
            out.append(json.dumps(event))
        if index % 50 == 0:
            out.append("")
    return ("\n".join(out) + "\n").encode()


def corpus_by_area() -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for path in sorted((CORPUS / "1.0.0").glob("*.json")):
        found.setdefault(path.name.split(".", 1)[0], []).extend(e["payload"] for e in json.loads(path.read_text()))
    return found


def corpus_by_type() -> dict[tuple[str, str], list[Any]]:
    """(version, type as the corpus names it) -> payloads."""
    found: dict[tuple[str, str], list[Any]] = {}
    for path in sorted(CORPUS.glob("*/*.json")):
        area = path.name.split(".", 1)[0]
        for entry in json.loads(path.read_text()):
            name = str(entry["type"])
            found.setdefault((path.parent.name, name if "." in name else f"{area}.{name}"), []).append(entry["payload"])
    return found


def ndjson(documents: Iterable[Any]) -> str:
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)


def build(root: Path) -> dict[str, list[str]]:
    """Write the inputs under `root`; returns named groups of paths."""
    groups: dict[str, list[str]] = {"corpus": [], "types": [], "mixed": []}
    for area, payloads in corpus_by_area().items():
        groups["corpus"].append(str(_write(root / "corpus" / f"{area}.ndjson", ndjson(payloads))))
    for (version, qualified), payloads in corpus_by_type().items():
        groups["types"].append(str(_write(root / "types" / version / f"{qualified}.ndjson", ndjson(payloads))))
    examples = ROOT / "examples"
    mixed = root / "lake" / "dt=2026-11-29"
    for name in ("sample-events.ndjson", "sample-events-with-mistakes.ndjson"):
        shutil.copy(examples / name, _write(mixed / name, b""))
    _write(mixed / "sample-events-with-mistakes.ndjson.gz",
           gzip.compress((examples / "sample-events-with-mistakes.ndjson").read_bytes()))
    _write(mixed / "bad-lines.ndjson", bad_lines())
    _write(mixed / "bom-first.ndjson", b"\xef\xbb\xbf" + f"{VALID}\n{INVALID}\n".encode())
    _write(mixed / "one.json", json.dumps(EXAMPLES[1], indent=2))
    _write(mixed / "empty.ndjson", b"")
    _write(mixed / "empty.json", b"")
    big = big_stream()
    _write(root / "lake" / "dt=2026-11-30" / "big.ndjson", big)
    _write(root / "lake" / "dt=2026-11-30" / "big.ndjson.gz", gzip.compress(big))
    corrupt = bytearray(gzip.compress(big))
    corrupt[len(corrupt) // 2: len(corrupt) // 2 + 64] = bytes(64)
    _write(root / "lake" / "dt=2026-11-30" / "corrupt.ndjson.gz", bytes(corrupt))
    groups["mixed"] = sorted(str(p) for p in (root / "lake").rglob("*") if p.is_file())
    return groups
