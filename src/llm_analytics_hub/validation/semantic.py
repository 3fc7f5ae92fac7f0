"""The semantic lint: rules about a payload that JSON Schema cannot express.

Opt-in (`llm-hub validate --semantic`, `Validator(semantic=True)`, or `semantic_findings()`); it runs
only on documents the schema accepts, so each rule may rely on the schema's types. Every finding
has keyword "semantic", the rule id at the start of its message, and the exact pointer of the
member at fault. The rules apply to every version; members a version lacks are simply absent.

| rule | checks |
|---|---|
| `usage-total` | prompt_tokens and completion_tokens are each not above total_tokens |
| `usage-cache` | cache_read_input_tokens + cache_write_input_tokens are not above prompt_tokens |
| `usage-reasoning` | reasoning_tokens is not above completion_tokens |
| `usage-modality` | the parts of prompt/completion_tokens_by_modality sum to at most prompt/completion_tokens |
| `cost-breakdown-sum` | the cost_breakdown parts sum to total_cost_usd within COST_TOLERANCE |
| `latency-ttft` | ttft_ms is not above total_latency_ms |
| `error-rate-counts` | failed_requests is not above total_requests |
| `trace-id-zero` | trace_id / span_id are not all zeros (invalid in W3C Trace Context) |
| `span-without-trace` | span_id is only given together with trace_id |
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..pointer import join as pointer
from ..schema_store import load_version
from ..schema_view.layout import variant_chain
from ..versions import DEFAULT_VERSION, available_versions
from .findings import Finding

# |sum(parts) - total_cost_usd| <= ABSOLUTE + RELATIVE * |total_cost_usd|: a millionth of a dollar
# absorbs the rounding of per-token prices written as decimals; the relative part scales with big bills.
COST_TOLERANCE_ABSOLUTE = 1e-6
COST_TOLERANCE_RELATIVE = 1e-6

Path = tuple[str | int, ...]
LeafRule = Callable[[dict[str, Any], Path], Iterator[Finding]]


def _finding(path: Path, rule: str, message: str) -> Finding:
    return Finding(pointer(path), "", "semantic", f"{rule}: {message}")


def _int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(data: dict[str, Any], name: str) -> float | None:
    value = data.get(name)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def token_rules(data: dict[str, Any], at: Path) -> Iterator[Finding]:
    prompt, completion, total = _int(data, "prompt_tokens"), _int(data, "completion_tokens"), _int(data, "total_tokens")
    if total is not None:
        for name, part in (("prompt_tokens", prompt), ("completion_tokens", completion)):
            if part is not None and part > total:
                yield _finding((*at, "total_tokens"), "usage-total", f"total_tokens {total} is below {name} {part}")
    read, write = _int(data, "cache_read_input_tokens"), _int(data, "cache_write_input_tokens")
    if prompt is not None and (read or 0) + (write or 0) > prompt:
        alone_too_big = read is not None and read > prompt
        culprit = "cache_read_input_tokens" if alone_too_big or write is None else "cache_write_input_tokens"
        yield _finding((*at, culprit), "usage-cache",
                       f"cache reads ({read or 0}) + cache writes ({write or 0}) exceed prompt_tokens {prompt}; "
                       "prompt_tokens must include them (normalise Anthropic's input_tokens by adding them)")
    reasoning = _int(data, "reasoning_tokens")
    if reasoning is not None and completion is not None and reasoning > completion:
        yield _finding((*at, "reasoning_tokens"), "usage-reasoning",
                       f"reasoning_tokens {reasoning} exceed completion_tokens {completion}; completion_tokens "
                       "must include them (normalise Gemini's candidatesTokenCount by adding thoughtsTokenCount)")
    for name, whole in (("prompt_tokens_by_modality", prompt), ("completion_tokens_by_modality", completion)):
        parts = data.get(name)
        if isinstance(parts, dict) and whole is not None:
            counted = sum(v for v in parts.values() if isinstance(v, int) and not isinstance(v, bool))
            if counted > whole:
                yield _finding((*at, name), "usage-modality",
                               f"the modalities sum to {counted}, above {name.removesuffix('_by_modality')} {whole}")


def cost_rules(data: dict[str, Any], at: Path) -> Iterator[Finding]:
    yield from token_rules(data, at)
    breakdown, total = data.get("cost_breakdown"), _number(data, "total_cost_usd")
    if isinstance(breakdown, dict) and total is not None:
        parts = [float(v) for v in breakdown.values() if isinstance(v, int | float) and not isinstance(v, bool)]
        summed = sum(parts)
        tolerance = COST_TOLERANCE_ABSOLUTE + COST_TOLERANCE_RELATIVE * abs(total)
        if abs(summed - total) > tolerance:
            yield _finding((*at, "cost_breakdown"), "cost-breakdown-sum",
                           f"the parts sum to {summed:.10g} USD but total_cost_usd is {total:.10g} "
                           f"(tolerance {tolerance:.3g})")


def latency_rules(data: dict[str, Any], at: Path) -> Iterator[Finding]:
    ttft, total = _number(data, "ttft_ms"), _number(data, "total_latency_ms")
    if ttft is not None and total is not None and ttft > total:
        yield _finding((*at, "ttft_ms"), "latency-ttft", f"ttft_ms {ttft:g} is above total_latency_ms {total:g}")


def error_rate_rules(data: dict[str, Any], at: Path) -> Iterator[Finding]:
    failed, total = _int(data, "failed_requests"), _int(data, "total_requests")
    if failed is not None and total is not None and failed > total:
        yield _finding((*at, "failed_requests"), "error-rate-counts",
                       f"failed_requests {failed} is above total_requests {total}")


def envelope_rules(data: dict[str, Any], at: Path) -> Iterator[Finding]:
    for name in ("trace_id", "span_id"):
        value = data.get(name)
        if isinstance(value, str) and value and set(value) == {"0"}:
            yield _finding((*at, name), "trace-id-zero", f"an all-zero {name} is invalid in W3C Trace Context")
    if isinstance(data.get("span_id"), str) and not isinstance(data.get("trace_id"), str):
        yield _finding((*at, "span_id"), "span-without-trace", "span_id is given without trace_id")


LEAF_RULES: dict[str, LeafRule] = {
    "TokenUsageMetrics": token_rules, "TokenCostEvent": cost_rules, "LatencyMetrics": latency_rules,
    "ErrorRateMetrics": error_rate_rules, "CommonEventFields": envelope_rules,
}


def semantic_findings(document: Any, type_name: str = "AnalyticsEvent", version: str | None = None) -> list[Finding]:
    """Semantic lint findings for one schema-valid document of the given catalogue type.

    The rules are keyed by catalogue type; which types a document holds (its envelope, the variant
    its tags select) comes from the schemas' union layout, so a new variant needs no change here.
    """
    folder = load_version(version or _declared_version(document))
    entry = folder.lookup(type_name)
    found: list[Finding] = []
    for path, held, _ in variant_chain(folder, entry, document):
        rule = LEAF_RULES.get(held.name)
        data = _at(document, path)
        if rule is not None and isinstance(data, dict):
            found += rule(data, path)
    return found


def _declared_version(document: Any) -> str:
    declared = document.get("schema_version") if isinstance(document, dict) else None
    return declared if isinstance(declared, str) and declared in available_versions() else DEFAULT_VERSION


def _at(document: Any, path: Path) -> Any:
    for token in path:
        document = document.get(token) if isinstance(document, dict) else None
    return document
