"""What this installation validates with: whether the native checker is in use, the interface it
implements, which schema versions it covers (the folder digests compiled into it against those of the
schemas `llm-hub validate` reads) and, where it is not used, why (`llm-hub doctor`, `llm-hub --version`)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..schema_store import SchemaSet
from ..validation import native
from ..versions import available_versions, installed_schemas_root, schemas_root

# Where each kind of installation gets the native checker, for the "not built" line.
HOW_TO_BUILD = {
    "checkout": "run `make native` in the checkout",
    "package": "reinstall with a Rust toolchain (cargo) on PATH: pip builds it from the sdist or the source",
}


@dataclass(frozen=True)
class NativeReport:
    in_use: bool  # used for at least one schema version
    api: int | None  # the interface version of the loaded module
    expected_api: int  # the one this llm-hub needs (validation/native.py API)
    compiled: dict[str, str]  # {schema version: folder digest} compiled into the module
    covers: list[str]  # schema versions it judges: their folder digest equals the compiled one
    not_covered: dict[str, str]  # {schema version: why it is judged without the native checker}
    reason: str | None  # why it is not used at all (None when it is)


@dataclass(frozen=True)
class Installation:
    version: str
    python: str
    package: str  # the folder of llm_analytics_hub
    kind: str  # "checkout" (editable, or run from the source) or "package" (an installed wheel)
    build: dict[str, Any] | None  # the wheel's _build_info.json, None in a checkout
    schemas: str
    schema_versions: list[str]
    native: NativeReport
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "python": self.python, "package": self.package, "kind": self.kind,
                "build": self.build, "schemas": self.schemas, "schema_versions": self.schema_versions,
                "native": self.native.__dict__}


def build_info() -> dict[str, Any] | None:
    """What the wheel's build hook recorded (hatch_build.py), None where there is no wheel (a checkout)."""
    try:
        text = (resources.files("llm_analytics_hub") / "_build_info.json").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    found: dict[str, Any] = json.loads(text)
    return found


def native_report(root: Path, versions: list[str], kind: str, build: dict[str, Any] | None) -> NativeReport:
    why = native.why_not()
    compiled = native.compiled_digests()
    if why is not None:
        if why == "not built":
            recorded = (build or {}).get("reason")
            why = f"not built ({recorded}; {HOW_TO_BUILD[kind]})" if recorded else f"not built ({HOW_TO_BUILD[kind]})"
        return NativeReport(False, native.built_api(), native.API, compiled, [], {}, why)
    covers, not_covered = [], {}
    for version in versions:
        if version not in compiled:
            not_covered[version] = "not compiled into it (it was built before this version existed)"
        elif SchemaSet(version, root / version).digest != compiled[version]:
            not_covered[version] = "its schema folder differs from the one compiled in (digest mismatch)"
        else:
            covers.append(version)
    reason = None if covers else "no schema version here is one it was compiled from (digest mismatch)"
    return NativeReport(bool(covers), native.built_api(), native.API, compiled, covers, not_covered, reason)


def installation() -> Installation:
    package = Path(__file__).resolve().parent.parent
    build = build_info()
    kind = "package" if build is not None or installed_schemas_root()[1].startswith("the copy") else "checkout"
    root = schemas_root()
    problems: list[str] = []
    try:
        versions = available_versions(root)
    except Exception as exc:  # a broken LLM_HUB_SCHEMAS: say so, still report the rest
        versions, problems = [], [f"schemas {root}: {exc}"]
    return Installation(__version__, f"{sys.version.split()[0]} ({sys.executable})", str(package), kind, build,
                        str(root), versions, native_report(root, versions, kind, build), problems)


def native_line(report: NativeReport) -> str:
    """One line: in use, for which versions, with which interface; or why not."""
    if not report.in_use:
        return f"native checker: not in use: {report.reason}"
    line = (f"native checker: in use (interface {report.api}; covers schema versions {', '.join(report.covers)}; "
            f"compiled for {', '.join(sorted(report.compiled))})")
    if report.not_covered:
        line += "; without it: " + "; ".join(f"{v}: {why}" for v, why in report.not_covered.items())
    return line


def report_lines(found: Installation) -> list[str]:
    build = found.build
    if build is None:
        made = "a checkout: editable install or source tree"
    elif build.get("native"):
        made = f"a wheel with the native checker, compiled by {build.get('cargo')}"
    else:
        made = f"a pure wheel ({build.get('reason')})"
    return [
        f"llm-hub {found.version}",
        f"python: {found.python}",
        f"package: {found.package} ({made})",
        f"schemas: {found.schemas} (versions {', '.join(found.schema_versions) or 'none'})",
        native_line(found.native),
        f"native interface: module {found.native.api if found.native.api is not None else '-'}, "
        f"this llm-hub needs {found.native.expected_api}",
        *(f"problem: {problem}" for problem in found.problems),
    ]
