"""Format the generated Python with ruff (pinned in the `generate` extra), so it reads like code
a person formatted; the same ruff version gives the same bytes, which `generate --check` relies on."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..ir import GeneratorError


def _ruff() -> list[str]:
    beside = Path(sys.executable).with_name("ruff")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("ruff")
    if found is None:
        raise GeneratorError("ruff is needed to format the generated Python: pip install 'llm-analytics-hub[generate]'")
    return [found]


def format_python(files: dict[str, str], line_length: int) -> dict[str, str]:
    """The given {path: source} formatted by `ruff format` (one process for all of them)."""
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="llm-hub-format-") as folder:
        root = Path(folder)
        for path, text in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        command = [*_ruff(), "format", "--isolated", "--quiet", f"--line-length={line_length}",
                   "--target-version=py311", str(root)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise GeneratorError(f"ruff format failed on the generated Python: {done.stderr.strip()[:2000]}")
        return {path: (root / path).read_text(encoding="utf-8") for path in files}
