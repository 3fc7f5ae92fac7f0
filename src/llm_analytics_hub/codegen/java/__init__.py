"""The generated Java package (generated/java): see emitter.py."""

from .emitter import TARGET, render_java

__all__ = ["TARGET", "render_java"]
