"""Shared fixtures: `hub` runs the real `llm-hub` command line in a subprocess."""

from __future__ import annotations

import pytest
from hub_runner import Hub
from postgres_server import postgres  # noqa: F401  (the session's PostgreSQL server, started on first use)


@pytest.fixture(scope="session")
def hub() -> Hub:
    return Hub()
