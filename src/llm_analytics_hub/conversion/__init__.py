"""`llm-hub convert`: move payloads between schema versions of one major."""

from .core import Conversion, Converter

__all__ = ["Conversion", "Converter"]
