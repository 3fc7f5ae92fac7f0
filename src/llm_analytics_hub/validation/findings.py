"""Validation results as plain data; reporters decide how they look."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One error in one document."""

    instance_path: str  # RFC 6901 pointer into the document ("" is the whole document)
    schema_path: str  # pointer into the schema that failed ("" for parse and version errors)
    keyword: str  # the failing JSON Schema keyword, or "parse" / "schema_version"
    message: str
    hint: str | None = None  # `did you mean "x"?` for a near miss of a member name or enum value

    def as_dict(self) -> dict[str, str]:
        found = {"instance_path": self.instance_path, "schema_path": self.schema_path,
                 "keyword": self.keyword, "message": self.message}
        if self.hint is not None:
            found["hint"] = self.hint
        return found


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """The verdict on one document of an input."""

    source: str  # file name, or "<stdin>"
    line: int  # 1-based line of the document (1 for a .json file)
    errors: tuple[Finding, ...]
    label: str  # what the document is, for summaries: "telemetry/latency", "LatencyMetrics", ...

    @property
    def valid(self) -> bool:
        return not self.errors

