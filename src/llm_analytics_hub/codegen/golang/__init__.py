"""The Go module `github.com/llm-analytics-hub/llm-analytics-hub/generated/go` under generated/go/ (see emit.py)."""

from .emit import render_go

__all__ = ["render_go"]
