"""The Go module `github.com/llm-analytics-hub/schemas-go` under generated/go/ (see emit.py)."""

from .emit import TARGET, render_go

__all__ = ["TARGET", "render_go"]
