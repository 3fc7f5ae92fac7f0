"""`otel check` output: text lines, NDJSON, or one SARIF 2.1.0 log; then the coverage figures."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .checker import LEVELS, Finding

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def finding_line(finding: Finding, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"file": finding.source, "line": finding.line, "where": finding.where, "rule": finding.rule,
                           "level": finding.level, "message": finding.message}, ensure_ascii=False)
    return f"{finding.source}:{finding.line}: {finding.where}: [{finding.rule}] {finding.message}"


def write_coverage(coverage: dict[str, Any], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(json.dumps({"summary": coverage}, ensure_ascii=False) + "\n")
        return
    findings = ", ".join(f"{rule} {count}" for rule, count in coverage["findings"].items()) or "none"
    out.write(f"{coverage['spans']} span(s), {coverage['model_call_spans']} model call(s), "
              f"{coverage['metric_points']} metric point(s); findings: {findings}\n")
    if coverage["model_call_spans"]:
        out.write("attribute coverage of the model-call spans:\n")
        for name, share in coverage["attributes"].items():
            out.write(f"  {share['share'] * 100:5.1f}%  {name}\n")
    if coverage["members"]:
        out.write("member coverage of the events import would write:\n")
        for name, share in coverage["members"].items():
            out.write(f"  {share['share'] * 100:5.1f}%  {name}\n")


def sarif(findings: list[Finding], coverage: dict[str, Any]) -> dict[str, Any]:
    rules = sorted({f.rule for f in findings})
    results = []
    for finding in findings:
        location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": finding.where}]}
        if not finding.source.startswith("POST "):
            location["physicalLocation"] = {"artifactLocation": {"uri": finding.source},
                                            "region": {"startLine": max(finding.line, 1)}}
        results.append({"ruleId": finding.rule, "level": finding.level, "message": {"text": finding.message},
                        "locations": [location]})
    driver = {"name": "llm-hub otel check", "informationUri": "https://opentelemetry.io/docs/specs/semconv/gen-ai/",
              "rules": [{"id": rule, "defaultConfiguration": {"level": LEVELS[rule]}} for rule in rules]}
    run = {"tool": {"driver": driver},
           "results": results, "properties": {"coverage": coverage}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
