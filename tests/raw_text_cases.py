"""The raw-text corpus (tests/data/raw_texts.ndjson) and the CLI's verdict on each of its texts.

Each line of the corpus is `{"type": "area.Name", "version": "X.Y.Z" | null, "text": "...", "note": "..."}`:
one raw text at an edge of JSON (a member named twice, a number beyond the double range, deep nesting,
byte order marks, surrogates, ...). `text` is the document's text exactly; a lone surrogate in it (raw,
not an escape) stands for bytes that are not UTF-8: `text_bytes` writes it as Python's "surrogatepass"
does (ED A0 80 for U+D800).

The expected verdict of every package's text entry point is the CLI's: `cli_outcomes()` runs
`llm-hub validate --format json` once per (type, version), each text in its own `.json` file (one
document per text, a byte order mark at its start allowed, as for a file).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_TEXTS = ROOT / "tests" / "data" / "raw_texts.ndjson"


@dataclass(frozen=True)
class RawText:
    type_name: str
    version: str | None
    text: str
    note: str

    @property
    def data(self) -> bytes:
        return text_bytes(self.text)

    @property
    def is_utf8(self) -> bool:
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@cache
def raw_texts() -> tuple[RawText, ...]:
    found = []
    for line in RAW_TEXTS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if "text" in row:  # "text_base64" rows are bytes that are not UTF-8: tests/test_raw_texts.py feeds them
            found.append(RawText(row["type"], row["version"], row["text"], row["note"]))
    return tuple(found)


@dataclass(frozen=True)
class CliOutcome:
    valid: bool
    paths: tuple[str, ...]  # sorted instance locations
    keywords: tuple[str, ...]


@cache
def cli_outcomes() -> tuple[CliOutcome, ...]:
    """The verdict of `llm-hub validate` on each corpus text, in corpus order."""
    every = raw_texts()
    groups: dict[tuple[str, str | None], list[int]] = {}
    for index, raw in enumerate(every):
        groups.setdefault((raw.type_name, raw.version), []).append(index)
    outcomes: dict[int, CliOutcome] = {}
    with tempfile.TemporaryDirectory() as folder:
        for (type_name, version), indexes in groups.items():
            paths = []
            for index in indexes:
                path = Path(folder) / f"text-{index:04d}.json"
                path.write_bytes(every[index].data)
                paths.append(str(path))
            command = [sys.executable, "-m", "llm_analytics_hub.cli", "validate", "--schema", type_name,
                       "--format", "json", *(["--schema-version", version] if version else []), *paths]
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
            assert done.returncode in (0, 1), done.stderr
            invalid = {}
            for line in done.stdout.splitlines():
                record = json.loads(line)
                if "file" in record:
                    invalid[record["file"]] = record["errors"]
            for index, path in zip(indexes, paths, strict=True):
                errors = invalid.get(path, [])
                outcomes[index] = CliOutcome(not errors, tuple(sorted({e["instance_path"] for e in errors})),
                                             tuple(e["keyword"] for e in errors))
    return tuple(outcomes[i] for i in range(len(every)))


def disagreements(answers: list[tuple[bool, list[str]]], how: str) -> list[str]:
    """One line per corpus text on which (valid, instance locations) of a package differ from the CLI's."""
    problems = []
    for raw, expected, (valid, paths) in zip(raw_texts(), cli_outcomes(), answers, strict=True):
        if valid != expected.valid or (not valid and sorted(set(paths)) != list(expected.paths)):
            problems.append(f"{how}: {raw.note}: {'valid' if valid else sorted(set(paths))} vs the CLI's "
                            f"{'valid' if expected.valid else list(expected.paths)} {list(expected.keywords)}\n"
                            f"    text: {raw.text[:160]!r}")
    return problems
