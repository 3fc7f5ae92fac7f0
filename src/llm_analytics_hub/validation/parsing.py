"""Turn the bytes of one document into a JSON value, or a one-line reason why not: the rules live
in `llm_analytics_hub.json_text`, which the generated models' `from_json` shares."""

from __future__ import annotations

from ..json_text import BOM, MAX_DEPTH, ParseError, deep_recursion, parse_document, text_bytes

__all__ = ["BOM", "MAX_DEPTH", "ParseError", "deep_recursion", "parse_document", "text_bytes"]
