"""The only file I/O of the generator: build every output in memory, then write it or diff it.

`generate()` owns these subtrees of the output folder and nothing else (anything else there belongs
to other tools): python/llm_analytics_hub/models, python/llm_analytics_hub/typeddicts, docs,
python/llm_analytics_hub/pydantic, jsonschema, jsonschema-codegen, typescript (the npm package; its
node_modules/, if someone installs there, and validators/, which its build step writes, are
skipped), go (the Go module), java (the Maven project; its target/, if someone builds there, is
skipped), rust (the crate; a cargo target/ folder is skipped).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import HubError
from ..schema_store import load_folder
from ..schema_view import vocabulary
from ..versions import DEFAULT_VERSION, available_versions
from .changelog import render_changelogs, render_rules_page
from .formatting import format_python
from .golang import render_go
from .ir import GeneratorError, build_version
from .java import render_java
from .profile import render_codegen_profiles
from .pydantic_models import render_pydantic
from .render import (
    Files,
    render_bundles,
    render_docs,
    render_manifest,
    render_models,
    render_packages,
    render_typeddicts,
)
from .rust import render_rust
from .settings import load_settings
from .typescript import render_typescript

OWNED = ("python/llm_analytics_hub/models", "python/llm_analytics_hub/typeddicts", "docs", "jsonschema",
         "typescript", "jsonschema-codegen", "python/llm_analytics_hub/pydantic", "go", "java", "rust")
SKIPPED = ("__pycache__", "node_modules", "target")  # tool folders inside owned subtrees
# Inside owned subtrees, written by a package's own build step, not by `generate` (committed and
# drift-checked by that step: typescript/scripts/build-validators.cjs --check).
BUILT = ("typescript/validators/",)
FIX_COMMAND = "llm-hub generate   (or: make generate)"


class RefusedSchema(HubError):
    """Schemas outside the keyword policy: `generate` writes nothing (the same lines as `llm-hub check`)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def render_all(schemas_root: Path) -> Files:
    """Every generated file, as {path relative to the output folder: text}."""
    settings = load_settings(schemas_root)
    versions = available_versions(schemas_root)
    sets = [load_folder(schemas_root / v, v) for v in versions]
    files: Files = {}
    irs = []
    bundles: Files = {}
    refused = [f"{path.relative_to(schemas_root.parent)}#{pointer}: [vocabulary] {message}"
               for schema_set in sets for path, document in schema_set.documents.items()
               for pointer, message in vocabulary.lint(document)]
    if refused:
        raise RefusedSchema(refused)
    for schema_set in sets:
        try:
            version = build_version(schema_set)
        except GeneratorError as exc:
            raise RefusedSchema([f"{schemas_root.name}/{schema_set.folder.name}/{exc}"]) from None
        irs.append(version)
        files.update(render_models(version))
        files.update(render_typeddicts(version))
        files.update(render_docs(version))
        bundles.update(render_bundles(schema_set))
    files.update(bundles)
    manifest = render_manifest(bundles, sets, irs)
    files.update(manifest)
    files.update(render_packages(irs))
    files.update(render_changelogs(sets))
    files.update(render_rules_page())
    files.update(render_typescript(irs, sets, bundles, manifest, __version__, settings.get("typescript", "package")))
    files.update(render_go(irs, bundles, manifest))
    files.update(render_java(irs, bundles, manifest, __version__, DEFAULT_VERSION))
    files.update(render_rust(irs, __version__))
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    files.update(format_python(python, settings.get("python", "line_length")))
    profiles = render_codegen_profiles(irs)
    files.update(profiles)
    # datamodel-code-generator's output stays as it wrote it (formatted by its own pinned black/isort)
    files.update(render_pydantic(profiles, [v.version for v in irs], [v.module for v in irs]))
    return dict(sorted(files.items()))


def existing_files(output: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for owned in OWNED:
        folder = output / owned
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(output).as_posix()
                if path.is_file() and not set(SKIPPED) & set(path.relative_to(folder).parts) \
                        and not relative.startswith(BUILT):
                    found[relative] = path.read_bytes()
    return found


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # --check: differs
    missing: list[str] = field(default_factory=list)  # --check: would be created
    extra: list[str] = field(default_factory=list)  # --check: would be removed
    diff: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.missing or self.extra)


def generate(schemas_root: Path, output: Path, check: bool = False) -> Outcome:
    wanted = {path: text.encode("utf-8") for path, text in render_all(schemas_root).items()}
    present = existing_files(output)
    outcome = Outcome()
    for path, data in wanted.items():
        old = present.get(path)
        if old == data:
            continue
        if check:
            if old is None:
                outcome.missing.append(path)
            else:
                outcome.changed.append(path)
                outcome.diff += difflib.unified_diff(
                    old.decode("utf-8", "replace").splitlines(keepends=True),
                    data.decode("utf-8").splitlines(keepends=True),
                    fromfile=f"generated/{path} (on disk)", tofile=f"generated/{path} (from schemas)")
            continue
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        outcome.written.append(path)
    for path in sorted(set(present) - set(wanted)):
        if check:
            outcome.extra.append(path)
        else:
            (output / path).unlink()
            outcome.removed.append(path)
    return outcome
