"""`otel check`: telemetry against the GenAI conventions the mapping knows, with coverage figures.

Rules (level): `missing-required` (error) a required attribute is absent (error.type on a span with error
status, server.port beside server.address); `wrong-type` (error) an attribute of the wrong OTLP type;
`sub-count-above-total` (error) cache or reasoning tokens above the total that must include them;
`unmappable` (error) import would reject the span, with its reason; `wrong-unit` / `wrong-instrument`
(error) a GenAI metric with another unit or instrument; `deprecated` (warning) a deprecated name, with
the current one; `missing-recommended` (warning) a recommended attribute is absent; `other-convention`
(note) an OpenLLMetry or OpenInference name, with the GenAI one; `unknown-metric` (note) a gen_ai.* metric
the conventions do not define. Coverage: for every GenAI attribute, the share of model-call spans that
carry it; for every mapped member, the share of the events that have it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .mapping import Mapping
from .otlp import STATUS_ERROR, Metric, Span
from .pipeline import Pipeline
from .spans import TYPE_CHECKS, Rejected, Skipped, _article, otlp_type

LEVELS = {"missing-required": "error", "wrong-type": "error", "sub-count-above-total": "error", "unmappable": "error",
          "wrong-unit": "error", "wrong-instrument": "error", "deprecated": "warning",
          "missing-recommended": "warning", "other-convention": "note", "unknown-metric": "note"}
INSTRUMENT_KINDS = {"histogram": ("histogram", "exponential_histogram"), "counter": ("sum",),
                    "updowncounter": ("sum",), "gauge": ("gauge",)}


@dataclass(frozen=True)
class Finding:
    source: str
    line: int
    where: str
    rule: str
    message: str

    @property
    def level(self) -> str:
        return LEVELS[self.rule]


@dataclass
class Coverage:
    model_spans: int = 0
    spans: int = 0
    attributes: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)  # event kind -> count
    members: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, member) -> events having it
    points: int = 0
    findings: Counter[str] = field(default_factory=Counter)


class Checker:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.mapping: Mapping = pipeline.mapping
        self.coverage = Coverage()
        genai = [spec for spec in self.mapping.attributes.values() if "genai" in spec.conventions
                 and spec.where == "span" and spec.requirement is not None and not spec.deprecated]
        self.required = [s.name for s in genai if s.requirement == "required"]
        self.recommended = [s.name for s in genai if s.requirement == "recommended" and s.condition is None]
        self.tracked = sorted(s.name for s in genai)

    def spans(self, spans: Iterable[Span], source: str, line: int) -> list[Finding]:
        found: list[Finding] = []
        for span in spans:
            self.coverage.spans += 1
            found += self._span(span, source, line)
        for finding in found:
            self.coverage.findings[finding.rule] += 1
        return found

    def _span(self, span: Span, source: str, line: int) -> list[Finding]:
        def finding(rule: str, message: str, attribute: str | None = None) -> Finding:
            return Finding(source, line, span.where + (f"/attributes/{attribute}" if attribute else ""), rule,
                           f"span {span.name!r}: {message}")

        mapper = self.pipeline.mapper
        selected = mapper.select(span) if span.problem is None else None
        if isinstance(selected, Skipped) and selected.reason.startswith("not a GenAI span"):
            return []
        found = list(self._attribute_findings(span, finding))
        if isinstance(selected, Skipped):
            return found  # an agent, tool or server span: its names and types are checked, not its completeness
        self.coverage.model_spans += 1
        present = span.attributes
        for name in self.tracked:
            if name in present:
                self.coverage.attributes[name] += 1
        for name in self.required:
            if name not in present:
                found.append(finding("missing-required", f"{name} is required{self._instead(present, name)}"))
        if span.status_code == STATUS_ERROR and "error.type" not in present:
            found.append(finding("missing-required", "error.type is required when the operation ended in an error "
                                                     "(the span's status is ERROR)"))
        if "server.address" in present and "server.port" not in present:
            found.append(finding("missing-required", "server.port is required when server.address is set"))
        embeddings = present.get("gen_ai.operation.name") == "embeddings"
        for name in self.recommended:
            if name not in present and not (embeddings and ("output" in name or "finish" in name)):
                found.append(finding("missing-recommended", f"{name} is recommended{self._instead(present, name)}"))
        if present.get("gen_ai.request.stream") is True and "gen_ai.response.time_to_first_chunk" not in present:
            found.append(finding("missing-recommended",
                                 "gen_ai.response.time_to_first_chunk is recommended on a streaming request"))
        try:
            produced = mapper.events(span)
            for spec, document in produced:
                self.pipeline.check_event(spec, document)
        except Rejected as exc:
            rule = "sub-count-above-total" if "inclusion rule" in exc.reason or "usage-" in exc.reason else (
                "wrong-type" if " where " in exc.reason and exc.attribute else "unmappable")
            if rule != "wrong-type":  # a wrong type is reported above, by name
                found.append(finding(rule, exc.reason, exc.attribute))
            return found
        for spec, document in produced:
            self.coverage.events[spec.kind] += 1
            data = document["payload"]["data"]
            for path, _ in spec.members:
                if _has(data, path):
                    self.coverage.members[(spec.kind, path)] += 1
        return found

    def _attribute_findings(self, span: Span, finding: Any) -> Iterable[Finding]:
        for name, value in span.attributes.items():
            spec = self.mapping.attribute(name)
            if spec is None or spec.prefix:
                continue
            check = TYPE_CHECKS.get(spec.type)
            if check is not None and value is not None and not check(value):
                yield finding("wrong-type", f"{name} is {_article(otlp_type(value))} ({value!r}); the conventions "
                                            f"make it {_article(spec.type)}", name)
            if spec.replaced_by and spec.deprecated:
                yield finding("deprecated", f"{name} is deprecated: use {spec.replaced_by}", name)
            elif spec.replaced_by and "genai" not in spec.conventions and "hub" not in spec.conventions:
                conventions = ", ".join(c for c in spec.conventions)
                yield finding("other-convention", f"{name} ({conventions}): the GenAI conventions call it "
                                                  f"{spec.replaced_by}", name)

    def _instead(self, present: dict[str, Any], name: str) -> str:
        others = [spec.name for spec in self.mapping.attributes.values()
                  if spec.replaced_by == name and spec.name in present]
        return f" ({', '.join(others)} is there under another name)" if others else ""

    def metrics(self, metrics: Iterable[Metric], source: str, line: int) -> list[Finding]:
        found = []
        for metric in metrics:
            self.coverage.points += len(metric.points)
            if not metric.name.startswith(self.mapping.metric_prefix) and metric.name not in self.mapping.instruments:
                continue

            def finding(rule: str, message: str, where: str = metric.where, name: str = metric.name) -> Finding:
                return Finding(source, line, where, rule, f"metric {name}: {message}")

            instrument = self.mapping.instruments.get(metric.name)
            if instrument is None:
                found.append(finding("unknown-metric", "not a metric of the GenAI conventions the mapping knows"))
                continue
            if metric.unit != instrument.unit:
                found.append(finding("wrong-unit", f"unit {metric.unit!r}; the conventions say {instrument.unit!r}"))
            if metric.kind not in INSTRUMENT_KINDS.get(instrument.instrument, ()):
                found.append(finding("wrong-instrument", f"a {metric.kind or 'data-less'} metric; the conventions "
                                                         f"make it a {instrument.instrument}"))
            for index, point in enumerate(metric.points):
                where = f"{metric.where}/dataPoints/{index}"
                for name, level in instrument.attributes.items():
                    if level == "required" and name not in point.attributes:
                        found.append(finding("missing-required", f"{name} is required on every data point", where))
                for name in point.attributes:
                    spec = self.mapping.attribute(name)
                    if spec is not None and spec.deprecated and spec.replaced_by:
                        found.append(finding("deprecated", f"{name} is deprecated: use {spec.replaced_by}", where))
        for item in found:
            self.coverage.findings[item.rule] += 1
        return found

    def coverage_report(self) -> dict[str, Any]:
        spans = self.coverage.model_spans
        attributes = {name: _share(self.coverage.attributes[name], spans) for name in self.tracked}
        members = {f"{kind}.{path}": _share(self.coverage.members[(kind, path)], self.coverage.events[kind])
                   for spec in self.mapping.events for kind, (path, _) in ((spec.kind, m) for m in spec.members)
                   if self.coverage.events[kind]}
        return {"spans": self.coverage.spans, "model_call_spans": spans, "metric_points": self.coverage.points,
                "findings": dict(sorted(self.coverage.findings.items())), "attributes": attributes,
                "members": members}


def _share(count: int, total: int) -> dict[str, Any]:
    return {"count": count, "share": round(count / total, 4) if total else 0.0}


def _has(data: dict[str, Any], path: str) -> bool:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True
