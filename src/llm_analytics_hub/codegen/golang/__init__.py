"""The Go module `github.com/llm-analytics-hub/schemas-go` under generated/go/ (see emit.py)."""

from .emit import render_go

__all__ = ["render_go"]
