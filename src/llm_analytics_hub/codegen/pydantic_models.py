"""Pydantic v2 models, written by datamodel-code-generator from the codegen profile.

`render_pydantic(profiles)` runs datamodel-code-generator (pinned in the `generate` extra) once per
version on the profile's `_all.json`, whose `$defs` keys "<area>.<Title>" make it write one module per
area: `llm_analytics_hub.pydantic.v1_0_0.events`, ... Its output is taken as it is, formatted by its
own formatters (black, isort: pinned with it), but for one documented post-pass (pydantic_unions: an
internally tagged union's value is the catalogue class itself, `LatencyMetrics`, not a generated
`TelemetryPayloadLatency`). The options, and why:

- pydantic v2 BaseModel, Python 3.11 syntax, `Annotated` constraints (`Field(ge=, le=, pattern=)`);
- `--use-missing-sentinel` (pydantic.MISSING): a member that may be absent but not null is
  `T | MISSING = MISSING`, so null is refused where the schema refuses it, and an absent member
  stays absent in `model_dump_json()`; `--strict-nullable`: a member with a default is not nullable
  for that reason alone;
- `--capitalise-enum-members`: `COUNT = "count"`, never a member that shadows a `str` method
  (`count`, `index`), so the modules pass `mypy --strict`;
- `--strict-types str int float bool`: no "1" -> 1 or "true" -> True coercion (the schemas have none);
- `--use-type-alias`: a union or a constrained value is a type alias (`TypeAliasType`), not a
  `RootModel` to unwrap with `.root`; `--skip-root-model`: no empty `Model` for `_all.json` itself;
  the profile writes a nullable constrained value as a type list (`["string", "null"]`), so that a
  uuid member is `Annotated[StrictStr | None, Field(pattern=...)]` in place, not a type of its own;
- uuid and date-time are kept as `str` with the profile's patterns (type mapping to plain string):
  pydantic's UUID reads undashed, braced and urn: forms and its datetime reads "2024-01-15 10:30Z"
  and epoch strings, which the contract rejects; the profile's date-time pattern states the
  calendar too, so the verdicts stay equal, and the text round-trips byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .ir import GeneratorError
from .profile import ROOT as PROFILE_ROOT
from .profile import render_codegen_profiles
from .pydantic_unions import formatter, internal_unions, rewrite_module
from .target import Context, Files, Target

PACKAGE = "python/llm_analytics_hub/pydantic"
OPTIONS = (
    "--input-file-type", "jsonschema",
    "--output-model-type", "pydantic_v2.BaseModel",
    "--target-python-version", "3.11",
    "--target-pydantic-version", "2.14",
    "--disable-timestamp",
    "--use-double-quotes",
    "--capitalise-enum-members",
    "--use-annotated",
    "--field-constraints",
    "--use-union-operator",
    "--use-standard-collections",
    "--use-schema-description",
    "--use-field-description",
    "--use-missing-sentinel",
    "--strict-nullable",
    "--use-type-alias",
    "--skip-root-model",
    "--strict-types", "str", "int", "float", "bool",
    "--type-mappings", "string+uuid=string", "string+date-time=string",
    "--formatters", "black", "isort",
)


def _run(source: Path, output: Path) -> None:
    command = [sys.executable, "-m", "datamodel_code_generator", "--input", str(source), "--output", str(output),
               *OPTIONS]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=output.parent, env=env, timeout=600)
    except OSError as exc:
        raise GeneratorError(f"cannot run datamodel-code-generator: {exc}") from None
    if result.returncode != 0:
        if "No module named datamodel_code_generator" in result.stderr:
            raise GeneratorError("cannot write the pydantic models: datamodel-code-generator is not installed "
                                 "(pip install 'llm-analytics-hub[generate]')")
        last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise GeneratorError(f"datamodel-code-generator failed on {source.parent.name}/{source.name}: {last}")


def _formatter(scratch: Path) -> Callable[[str], str]:
    try:
        return formatter(scratch)
    except ImportError:
        raise GeneratorError("cannot write the pydantic models: datamodel-code-generator is not installed "
                             "(pip install 'llm-analytics-hub[generate]')") from None


def render_pydantic(profiles: Files, versions: list[str], modules: list[str]) -> Files:
    """{path: text} of the pydantic package: one subpackage per version, one module per area."""
    files: Files = {}
    with tempfile.TemporaryDirectory(prefix="llm-hub-pydantic-") as scratch:
        jobs: list[tuple[str, Path, Path]] = []
        for version, module in zip(versions, modules, strict=True):
            folder = Path(scratch) / module
            folder.mkdir()
            source = folder / "_all.json"
            source.write_text(profiles[f"{PROFILE_ROOT}/{version}/_all.json"], encoding="utf-8")
            jobs.append((module, source, folder / "out"))
        # one process per version, side by side (each is a few seconds of single-core work)
        with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
            for future in [pool.submit(_run, source, output) for _, source, output in jobs]:
                future.result()
        for (module, source, output), version in zip(jobs, versions, strict=True):
            unions = internal_unions(profiles[f"{PROFILE_ROOT}/{version}/_all.json"])
            for path in sorted(output.rglob("*.py")):
                relative = path.relative_to(output).as_posix()
                text = path.read_text(encoding="utf-8")
                here = [u for u in unions if relative == f"{u.area}.py"]
                if here:
                    text = rewrite_module(text, here, _formatter(source.parent))
                files[f"{PACKAGE}/{module}/{relative}"] = text
    files[f"{PACKAGE}/__init__.py"] = (
        '"""Pydantic v2 models of every schema version, written by datamodel-code-generator from the codegen\n'
        "profile (generated/jsonschema-codegen). Generated by `llm-hub generate`. DO NOT EDIT.\n\n"
        "Subpackages: " + ", ".join(modules) + '.\n"""\n')
    files[f"{PACKAGE}/py.typed"] = ""
    return files


def render(context: Context) -> Files:
    """The pydantic target: the profile is rendered again here (a tenth of a second), so that this
    target reads only the context."""
    profiles = render_codegen_profiles(list(context.versions))
    return render_pydantic(profiles, [v.version for v in context.versions], [v.module for v in context.versions])


TARGET = Target("pydantic", PACKAGE, render)
