"""A TimeSeriesResult as a plain text table, for people (`llm-hub query --format table`, `make demo`)."""

from __future__ import annotations

from typing import Any


def render_table(answer: dict[str, Any]) -> str:
    group_keys = sorted({key for series in answer["series"] for key in series["tags"]})
    fields: list[str] = []
    for series in answer["series"]:
        for point in series["points"]:
            fields += [name for name in point["values"] if name not in fields]
    header = [*group_keys, "timestamp", *fields]
    rows = []
    for series in answer["series"]:
        for point in series["points"]:
            rows.append([series["tags"].get(key, "") for key in group_keys] + [point["timestamp"]]
                        + [_cell(point["values"].get(name)) for name in fields])
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
             for line in (header, ["-" * width for width in widths], *rows)]
    meta = answer["metadata"]
    lines.append(f"{answer['measurement']}: {meta['series_count']} series, {meta['point_count']} point(s)"
                 + (", truncated" if meta["truncated"] else "")
                 + "".join(f"\nwarning: {warning}" for warning in meta["warnings"]))
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
