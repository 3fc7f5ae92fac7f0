"""Hub metric documents (MetricType) back to OTLP/JSON metrics: the inverse of `metrics`.

The tags `otel.unit` and `otel.temporality` give the metric's unit and temporality, the resource tags
(service.name) its resource, the other tags the data point's attributes. A counter becomes a monotonic
integer sum, a gauge with a temporality a non-monotonic sum, any other gauge a gauge, a histogram an explicit
histogram (its last bucket is the overflow bucket when its bound is the +Inf stand-in, else an empty overflow
bucket follows), a summary a summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .export import SCOPE, parse_time
from .mapping import Mapping
from .metrics import OVERFLOW_BOUND
from .otlp_write import key_values, metrics_request

TEMPORALITY = {"delta": 1, "cumulative": 2}


class MetricExporter:
    def __init__(self, mapping: Mapping) -> None:
        tags = mapping.metric_tags
        self.unit_tag = tags.get("unit", "otel.unit")
        self.temporality_tag = tags.get("temporality", "otel.temporality")
        self.resource_tags = tuple(tags.get("resource", ()))
        # (resource items, name, unit, kind, temporality) -> data points
        self.metrics: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    def add(self, document: dict[str, Any]) -> None:
        tags = dict(document.get("tags") or {})
        unit = tags.pop(self.unit_tag, "")
        temporality = tags.pop(self.temporality_tag, None)
        resource = tuple((k, tags.pop(k)) for k in self.resource_tags if k in tags)
        kind = document["metric_type"]
        point: dict[str, Any] = {"attributes": key_values(tags), "timeUnixNano": str(parse_time(document["timestamp"]))}
        if kind == "counter":
            otlp_kind, point["asInt"] = "counter", str(document["value"])
        elif kind == "gauge":
            otlp_kind, point["asDouble"] = ("sum" if temporality else "gauge"), float(document["value"])
        elif kind == "histogram":
            otlp_kind = "histogram"
            point.update(_histogram(document))
        else:
            otlp_kind = "summary"
            stats = document["stats"]
            point.update({"count": str(stats["count"]), "sum": stats["sum"], "quantileValues": [
                {"quantile": float(q), "value": v} for q, v in (document.get("percentiles") or {}).items()]})
        key = (resource, document["name"], unit, otlp_kind, temporality)
        self.metrics.setdefault(key, []).append(point)

    def requests(self) -> Iterator[dict[str, Any]]:
        by_resource: dict[Any, list[dict[str, Any]]] = {}
        for (resource, name, unit, kind, temporality), points in self.metrics.items():
            metric: dict[str, Any] = {"name": name, "unit": unit}
            aggregation = TEMPORALITY.get(temporality or "", 2)
            if kind == "counter":
                metric["sum"] = {"aggregationTemporality": aggregation, "isMonotonic": True, "dataPoints": points}
            elif kind == "sum":
                metric["sum"] = {"aggregationTemporality": aggregation, "isMonotonic": False, "dataPoints": points}
            elif kind == "histogram":
                metric["histogram"] = {"aggregationTemporality": aggregation, "dataPoints": points}
            else:
                metric[kind] = {"dataPoints": points}
            by_resource.setdefault(resource, []).append(metric)
        if by_resource:
            yield metrics_request([(dict(resource), metrics) for resource, metrics in by_resource.items()], SCOPE)


def _histogram(document: dict[str, Any]) -> dict[str, Any]:
    stats, buckets = document["stats"], document["buckets"]
    bounds = [b["upper_bound"] for b in buckets]
    counts = [b["count"] for b in buckets]
    if bounds and bounds[-1] == OVERFLOW_BOUND:
        bounds.pop()
    else:
        counts.append(0)
    return {"count": str(stats["count"]), "sum": stats["sum"], "min": stats["min"], "max": stats["max"],
            "explicitBounds": bounds, "bucketCounts": [str(c) for c in counts]} if buckets else {
        "count": str(stats["count"]), "sum": stats["sum"], "min": stats["min"], "max": stats["max"]}
