"""`llm-hub convert`: option parsing and I/O only; the rewriting lives in `core.Converter`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

import click
import orjson

from ..cli_support import guarded, with_schemas
from ..errors import HubError, InputError
from ..validation.inputs import input_source, read_documents
from ..validation.parsing import ParseError, parse_document
from .core import Converter


def run_conversion(paths: Sequence[str], converter: Converter, out: TextIO, err: TextIO,
                   report: TextIO | None = None, stdin_format: str = "ndjson") -> int:
    """Convert every document; write NDJSON to `out`; return 0, 1 (some not convertible) or 2 (unreadable)."""
    failed = unreadable = documents = dropped_total = 0
    for argument in paths:
        try:
            source = input_source(argument, stdin_format)  # type: ignore[arg-type]
            for line, raw in read_documents(source):
                documents += 1
                try:
                    document = parse_document(raw)
                except ParseError as exc:
                    failed += 1
                    err.write(f"{source.name}:{line}: not converted: not JSON: {exc}\n")
                    continue
                result = converter.convert(document)
                for where in result.dropped:
                    err.write(f"{source.name}:{line}: dropped {where} "
                              f"(not in {converter.target}; document was {result.source_version})\n")
                dropped_total += len(result.dropped)
                if report is not None:
                    report.write(json.dumps({"file": source.name, "line": line, "from": result.source_version,
                                             "to": converter.target, "dropped": result.dropped,
                                             "errors": result.errors}) + "\n")
                if result.errors:
                    failed += 1
                    for error in result.errors:
                        err.write(f"{source.name}:{line}: not converted: invalid under "
                                  f"{converter.target}: {error}\n")
                    continue
                out.write(orjson.dumps(result.document).decode("utf-8") + "\n")
        except InputError as exc:
            unreadable += 1
            err.write(f"llm-hub: {exc}\n")
    err.write(f"converted {documents - failed} of {documents} document(s) to {converter.target}; "
              f"{dropped_total} member(s) dropped; {failed} not converted\n")
    if unreadable:
        return 2
    return 1 if failed else 0


@click.command("convert")
@click.argument("paths", nargs=-1, metavar="[PATH ...]")
@click.option("--to", "target", required=True, metavar="X.Y.Z", help="Target schema version (same major).")
@click.option("--schema", "schema", metavar="TYPE", help="Catalogue type of the documents (default AnalyticsEvent).")
@click.option("--from", "source", metavar="X.Y.Z",
              help="Source version (default: each document's schema_version; absent means 1.0.0).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write a JSON line per document with the dropped members' pointers.")
@click.option("--stdin-format", type=click.Choice(["ndjson", "json"]), default="ndjson", show_default=True)
@with_schemas
@guarded
def convert_command(paths: tuple[str, ...], target: str, schema: str | None, source: str | None,
                    report_path: str | None, stdin_format: str) -> None:
    """Rewrite documents for schema version --to and print them as NDJSON.

    Up: sets schema_version, invents nothing. Down: drops the members the older version lacks and
    reports every dropped member (file:line and JSON pointer) on stderr. Every output document
    validates against the target version. Exit codes: 0 converted, 1 some documents not
    convertible, 2 usage error or unreadable input.
    """
    if not paths:
        raise HubError("no input: give one or more paths, or - for stdin")
    converter = Converter(target, schema, source)
    report = open(report_path, "w", encoding="utf-8") if report_path else None  # noqa: SIM115
    try:
        code = run_conversion(paths, converter, sys.stdout, sys.stderr, report, stdin_format)
    finally:
        if report is not None:
            report.close()
    sys.stdout.flush()
    sys.exit(code)
