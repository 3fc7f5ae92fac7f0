"""The raw-text corpus (tests/data/raw_texts.ndjson) and the CLI's verdict on each of its texts: the one
loader every language's "one verdict per text" test reads (issue 27).

Each line of the corpus is `{"type": "area.Name", "version": "X.Y.Z" | null, "text" | "text_base64": ...,
"note": "..."}`: one raw text at an edge of JSON (a member named twice, a number beyond the double range,
deep nesting, byte order marks, surrogates, ...). `text` is the document's text exactly; a lone surrogate
in it (raw, not an escape) stands for bytes that are not UTF-8 (`data` writes it as Python's
"surrogatepass" does: ED A0 80 for U+D800); `text_base64` carries other bytes that are not UTF-8. A text
without a version dispatches on its `schema_version`.

Harnesses whose protocol carries JSON strings take `raw_texts(utf8=True)`; those that take bytes (hex)
take every text line. The expected verdict is the CLI's: `cli_outcomes(texts)` runs `llm-hub validate
--format json` once per (type, version), each text in a `.json` file of its own (one document per text,
a byte order mark at its start allowed, as for a file).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RAW_TEXTS = ROOT / "tests" / "data" / "raw_texts.ndjson"


@dataclass(frozen=True)
class RawText:
    type_name: str
    version: str | None
    data: bytes  # the document's bytes, exactly
    note: str
    text: str | None  # the corpus's text (None for a text_base64 line)

    @property
    def is_utf8(self) -> bool:
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    @property
    def origin(self) -> str:
        return f"raw text: {self.note}"


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@cache
def corpus() -> tuple[RawText, ...]:
    """Every line of the corpus, in order."""
    found = []
    for line in RAW_TEXTS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        assert set(row) in ({"type", "version", "text", "note"}, {"type", "version", "text_base64", "note"}), row
        text = row.get("text")
        data = text_bytes(text) if text is not None else base64.b64decode(row["text_base64"])
        found.append(RawText(row["type"], row["version"], data, row["note"], text))
    return tuple(found)


@cache
def raw_texts(*, utf8: bool = False, strings: bool = True, versioned: bool = False) -> tuple[RawText, ...]:
    """The corpus lines a harness can take: `strings` keeps lines given as text (the default: harnesses
    compare against the text), `utf8` only texts that are UTF-8 (JSON-string protocols), `versioned`
    only lines with a version."""
    return tuple(raw for raw in corpus()
                 if (not strings or raw.text is not None) and (not utf8 or raw.is_utf8)
                 and (not versioned or raw.version is not None))


@dataclass(frozen=True)
class CliOutcome:
    valid: bool
    paths: tuple[str, ...]  # sorted instance locations
    keywords: tuple[str, ...]
    errors: tuple[dict[str, Any], ...]


@cache
def cli_outcomes(texts: tuple[RawText, ...] | None = None, native: bool = True) -> tuple[CliOutcome, ...]:
    """The verdict of `llm-hub validate` (with or without its native checker) on each text, in order
    (`texts` defaults to `raw_texts()`)."""
    every = raw_texts() if texts is None else texts
    groups: dict[tuple[str, str | None], list[int]] = {}
    for index, raw in enumerate(every):
        groups.setdefault((raw.type_name, raw.version), []).append(index)
    env = dict(os.environ, LLM_HUB_NATIVE="1" if native else "0")
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
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env)
            assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
            records = [json.loads(line) for line in done.stdout.splitlines()]
            assert records[-1]["summary"]["documents"] == len(indexes), records[-1]
            invalid = {record["file"]: record["errors"] for record in records if "file" in record}
            for index, path in zip(indexes, paths, strict=True):
                errors = invalid.get(path, [])
                outcomes[index] = CliOutcome(not errors, tuple(sorted({e["instance_path"] for e in errors})),
                                             tuple(e["keyword"] for e in errors), tuple(errors))
    return tuple(outcomes[i] for i in range(len(every)))


def disagreements(answers: list[tuple[bool, list[str]]], how: str,
                  texts: tuple[RawText, ...] | None = None) -> list[str]:
    """One line per text on which (valid, instance locations) of a package differ from the CLI's."""
    every = raw_texts() if texts is None else texts
    problems = []
    for raw, expected, (valid, paths) in zip(every, cli_outcomes(every), answers, strict=True):
        if valid != expected.valid or (not valid and sorted(set(paths)) != list(expected.paths)):
            problems.append(f"{how}: {raw.note}: {'valid' if valid else sorted(set(paths))} vs the CLI's "
                            f"{'valid' if expected.valid else list(expected.paths)} {list(expected.keywords)}\n"
                            f"    text: {raw.data[:160]!r}")
    return problems


def write_texts(path: Path, every: tuple[RawText, ...]) -> None:
    """UTF-8 texts in the Go/Java harness protocol: one `{"version", "type", "text"}` per line."""
    with path.open("w", encoding="utf-8") as out:
        for raw in every:
            out.write(json.dumps({"version": raw.version, "type": raw.type_name, "text": raw.data.decode()}) + "\n")


def text_disagreements(every: tuple[RawText, ...], results: list[dict[str, Any]]) -> list[str]:
    """One line per text whose verdict, instance locations or parse keyword differ from the CLI's."""
    problems = []
    for raw, expected, result in zip(every, cli_outcomes(every), results, strict=True):
        theirs = sorted({e["instance_path"] for e in result["errors"]})
        their_keywords = [e["keyword"] for e in result["errors"]]
        parse_differs = (expected.keywords == ("parse",)) != (their_keywords == ["parse"])
        differs = list(expected.paths) != theirs or parse_differs
        if expected.valid != result["valid"] or (not expected.valid and differs):
            problems.append(f"{raw.note}: {'valid' if result['valid'] else (theirs, their_keywords)} vs llm-hub "
                            f"validate {'valid' if expected.valid else (list(expected.paths), list(expected.keywords))}"
                            f"\n    text: {raw.data[:160]!r}")
    return problems
