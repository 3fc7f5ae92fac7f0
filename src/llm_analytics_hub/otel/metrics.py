"""OTLP metric data points -> the hub's metric types (`metrics.MetricType`: counter, gauge, histogram, summary).

Selected: the metrics whose name starts with the mapping's prefix (`gen_ai.`) or that it lists. One data
point is one document; the metric keeps its OpenTelemetry name and unit (the unit and the temporality go
into the tags as `otel.unit` / `otel.temporality`, the data point's attributes verbatim, and the resource's
service.name). Kinds: a histogram (explicit or exponential buckets) -> histogram, a monotonic integer sum
-> counter, any other sum and a gauge -> gauge, a summary -> summary.

A histogram's buckets are kept with their upper bounds (inclusive, as in OTLP); the overflow bucket above
the last bound is written only when it holds values, with the largest finite double as its bound (JSON
has no infinity). p50/p95/p99 are estimated by linear interpolation inside the buckets, clamped to min
and max; a point without buckets gives its mean. An exponential histogram's negative buckets are refused.
"""

from __future__ import annotations

from typing import Any

from .mapping import Mapping
from .otlp import Metric, Point
from .spans import Rejected, Skipped, rfc3339, tag_text

OVERFLOW_BOUND = 1.7976931348623157e308  # stands for +Inf in the hub's histogram buckets


def select(mapping: Mapping, metric: Metric) -> Skipped | None:
    if metric.name.startswith(mapping.metric_prefix) or metric.name in mapping.instruments:
        return None
    return Skipped(f"not a GenAI metric ({metric.name})")


def documents(mapping: Mapping, metric: Metric) -> list[tuple[Point, dict[str, Any] | Rejected]]:
    """Each data point with its MetricType document, or why it cannot be one."""
    if metric.problem is not None:
        return [(point, Rejected(metric.problem)) for point in metric.points] or [
            (Point({}, 0), Rejected(metric.problem))]
    tags = mapping.metric_tags
    found: list[tuple[Point, dict[str, Any] | Rejected]] = []
    for point in metric.points:
        try:
            found.append((point, _document(metric, point, tags)))
        except Rejected as exc:
            found.append((point, exc))
    return found


def _tags(metric: Metric, point: Point, settings: dict[str, Any]) -> dict[str, str]:
    tags = {key: tag_text(value) for key, value in point.attributes.items()}
    for name in settings.get("resource", ()):
        if name in metric.resource:
            tags[name] = tag_text(metric.resource[name])
    if metric.unit:
        tags[settings.get("unit", "otel.unit")] = metric.unit
    if metric.kind in ("sum", "histogram", "exponential_histogram") and metric.temporality != "unspecified":
        tags[settings.get("temporality", "otel.temporality")] = metric.temporality
    return tags


def _document(metric: Metric, point: Point, settings: dict[str, Any]) -> dict[str, Any]:
    if point.time_ns <= 0:
        raise Rejected("the data point has no timeUnixNano")
    head = {"name": metric.name}
    tail = {"tags": _tags(metric, point, settings), "timestamp": rfc3339(point.time_ns)}
    kind = metric.kind
    if kind in ("gauge", "sum"):
        if point.value is None:
            raise Rejected("the data point has neither asInt nor asDouble")
        if kind == "sum" and metric.monotonic and isinstance(point.value, int):
            return {"metric_type": "counter", **head, "value": point.value, **tail}
        return {"metric_type": "gauge", **head, "value": float(point.value), **tail}
    if kind == "summary":
        return {"metric_type": "summary", **head, "stats": _summary_stats(point),
                "percentiles": {repr(q): v for q, v in point.quantiles}, **tail}
    buckets = _explicit(point) if kind == "histogram" else _exponential(point)
    return {"metric_type": "histogram", **head, "stats": _histogram_stats(point, buckets),
            "buckets": [{"upper_bound": upper, "count": count} for _, upper, count in buckets], **tail}


Bucket = tuple[float, float, int]  # (lower bound, upper bound, count)


def _explicit(point: Point) -> list[Bucket]:
    counts, bounds = point.bucket_counts, [float(b) for b in point.bounds]
    if counts and len(counts) != len(bounds) + 1:
        raise Rejected(f"{len(counts)} bucket counts for {len(bounds)} explicit bounds (OTLP wants one more)")
    if counts and sum(counts) != point.count:
        raise Rejected(f"the bucket counts sum to {sum(counts)}, not to the point's count {point.count}")
    if not counts:
        return []
    lows = [min(0.0, bounds[0]) if bounds else 0.0, *bounds]
    buckets = [(lows[i], bounds[i], int(counts[i])) for i in range(len(bounds))]
    if counts[-1]:
        buckets.append((lows[-1], OVERFLOW_BOUND, int(counts[-1])))
    return buckets


def _exponential(point: Point) -> list[Bucket]:
    if any(point.negative_counts):
        raise Rejected("an exponential histogram with negative buckets (the hub's buckets hold one sign)")
    base = 2.0 ** (2.0 ** -point.scale)
    buckets = [(0.0, 0.0, int(point.zero_count))] if point.zero_count else []
    for index, count in enumerate(point.positive_counts):
        exponent = point.positive_offset + index
        buckets.append((base ** exponent, base ** (exponent + 1), int(count)))
    if sum(c for _, _, c in buckets) != point.count:
        raise Rejected(f"the buckets hold {sum(c for _, _, c in buckets)} values, not the point's count {point.count}")
    return buckets


def _histogram_stats(point: Point, buckets: list[Bucket]) -> dict[str, Any]:
    count = point.count
    filled = [b for b in buckets if b[2]]
    lowest = point.min if point.min is not None else (filled[0][0] if filled else 0.0)
    highest = point.max if point.max is not None else (
        (filled[-1][1] if filled[-1][1] != OVERFLOW_BOUND else filled[-1][0]) if filled else 0.0)
    total = point.sum if point.sum is not None else 0.0
    mean = total / count if count else 0.0

    def quantile(q: float) -> float:
        if not filled:
            return float(min(max(mean, lowest), highest)) if count else 0.0
        rank, seen = q * count, 0
        for low, upper, bucket_count in filled:
            if seen + bucket_count >= rank:
                low, high = max(low, lowest), min(upper, highest)
                return float(min(max(low + (high - low) * (rank - seen) / bucket_count, lowest), highest))
            seen += bucket_count
        return float(highest)

    return {"avg": mean, "min": float(lowest), "max": float(highest), "p50": quantile(0.5), "p95": quantile(0.95),
            "p99": quantile(0.99), "count": count, "sum": float(total)}


def _summary_stats(point: Point) -> dict[str, Any]:
    values = dict(point.quantiles)
    missing = [q for q in (0.0, 0.5, 0.95, 0.99, 1.0) if q not in values]
    if missing:
        raise Rejected("a summary needs the quantiles 0, 0.5, 0.95, 0.99 and 1 for the hub's statistics; "
                       f"missing {', '.join(repr(q) for q in missing)}")
    total = point.sum or 0.0
    return {"avg": total / point.count if point.count else 0.0, "min": values[0.0], "max": values[1.0],
            "p50": values[0.5], "p95": values[0.95], "p99": values[0.99], "count": point.count, "sum": float(total)}
