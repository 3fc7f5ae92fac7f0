"""What `otel import` and `otel serve` say: one line per rejected span or data point, then a summary.

text: `FILE:LINE: WHERE: LABEL: REASON`, then the counts and every skip reason with its count.
json: one object per rejection `{"file", "line", "where", "label", "reason"}`, then `{"summary": {...}}`.
"""

from __future__ import annotations

import json
from typing import TextIO

from .pipeline import Rejection, Tally


def rejection_line(rejection: Rejection, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"file": rejection.source, "line": rejection.line, "where": rejection.where,
                           "label": rejection.label, "reason": rejection.reason}, ensure_ascii=False)
    where = rejection.where or "(root)"  # the whole request, as `validate` names the whole document
    return f"{rejection.source}:{rejection.line}: {where}: {rejection.label}: {rejection.reason}"


def summary(tally: Tally) -> dict[str, object]:
    return {
        "spans": tally.spans, "mapped_spans": tally.mapped_spans, "events": dict(sorted(tally.events.items())),
        "skipped_spans": dict(sorted(tally.skipped_spans.items())), "rejected_spans": tally.rejected_spans,
        "metric_points": tally.points, "mapped_points": tally.mapped_points,
        "metric_documents": dict(sorted(tally.metric_documents.items())),
        "skipped_points": dict(sorted(tally.skipped_points.items())), "rejected_points": tally.rejected_points,
        "unwritten_points": tally.unwritten_points, "unreadable_requests": tally.bad_requests,
    }


def write_summary(tally: Tally, fmt: str, out: TextIO, stored: dict[str, object] | None = None) -> None:
    """The counts; with `stored` (a store sink's figures) also what went into the store."""
    if fmt == "json":
        found = summary(tally) | ({"stored": stored} if stored is not None else {})
        out.write(json.dumps({"summary": found}, ensure_ascii=False) + "\n")
        return
    events = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.events.items())) or "none"
    out.write(f"{tally.spans} span(s): {tally.mapped_spans} mapped ({sum(tally.events.values())} events: {events}), "
              f"{sum(tally.skipped_spans.values())} skipped, {tally.rejected_spans} rejected\n")
    for reason, count in sorted(tally.skipped_spans.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"  skipped {count}: {reason}\n")
    if tally.points or tally.unwritten_points:
        documents = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.metric_documents.items())) or "none"
        out.write(f"{tally.points} metric point(s): {tally.mapped_points} mapped ({documents}), "
                  f"{sum(tally.skipped_points.values())} skipped, {tally.rejected_points} rejected\n")
        for reason, count in sorted(tally.skipped_points.items(), key=lambda item: (-item[1], item[0])):
            out.write(f"  skipped {count}: {reason}\n")
    if tally.unwritten_points:
        out.write(f"{tally.unwritten_points} metric document(s) not written: give --metrics-out FILE\n")
    if tally.bad_requests:
        out.write(f"{tally.bad_requests} request(s) could not be read\n")
    if stored is not None:
        out.write(f"stored into {stored['into']} ({stored['table']}, schema {stored['schema_version']}): "
                  f"{stored['new_events']} new event(s), {stored['already_there']} already there\n")
