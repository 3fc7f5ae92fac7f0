"""The only file I/O of the generator: build every output in memory, then write it or diff it.

`generate()` owns the folders of generated/ that the targets of `registry.TARGETS` name as their
roots, and nothing else there (anything else belongs to other tools); tool folders inside them
(`SKIPPED`: a node_modules/ someone installed into the npm package, a cargo or Maven target/) are
left alone, and so is what a package's own build step writes (`BUILT`: the npm
package's precompiled validators).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import HubError
from ..schema_store import load_folder
from ..schema_view import vocabulary
from ..versions import available_versions
from .bundle import render_bundles, render_manifest
from .ir import GeneratorError, build_version
from .registry import TARGETS
from .settings import load_settings
from .target import Context, Files

OWNED = tuple(target.root for target in TARGETS)
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


def build_context(schemas_root: Path) -> Context:
    """Load every version, apply the keyword policy, build the IR and the bundles: what targets render from."""
    settings = load_settings(schemas_root)
    sets = [load_folder(schemas_root / v, v) for v in available_versions(schemas_root)]
    refused = [f"{path.relative_to(schemas_root.parent)}#{pointer}: [vocabulary] {message}"
               for schema_set in sets for path, document in schema_set.documents.items()
               for pointer, message in vocabulary.lint(document)]
    if refused:
        raise RefusedSchema(refused)
    versions = []
    bundles: Files = {}
    for schema_set in sets:
        try:
            versions.append(build_version(schema_set))
        except GeneratorError as exc:
            raise RefusedSchema([f"{schemas_root.name}/{schema_set.folder.name}/{exc}"]) from None
        bundles.update(render_bundles(schema_set))
    manifest = render_manifest(bundles, sets, versions)
    return Context(tuple(versions), tuple(sets), bundles, manifest, __version__, settings)


def render_all(schemas_root: Path) -> Files:
    """Every generated file, as {path relative to the output folder: text}."""
    context = build_context(schemas_root)
    files: Files = {}
    for target in TARGETS:
        for path, text in target.render(context).items():
            if not path.startswith(target.root + "/"):
                raise GeneratorError(f"target {target.name} rendered {path}, outside its folder {target.root}/")
            files[path] = text
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
