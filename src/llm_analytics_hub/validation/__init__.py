"""Validate payloads against the versioned schemas: `validate`, `Validator`, `validate_stream`."""

from .findings import DocumentResult, Finding
from .stream import validate_stream
from .validator import Validator, validate

__all__ = ["DocumentResult", "Finding", "Validator", "validate", "validate_stream"]
