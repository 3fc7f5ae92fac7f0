"""The Go module `github.com/llm-analytics-hub/llm-analytics-hub/generated/go` under generated/go/ (see emit.py)."""

from .emit import TARGET, render_go

__all__ = ["TARGET", "render_go"]
