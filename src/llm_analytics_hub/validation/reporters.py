"""Render validation results: text for people, NDJSON for machines, GitHub workflow annotations,
SARIF 2.1.0 for code scanning, JUnit XML for Jenkins and GitLab."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from ..errors import InputError
from .chunks import BlockOutcome
from .findings import DocumentResult, Finding

if TYPE_CHECKING:  # imported by the JUnit reporter when it writes: most runs report otherwise
    import xml.etree.ElementTree as ET


@dataclass
class Tally:
    """Exact counts of one run."""

    documents: int = 0
    valid: int = 0
    invalid: int = 0
    by_label: dict[str, list[int]] = field(default_factory=dict)  # label -> [valid, invalid]
    by_keyword: Counter[str] = field(default_factory=Counter)
    by_source: dict[str, list[int]] = field(default_factory=dict)  # input -> [documents, invalid]
    unreadable: list[str] = field(default_factory=list)

    def add_block(self, outcome: BlockOutcome) -> None:
        self.documents += outcome.documents
        per_source = self.by_source.setdefault(outcome.source, [0, 0])
        per_source[0] += outcome.documents
        per_source[1] += len(outcome.invalid)
        for label, count in outcome.valid_by_label.items():
            self.valid += count
            self.by_label.setdefault(label, [0, 0])[0] += count
        for result in outcome.invalid:
            self.invalid += 1
            self.by_label.setdefault(result.label, [0, 0])[1] += 1
            self.by_keyword.update(f.keyword for f in result.errors)

    def as_dict(self) -> dict[str, object]:
        summary: dict[str, object] = {"documents": self.documents, "valid": self.valid, "invalid": self.invalid}
        if self.unreadable:
            summary["unreadable_inputs"] = list(self.unreadable)
        return summary


class Reporter:
    """Base: prints nothing per document, a short summary at the end."""

    def __init__(self, out: TextIO, err: TextIO, *, max_errors: int | None = None, quiet: bool = False) -> None:
        self.out = out
        self.err = err
        self.max_errors = max_errors
        self.quiet = quiet
        self.shown = 0
        self.hidden = 0

    def _take(self, errors: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The errors still to print under --max-errors; the rest are only counted."""
        if self.quiet:
            self.hidden += len(errors)
            return ()
        room = len(errors) if self.max_errors is None else max(0, self.max_errors - self.shown)
        taken = errors[:room]
        self.shown += len(taken)
        self.hidden += len(errors) - len(taken)
        return taken

    def invalid_document(self, result: DocumentResult) -> None:
        raise NotImplementedError

    def input_error(self, error: InputError) -> None:
        self.err.write(f"llm-hub: error: {error}\n")

    def finish(self, tally: Tally) -> None:
        raise NotImplementedError


def _where(instance_path: str) -> str:
    return instance_path or "(root)"


def _one_line(text: str) -> str:
    """Messages quote member names and values as written; keep each error on its own line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _message(f: Finding) -> str:
    """The message, and the hint after it when there is one."""
    return f.message if f.hint is None else f"{f.message}; {f.hint}"


class TextReporter(Reporter):
    def invalid_document(self, result: DocumentResult) -> None:
        for f in self._take(result.errors):
            where = _one_line(_where(f.instance_path))
            hint = "" if f.hint is None else f" {_one_line(f.hint)}"
            self.out.write(f"{result.source}:{result.line}: {where}: {_one_line(f.message)} [{f.keyword}]{hint}\n")

    def finish(self, tally: Tally) -> None:
        write = self.out.write
        write(f"{tally.documents} documents: {tally.valid} valid, {tally.invalid} invalid\n")
        if tally.by_label:
            parts = []
            for label, (ok, bad) in sorted(tally.by_label.items(), key=lambda kv: (-sum(kv[1]), kv[0])):
                parts.append(f"{label} {ok + bad}" + (f" ({bad} invalid)" if bad else ""))
            write("by type: " + ", ".join(parts) + "\n")
        if tally.by_keyword:
            ranked = sorted(tally.by_keyword.items(), key=lambda kv: (-kv[1], kv[0]))  # ties: by name, on any engine
            write("errors by keyword: " + ", ".join(f"{k} {n}" for k, n in ranked) + "\n")
        if self.hidden and not self.quiet:
            write(f"({self.hidden} more errors not shown; --max-errors {self.max_errors})\n")
        if tally.unreadable:
            write(f"unreadable inputs: {', '.join(tally.unreadable)}\n")


class JsonReporter(Reporter):
    """NDJSON: one object per invalid document, then a summary object (DESIGN.md §4)."""

    def invalid_document(self, result: DocumentResult) -> None:
        if self.quiet:
            return
        errors = self._take(result.errors)
        record = {"file": result.source, "line": result.line, "valid": False,
                  "errors": [f.as_dict() for f in errors]}
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def finish(self, tally: Tally) -> None:
        self.out.write(json.dumps({"summary": tally.as_dict()}) + "\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: one ::error annotation per error."""

    def invalid_document(self, result: DocumentResult) -> None:
        for f in self._take(result.errors):
            title = escape_property(f"{f.keyword} at {_where(f.instance_path)}")
            place = f"file={escape_property(result.source)},line={result.line}," if result.source != "<stdin>" else ""
            self.out.write(f"::error {place}title={title}::{escape_data(_message(f))}\n")

    def input_error(self, error: InputError) -> None:
        self.out.write(f"::error file={escape_property(error.source)}::{escape_data(str(error))}\n")

    def finish(self, tally: Tally) -> None:
        self.out.write(f"::notice title=llm-hub validate::{tally.documents} documents: "
                       f"{tally.valid} valid, {tally.invalid} invalid\n")


@dataclass(frozen=True)
class _Shown:
    """An invalid document as the buffering reporters keep it: the errors to show, how many in all."""

    result: DocumentResult
    errors: tuple[Finding, ...]


class _Buffered(Reporter):
    """Formats that are one document (SARIF, JUnit XML): collect, write everything at the end."""

    def __init__(self, out: TextIO, err: TextIO, *, max_errors: int | None = None, quiet: bool = False) -> None:
        super().__init__(out, err, max_errors=max_errors, quiet=quiet)
        self.invalid: list[_Shown] = []
        self.input_errors: list[InputError] = []

    def invalid_document(self, result: DocumentResult) -> None:
        self.invalid.append(_Shown(result, self._take(result.errors)))

    def input_error(self, error: InputError) -> None:
        self.input_errors.append(error)


SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
KEYWORD_HELP = {
    "parse": "The line or file is not one JSON document.",
    "schema_version": "The document's schema_version names no known schema version.",
}


def artifact_uri(source: str) -> str:
    """A file name as a SARIF URI reference: relative paths stay relative (to the checkout)."""
    path = PurePath(source)
    if path.is_absolute():
        return "file://" + quote(path.as_posix(), safe="/")
    return quote(PurePath(os.path.normpath(source)).as_posix(), safe="/")


class SarifReporter(_Buffered):
    """SARIF 2.1.0: one result per error, its rule the failing keyword; counts in the run's properties."""

    def finish(self, tally: Tally) -> None:
        from .. import __version__

        keywords = sorted({f.keyword for shown in self.invalid for f in shown.errors})
        index = {keyword: i for i, keyword in enumerate(keywords)}
        rules = [{"id": k, "name": k, "shortDescription": {"text": KEYWORD_HELP.get(
            k, f"The document fails the JSON Schema keyword {k!r}.")}} for k in keywords]
        results = [self._result(shown.result, f, index[f.keyword]) for shown in self.invalid for f in shown.errors]
        notifications = [{"level": "error", "message": {"text": str(error)},
                          "locations": [self._location(error.source, error.line or None)]}
                         for error in self.input_errors]
        run: dict[str, Any] = {
            "tool": {"driver": {"name": "llm-hub", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": not self.input_errors,
                             "toolExecutionNotifications": notifications}],
            "results": results,
            "properties": {**tally.as_dict(), "errors_not_shown": self.hidden},
        }
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        self.out.write(json.dumps(log, ensure_ascii=False, indent=2) + "\n")

    @staticmethod
    def _location(source: str, line: int | None) -> dict[str, Any]:
        if source == "<stdin>":
            return {"message": {"text": "standard input"}}
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(source)}}
        if line:
            physical["region"] = {"startLine": line}
        return {"physicalLocation": physical}

    def _result(self, result: DocumentResult, finding: Finding, rule_index: int) -> dict[str, Any]:
        location = self._location(result.source, result.line)
        if finding.instance_path:
            location["logicalLocations"] = [{"fullyQualifiedName": finding.instance_path, "kind": "element"}]
        return {
            "ruleId": finding.keyword, "ruleIndex": rule_index, "level": "error", "kind": "fail",
            "message": {"text": f"{_where(finding.instance_path)}: {finding.message}"},
            "locations": [location],
            "properties": {"instance_path": finding.instance_path, "schema_path": finding.schema_path,
                           "document": result.label},
        }


# Characters XML 1.0 cannot carry at all; a message quoting a member name may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class JunitReporter(_Buffered):
    """JUnit XML: a <testsuite> per input whose counts are its documents; a <testcase> with a <failure>
    per invalid document, one with an <error> per unreadable input, one passing <testcase> for the
    valid documents of each input."""

    def finish(self, tally: Tally) -> None:
        import xml.etree.ElementTree as ET

        by_source: dict[str, list[_Shown]] = {}
        for shown in self.invalid:
            by_source.setdefault(shown.result.source, []).append(shown)
        errors_by_source: dict[str, list[InputError]] = {}
        for error in self.input_errors:
            errors_by_source.setdefault(error.source, []).append(error)
        root = ET.Element("testsuites", self._counts("llm-hub validate", tally.documents, tally.invalid,
                                                      len(self.input_errors)))
        for source in dict.fromkeys([*tally.by_source, *errors_by_source]):
            documents, invalid = tally.by_source.get(source, [0, 0])
            suite = ET.SubElement(root, "testsuite", self._counts(
                source, documents, invalid, len(errors_by_source.get(source, []))))
            for shown in by_source.get(source, []):
                self._failure(suite, shown)
            for error in errors_by_source.get(source, []):
                case = ET.SubElement(suite, "testcase", {"classname": xml_text(source), "name": "read input"})
                ET.SubElement(case, "error", {"type": "unreadable", "message": xml_text(str(error))})
            if documents > invalid:
                valid = documents - invalid
                ET.SubElement(suite, "testcase", {"classname": xml_text(source),
                                                  "name": f"{valid} valid document{'s' if valid != 1 else ''}"})
        ET.indent(root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")

    @staticmethod
    def _counts(name: str, tests: int, failures: int, errors: int) -> dict[str, str]:
        return {"name": xml_text(name), "tests": str(tests), "failures": str(failures), "errors": str(errors),
                "skipped": "0"}

    @staticmethod
    def _failure(suite: ET.Element, shown: _Shown) -> None:
        import xml.etree.ElementTree as ET

        result = shown.result
        case = ET.SubElement(suite, "testcase", {
            "classname": xml_text(result.source), "name": xml_text(f"line {result.line}: {result.label}"),
            "file": xml_text(result.source), "line": str(result.line)})
        total = len(result.errors)
        first = result.errors[0]
        summary = f"{_where(first.instance_path)}: {first.message}"
        if total > 1:
            summary += f" (and {total - 1} more error{'s' if total > 2 else ''})"
        lines = [f"{result.source}:{result.line}: {_where(f.instance_path)}: {f.message} [{f.keyword}]"
                 for f in shown.errors]
        if len(shown.errors) < total:
            lines.append(f"({total - len(shown.errors)} more errors not shown; --max-errors)")
        failure = ET.SubElement(case, "failure", {"type": first.keyword, "message": xml_text(summary)})
        failure.text = xml_text("\n".join(lines))


REPORTERS: dict[str, type[Reporter]] = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter,
                                        "sarif": SarifReporter, "junit": JunitReporter}
