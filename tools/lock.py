"""The Python lock: requirements/*.txt, every package pinned with its hashes, written by `make lock`.

  requirements/dev.txt      the development and test environment (`.[dev]`): `make setup` installs it with
                            `pip install --require-hashes`, then the project itself with `--no-deps`
  requirements/runtime.txt  what `pip install llm-analytics-hub` needs, pinned (a reproducible deployment;
                            the packaging tests install the artifacts with exactly these)
  requirements/build.txt    the build backend of [build-system] (hatchling), for builds with --no-index

uv (pinned in the Makefile) resolves them for every platform and Python from 3.11 (`--universal`), and keeps
each pin already in a file unless `--upgrade` is given: rerunning `make lock` after a merge that adds a
dependency pins only what is new. Each file starts with the sha256 of the pyproject.toml tables it was
resolved from; `tools/lock.py --check` (run by `make setup`) fails on a lock older than them, naming the fix.

    python tools/lock.py --uv build/lock-tool/bin/uv [--upgrade]     # write
    python tools/lock.py --check                                      # exit 1 when stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "requirements"
PYTHON = "3.11"  # requires-python's lower bound: the oldest interpreter the lock must serve
MARK = "# inputs sha256: "


def inputs() -> dict[str, object]:
    """The pyproject.toml tables the lock is resolved from (any change to them makes it stale)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        "requires-python": project["project"].get("requires-python"),
        "dependencies": project["project"].get("dependencies", []),
        "optional-dependencies": project["project"].get("optional-dependencies", {}),
        "build-system": project["build-system"].get("requires", []),
    }


def digest() -> str:
    return hashlib.sha256(json.dumps(inputs(), sort_keys=True).encode()).hexdigest()


def targets() -> dict[str, list[str]]:
    """file name -> the uv arguments naming what it pins, in order: the others take dev.txt's pins as
    constraints, so a package has one version across the three files."""
    dev = ["--constraint", str(FOLDER / "dev.txt")]
    return {
        "dev.txt": ["pyproject.toml", "--extra", "dev"],
        "runtime.txt": ["pyproject.toml", *dev],
        "build.txt": [str(FOLDER / "build.in"), *dev],
    }


def compile_all(uv: str, upgrade: bool) -> None:
    FOLDER.mkdir(exist_ok=True)
    requires = inputs()["build-system"]
    assert isinstance(requires, list)
    (FOLDER / "build.in").write_text("# [build-system] requires of pyproject.toml (tools/lock.py writes this)\n"
                                     + "".join(f"{r}\n" for r in requires), encoding="utf-8")
    mark = f"{MARK}{digest()}  (pyproject.toml's dependencies, extras and build requires; make lock)\n"
    for name, source in targets().items():
        output = FOLDER / name
        with tempfile.TemporaryDirectory() as scratch:
            draft = Path(scratch) / name
            if output.is_file():  # uv keeps the pins of its output file: start from the committed one
                draft.write_text(output.read_text(encoding="utf-8"), encoding="utf-8")
            command = [uv, "pip", "compile", *source, "--generate-hashes", "--universal", "--python-version",
                       PYTHON, "--quiet", "--custom-compile-command", "make lock", "-o", str(draft)]
            done = subprocess.run([*command, *(["--upgrade"] if upgrade else [])], cwd=ROOT, check=False)
            if done.returncode != 0:
                sys.exit(f"tools/lock.py: uv pip compile for {name} failed ({done.returncode})")
            text = draft.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines(keepends=True) if not line.startswith(MARK)]
        output.write_text(mark + "".join(lines), encoding="utf-8")
        print(f"wrote {output.relative_to(ROOT)} ({sum(1 for line in lines if '==' in line)} packages)")


def check() -> int:
    """0 when every lock file was resolved from the current pyproject.toml, else 1 with the fix."""
    wanted = digest()
    stale = []
    for name in targets():
        path = FOLDER / name
        first = path.read_text(encoding="utf-8").partition("\n")[0] if path.is_file() else ""
        if not first.startswith(MARK) or first[len(MARK):].split()[0] != wanted:
            stale.append(str(path.relative_to(ROOT)))
    if stale:
        print(f"tools/lock.py: {', '.join(stale)}: not resolved from the current pyproject.toml "
              "(its dependencies changed); run `make lock` and commit requirements/", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uv", help="the uv executable (make lock installs its pinned version)")
    parser.add_argument("--upgrade", action="store_true", help="move every pin to the newest allowed release")
    parser.add_argument("--check", action="store_true", help="only check that the lock matches pyproject.toml")
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    if not args.uv:
        parser.error("--uv is required to write the lock")
    compile_all(args.uv, args.upgrade)


if __name__ == "__main__":
    main()
