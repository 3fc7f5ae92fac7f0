"""Where every page of the site lives, relative to the site root. One place, so links agree."""

from __future__ import annotations

import re
from urllib.parse import quote

HOME = "index.html"
CSS = "assets/site.css"
JS = "assets/site.js"
SEARCH_INDEX = "assets/search-index.js"


def type_page(version: str, area: str, py: str) -> str:
    # The Python class name is a safe file name: an ASCII identifier, unique within its area.
    return f"{version}/{area}/{py}.html"


def version_index(version: str) -> str:
    return f"{version}/index.html"


def changelog(version: str) -> str:
    return f"{version}/changelog.html"


def pair(old: str, new: str) -> str:
    return f"{old}--{new}"


def diff_page(old: str, new: str, area: str, py: str) -> str:
    return f"diff/{pair(old, new)}/{area}/{py}.html"


def root_of(path: str) -> str:
    """The relative prefix from a page back to the site root ("" for the home page)."""
    return "../" * path.count("/")


def field_anchor(wire: str) -> str:
    # An HTML id holds no whitespace; every other character of a wire name is kept as written.
    return "field-" + re.sub(r"\s", "_", wire)


def value_anchor(wire: str) -> str:
    return "value-" + re.sub(r"\s", "_", wire)


def variant_anchor(key: str) -> str:
    return "variant-" + re.sub(r"\s", "_", key)


def fragment(anchor: str) -> str:
    """An id as a URL fragment (percent-encoded where a URL needs it)."""
    return "#" + quote(anchor, safe="-_.~!$&'()*+,;=:@/?")
