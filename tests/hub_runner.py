"""`Hub`: runs the real `llm-hub` command line in a subprocess (the `hub` fixture of conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


class Hub:
    """Runs `python -m llm_analytics_hub.cli ...` and checks what every command promises: output in
    UTF-8 whatever the input was, and never a traceback."""

    def __call__(self, *args: str | Path, stdin: bytes | str | None = None, cwd: Path | None = None,
                 env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "llm_analytics_hub.cli", *map(str, args)]
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        proc = subprocess.run(command, input=data, capture_output=True, cwd=cwd, env=env, timeout=timeout,
                              check=False)
        out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
        assert "Traceback" not in err and "Traceback" not in out, err
        assert "Exception ignored" not in err, err
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def validate(self, *args: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
        return self("validate", *args, **options)

    def validate_json(self, *args: str | Path, **options: Any) -> tuple[int, list[dict[str, Any]], dict[str, Any], str]:
        """Exit code, the per-document records, the summary and stderr of a `validate --format json` run."""
        proc = self.validate("--format", "json", *args, **options)
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        assert lines and set(lines[-1]) == {"summary"}, proc.stdout
        return proc.returncode, lines[:-1], lines[-1]["summary"], proc.stderr
