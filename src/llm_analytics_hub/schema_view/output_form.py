"""How the producers write an optional member that has no value: left out, or written as `null`.

The producers' serde structs decide it per field (`skip_serializing_if = "Option::is_none"` omits a
None, a plain `Option` writes `null`). JSON Schema cannot say it: both forms validate the same, so
it is no assertion and no version's verdicts depend on it. Generated serializers (the Rust crate,
the Python models' output for objects built in code) need it to write what the producers write.

The fact lives beside the version folders, one file per version, owned by the schema authors:
`schemas/producer-output/<version>.json` maps the location of every optional member that may be
null (the version-independent key of its property schema, e.g.
`events/LatencyMetrics.json#/$defs/fields/properties/ttft_ms`) to `"omit"` or `"null"`. It is not
inside the version folder because released folders never change (their hash is recorded) and
adding the fact changes no verdict; `llm-hub check` validates the file against the schemas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..pointer import escape
from ..schema_store import SchemaSet, file_uri
from .views import At, View, follow, lookup, view_of
from .walk import iter_subschemas

FOLDER = "producer-output"
WhenNone = Literal["omit", "null"]
WHEN_NONE: tuple[WhenNone, ...] = ("omit", "null")
DEFAULT: WhenNone = "omit"  # serde's skip, what a generator assumes where no file says otherwise


@dataclass(frozen=True)
class OutputForm:
    """The producer-output file of one version: member location -> "omit" / "null"."""

    path: Path
    exists: bool
    when_none: dict[str, WhenNone] = field(default_factory=dict)
    named: frozenset[str] = frozenset()  # every key of the file, a wrong value included
    problems: tuple[tuple[str, str], ...] = ()  # (JSON pointer inside the file, message)


def sidecar_path(schemas: SchemaSet) -> Path:
    return schemas.folder.parent / FOLDER / f"{schemas.version}.json"


def output_form(schemas: SchemaSet) -> OutputForm:
    """The version's producer-output file, read once per schema set."""
    found: OutputForm | None = schemas.__dict__.get("_output_form")
    if found is None:
        found = schemas.__dict__["_output_form"] = _read(sidecar_path(schemas), schemas.version)
    return found


def when_none(at: At) -> WhenNone:
    """How the producers write the member whose property schema is `at` when it has no value."""
    return output_form(at.folder).when_none.get(at.key, DEFAULT)


def _read(path: Path, version: str) -> OutputForm:
    if not path.is_file():
        return OutputForm(path, exists=False)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return OutputForm(path, True, problems=(("", f"unreadable: {exc}"),))
    entries = document.get("when_none") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        return OutputForm(path, True, problems=(("", 'expected an object with a "when_none" object'),))
    problems = []
    if document.get("version") != version:
        problems.append(("/version", f"must be {version!r}, the version this file describes"))
    facts: dict[str, WhenNone] = {}
    for key, value in entries.items():
        if value == "omit" or value == "null":
            facts[key] = value
        else:
            problems.append((f"/when_none/{escape(key)}", f"{value!r} is neither \"omit\" nor \"null\""))
    return OutputForm(path, True, facts, frozenset(entries), tuple(problems))


def may_be_null(view: View) -> bool:
    """The member's schema accepts `null`: nullable, or any JSON value."""
    target = follow(view)
    if view.nullable or target.nullable:
        return True
    return (target.types is None and target.enum is None and not target.has_const and not target.never
            and not target.is_object and target.union_kind is None and target.items is None)


def optional_nullable_members(schemas: SchemaSet) -> dict[str, At]:
    """{location key: property schema} of every member that may be left out and may be null: the
    members whose output form the producers decide."""
    found: dict[str, At] = {}
    for path, document in schemas.documents.items():
        uri = str(document.get("$id") or file_uri(path))
        for pointer, sub in iter_subschemas(document):
            properties = sub.get("properties")
            if not isinstance(properties, dict) or "/if" in pointer:
                continue
            owner = lookup(schemas, uri, pointer)
            if owner is None:
                continue
            required = view_of(owner).required
            for name in properties:
                member = owner.child("properties", name)
                if name not in required and may_be_null(view_of(member)):
                    found[member.key] = member
    return found


def problems(schemas: SchemaSet) -> Iterator[tuple[Path, str, str]]:
    """(file, JSON pointer, message) for everything wrong with the version's producer-output file."""
    form = output_form(schemas)
    members = optional_nullable_members(schemas)
    if not form.exists:
        if members:
            yield form.path, "", (f"missing: {len(members)} optional member(s) that may be null need their "
                                  f"producer output form (\"omit\" or \"null\"), e.g. {min(members)}")
        return
    for pointer, message in form.problems:
        yield form.path, pointer, message
    for key in sorted(form.named - members.keys()):
        yield form.path, f"/when_none/{escape(key)}", (
            "names no optional member that may be null in this version (a required, non-nullable or "
            "unknown member, or a location that is not a property schema)")
    for key in sorted(members.keys() - form.named):
        yield form.path, "/when_none", f"no entry for {key}: say \"omit\" or \"null\""
