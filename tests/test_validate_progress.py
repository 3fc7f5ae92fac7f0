"""The progress line appears on a terminal's stderr for long runs, and never in pipes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from llm_analytics_hub.schema_store import load_version

EVENT = json.dumps(load_version("1.0.0").lookup("AnalyticsEvent").examples[0])
# The reference engine is slow enough (hundreds of events/s) that the run outlasts the first draw.
COMMAND = [sys.executable, "-m", "llm_analytics_hub.cli", "validate", "--engine", "reference", "-q", "-"]
STDIN = ("\n".join([EVENT] * 2048) + "\n").encode()


def test_progress_is_drawn_on_a_terminal() -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    stdout, _ = process.communicate(STDIN, timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert process.returncode == 0, stdout
    assert b"documents checked" in seen
    assert b"2048 documents: 2048 valid" in stdout


def test_no_progress_in_pipes() -> None:
    done = subprocess.run(COMMAND, input=STDIN, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0
    assert done.stderr == b""
