"""The Jinja2 environment every target renders its templates with (templates/, one folder per target).

StrictUndefined: a template that names a missing value fails; values arrive as ready-made, inert
pieces from each target's views, so the templates hold no logic. HTML templates (the schema
browser) autoescape; code and Markdown templates escape through their views.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from typing import Any

import jinja2

from .ir import Source


def _autoescape(name: str | None) -> bool:
    """HTML templates (the schema browser) escape every value; code and Markdown templates do their own."""
    return name is not None and name.endswith(".html.jinja2")


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("llm_analytics_hub.codegen", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def sources_digest(sources: Iterable[Source]) -> str:
    """One digest of a file's inputs for its header line (the manifest lists each source's hash)."""
    text = "".join(f"{s.path}\0{s.sha256}\n" for s in sorted(sources, key=lambda s: s.path))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def render_template(name: str, **context: Any) -> str:
    if "sources" in context:
        context["digest"] = sources_digest(context["sources"])
    return environment().get_template(name).render(**context)
