"""Validate payloads against the versioned schemas: `validate`, `Validator`, `validate_stream`."""

from .findings import DocumentResult, Finding
from .semantic import semantic_findings
from .stream import validate_stream
from .validator import Validator, validate

__all__ = ["DocumentResult", "Finding", "Validator", "semantic_findings", "validate", "validate_stream"]
