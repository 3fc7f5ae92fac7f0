"""The progress line appears on a terminal's stderr for long runs, and never in pipes."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

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


def test_progress_follows_a_slow_stream_with_the_fast_engine() -> None:
    """A live stream (lines arriving over seconds) is checked as it arrives, and the progress line
    shows on the terminal while the run goes on, not only at the end of 4 MiB."""
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "llm_analytics_hub.cli", "validate", "-q", "-"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    assert process.stdin is not None
    seen = b""
    written = 0
    for _ in range(100):  # a few events every 0.2 s until the line shows (at most 20 s on a busy machine)
        process.stdin.write((EVENT + "\n").encode() * 5)
        process.stdin.flush()
        written += 5
        time.sleep(0.2)
        while select.select([controller], [], [], 0)[0]:
            seen += os.read(controller, 65536)
        if b"documents checked" in seen:
            break
    drawn_while_running = b"documents checked" in seen
    process.stdin.close()
    stdout = process.stdout.read() if process.stdout else b""
    process.wait(timeout=60)
    os.close(controller)
    assert process.returncode == 0, stdout
    assert drawn_while_running, seen
    assert f"{written} documents: {written} valid".encode() in stdout
