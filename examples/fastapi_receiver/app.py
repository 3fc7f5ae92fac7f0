"""A service that receives analytics events: the generated pydantic model in a FastAPI route.

`POST /events` takes a JSON array of AnalyticsEvent documents (schema 1.0.0). A batch is taken
whole or not at all: when every event is valid the answer is 202 {"accepted": n}; otherwise 422 with
the findings of `llm-hub validate --format json` (DESIGN.md §4), one record per invalid event:
    {"valid": false, "documents": 3, "invalid": 1,
     "errors": [{"index": 1, "valid": false, "errors": [{"instance_path": "/payload/data/total_latency_ms",
                 "schema_path": "", "keyword": "type", "message": "Input should be a valid number"}]}]}
`instance_path` is the RFC 6901 pointer into that event, placed where the validator places it
(a missing or undeclared member at its object, an unknown tag at the tag member).

Run it from the repository root (needs `pip install 'llm-analytics-hub[pydantic]' fastapi uvicorn`):
    uvicorn --app-dir examples/fastapi_receiver app:app --port 8000
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from llm_analytics_hub.pydantic.v1_0_0.events import AnalyticsEvent

app = FastAPI(title="LLM analytics event receiver")

# pydantic error type -> the JSON Schema keyword the validator names for the same defect
KEYWORDS = {
    "missing": "required", "extra_forbidden": "additionalProperties", "union_tag_not_found": "required",
    "union_tag_invalid": "enum", "literal_error": "const", "enum": "enum", "string_pattern_mismatch": "pattern",
    "string_too_short": "minLength", "string_too_long": "maxLength", "greater_than_equal": "minimum",
    "less_than_equal": "maximum", "greater_than": "exclusiveMinimum", "less_than": "exclusiveMaximum",
    "json_invalid": "parse",
}


@app.post("/events", status_code=202)
async def receive_events(events: list[AnalyticsEvent]) -> dict[str, int]:
    # a real service would hand the typed events on here (queue, store, metrics)
    return {"accepted": len(events)}


def _pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _instance_path(document: Any, loc: Sequence[str | int], error_type: str, ctx: dict[str, Any]) -> str:
    """Follow pydantic's error location through the document; segments that are not members or items
    (union branch labels such as "telemetry" or "str-enum[Severity]") are skipped."""
    path: list[str | int] = []
    node = document
    for segment in loc:
        member = isinstance(node, dict) and isinstance(segment, str) and segment in node
        item = isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node)
        if member or item:
            path.append(segment)
            node = node[segment]
    if error_type == "extra_forbidden" and path:
        path.pop()  # an undeclared member is a defect of its object
    if error_type == "union_tag_invalid":
        path.append(str(ctx.get("discriminator", "")).strip("'"))
    return _pointer(path)


def findings_by_event(body: Any, errors: Sequence[Any]) -> dict[int | None, list[dict[str, str]]]:
    """Our findings, grouped by the index of the event in the batch (None: the body as a whole)."""
    grouped: dict[int | None, list[dict[str, str]]] = {}
    for error in errors:
        loc = list(error.get("loc", ()))[1:]  # drop "body"
        index = loc[0] if loc and isinstance(loc[0], int) and isinstance(body, list) else None
        document = body[index] if index is not None else body
        rest = loc[1:] if index is not None else loc
        finding = {"instance_path": _instance_path(document, rest, error["type"], error.get("ctx") or {}),
                   "schema_path": "", "keyword": KEYWORDS.get(error["type"], "type"), "message": str(error["msg"])}
        if finding not in grouped.setdefault(index, []):
            grouped[index].append(finding)
    return grouped


@app.exception_handler(RequestValidationError)
async def answer_with_findings(request: Request, exc: RequestValidationError) -> JSONResponse:
    body = exc.body
    grouped = findings_by_event(body, exc.errors())
    records = [{"index": index, "valid": False, "errors": found}
               for index, found in sorted(grouped.items(), key=lambda item: -1 if item[0] is None else item[0])]
    documents = len(body) if isinstance(body, list) else 0
    return JSONResponse(status_code=422, content={
        "valid": False, "documents": documents, "invalid": len([i for i in grouped if i is not None]),
        "errors": records})
