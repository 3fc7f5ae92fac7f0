"""The generated Java package (generated/java): see emitter.py."""

from .emitter import render_java

__all__ = ["render_java"]
