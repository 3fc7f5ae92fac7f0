"""The script of the composite GitHub Action (action.yml): `python -m llm_analytics_hub.ci.action`.

Reads the Action's inputs from INPUT_* variables (action.yml passes each one) and the runner's
GITHUB_* variables; validates the given paths with GitHub annotations, compares the schema folder
with the base branch's in a pull request, appends a Markdown summary to $GITHUB_STEP_SUMMARY and
writes the step outputs to $GITHUB_OUTPUT.
Exit code: 0 all valid and compatible, 1 invalid documents or a breaking change, 2 an unreadable
input or an error.
"""

from __future__ import annotations

import glob
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import HubError, InputError
from ..validation.chunks import default_jobs
from ..validation.inputs import InputSource, input_source
from ..validation.reporters import GithubReporter, Tally, escape_data, escape_property
from ..validation.run import report_sources
from ..validation.validator import Validator
from .collect import Tee, Worst, WorstFindings
from .compat_base import BaseComparison, compare_with_revision, render_comparison_text
from .gitrev import git, has_revision, repo_root
from .summary import CompatOutcome, render_summary

TRUE = {"true", "yes", "1", "on"}
FALSE = {"false", "no", "0", "off", ""}


@dataclass(frozen=True)
class Inputs:
    paths: list[str]  # file names or glob patterns (** allowed), relative to the workspace
    schema: str | None
    schema_version: str | None
    lenient: bool
    schemas: str  # the schema folder compared with the base branch
    compat: str  # auto (in a pull request, when the folder exists) | true | false
    base_ref: str | None  # a git revision; default origin/$GITHUB_BASE_REF

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        def text(name: str) -> str:
            return env.get(f"INPUT_{name}", "").strip()

        compat = text("COMPAT").lower() or "auto"
        if compat not in {"auto", "true", "false"}:
            raise HubError(f"input compat must be auto, true or false, not {compat!r}")
        lenient = text("LENIENT").lower()
        if lenient not in TRUE | FALSE:
            raise HubError(f"input lenient must be true or false, not {lenient!r}")
        return cls(paths=split_paths(text("PATHS")), schema=text("SCHEMA") or None,
                   schema_version=text("SCHEMA_VERSION") or None, lenient=lenient in TRUE,
                   schemas=text("SCHEMAS") or "schemas", compat=compat, base_ref=text("BASE_REF") or None)


def split_paths(text: str) -> list[str]:
    """One path per line when the input has several lines (names may hold spaces), else per word."""
    lines = text.splitlines()
    parts = [line.strip() for line in lines] if len(lines) > 1 else text.split()
    return [part for part in parts if part]


def expand(patterns: list[str]) -> tuple[list[str], list[str]]:
    """(paths, patterns that matched no file): globs expand in order, plain names stay (missing ones
    are then reported as unreadable inputs)."""
    paths: dict[str, None] = {}
    unmatched = []
    for pattern in patterns:
        if not glob.has_magic(pattern):
            paths[pattern] = None
            continue
        matches = sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        if not matches:
            unmatched.append(pattern)
        paths.update(dict.fromkeys(matches))
    return list(paths), unmatched


def validate(inputs: Inputs, out: TextIO, err: TextIO) -> tuple[Tally | None, list[Worst]]:
    paths, unmatched = expand(inputs.paths)
    for pattern in unmatched:
        out.write(f"::warning title=llm-hub::{escape_data(f'no file matches {pattern}')}\n")
    if not inputs.paths:
        return None, []
    validator = Validator(inputs.schema, inputs.schema_version, lenient=inputs.lenient)
    sources: list[InputSource | InputError] = []
    for path in paths:
        try:
            sources.append(input_source(path))
        except InputError as exc:
            sources.append(exc)
    worst = WorstFindings(out, err)
    tally = report_sources(sources, validator, Tee(GithubReporter(out, err), worst), err, jobs=default_jobs())
    return tally, worst.worst


def base_revision(inputs: Inputs, env: Mapping[str, str]) -> str | None:
    if inputs.base_ref:
        return inputs.base_ref
    base_branch = env.get("GITHUB_BASE_REF", "")
    return f"origin/{base_branch}" if base_branch else None


def ensure_fetched(schemas: Path, base: str) -> None:
    """actions/checkout fetches one commit: fetch the base branch when its ref is not there yet."""
    repo = repo_root(schemas)
    if has_revision(repo, base) or not base.startswith("origin/"):
        return
    branch = base.removeprefix("origin/")
    git(repo, "fetch", "--no-tags", "--depth=1", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")


def compat(inputs: Inputs, env: Mapping[str, str], out: TextIO) -> CompatOutcome:
    base = base_revision(inputs, env) or ""
    schemas = Path(inputs.schemas)
    if inputs.compat == "false":
        return CompatOutcome("skipped", "compat: false", base)
    if not base or not schemas.is_dir():
        reason = "not a pull request and no base-ref given" if not base else f"no schema folder {inputs.schemas}"
        return CompatOutcome("error" if inputs.compat == "true" else "skipped", reason, base)
    try:
        ensure_fetched(schemas, base)
        result = compare_with_revision(schemas, base)
    except HubError as exc:
        out.write(f"::error title=llm-hub compat::{escape_data(str(exc))}\n")
        return CompatOutcome("error", str(exc), base)
    _log_comparison(result, inputs.schemas, out)
    return CompatOutcome("compatible" if result.compatible else "breaking", "", base, result)


def _log_comparison(result: BaseComparison, schemas: str, out: TextIO) -> None:
    """The full report in a log group, with workflow commands off (it quotes schema text); then one
    annotation per breaking change on the file that holds it."""
    token = secrets.token_hex(16)
    out.write(f"::group::schema compatibility with {escape_data(result.base)}\n::stop-commands::{token}\n")
    out.write(render_comparison_text(result))
    out.write(f"::{token}::\n::endgroup::\n")
    for comparison in result.comparisons:
        if comparison.report is None:
            continue
        for change in comparison.report.changes:
            if change.kind != "breaking":
                continue
            place = (change.new or change.old or "").partition("#")[0]
            file = f"{schemas.rstrip('/')}/{comparison.version}/{place}" if place else ""
            title = escape_property(f"{change.rule}: {change.type}")
            message = escape_data(f"{change.message} (not backward compatible with {comparison.against})")
            out.write(f"::error {f'file={escape_property(file)},' if file else ''}title={title}::{message}\n")
    for version in result.removed:
        out.write(f"::error title=llm-hub compat::{escape_data(f'schema version {version} was removed')}\n")


def write_outputs(path: str, values: dict[str, str]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            handle.write(f"{name}={value}\n")


def exit_status(tally: Tally | None, outcome: CompatOutcome) -> int:
    if (tally is not None and tally.unreadable) or outcome.status == "error":
        return 2
    if (tally is not None and tally.invalid) or outcome.status == "breaking":
        return 1
    return 0


def run(env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    inputs = Inputs.from_env(env)
    tally, worst = validate(inputs, out, err)
    outcome = compat(inputs, env, out)
    status = exit_status(tally, outcome)
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(render_summary(tally, worst, outcome))
    if env.get("GITHUB_OUTPUT"):
        counts = tally or Tally()
        write_outputs(env["GITHUB_OUTPUT"], {
            "documents": str(counts.documents), "valid": str(counts.valid), "invalid": str(counts.invalid),
            "unreadable": str(len(counts.unreadable)), "errors": str(sum(counts.by_keyword.values())),
            "compat": outcome.status, "bump": outcome.result.verdict if outcome.result else "",
            "exit-code": str(status)})
    return status


def main() -> None:
    workspace = os.environ.get("GITHUB_WORKSPACE")
    try:
        if workspace:
            os.chdir(workspace)
        code = run(os.environ, sys.stdout, sys.stderr)
    except HubError as exc:  # bad inputs: one annotation, exit 2
        sys.stdout.write(f"::error title=llm-hub::{escape_data(str(exc))}\n")
        code = 2
    except OSError as exc:
        sys.stdout.write(f"::error title=llm-hub::{escape_data(f'{type(exc).__name__}: {exc}')}\n")
        code = 2
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
