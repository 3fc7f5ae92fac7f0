"""CHANGELOG.md entries from the compatibility verdicts (`llm-hub changelog`, release_notes)."""

from __future__ import annotations

from pathlib import Path

from llm_analytics_hub import __version__
from llm_analytics_hub.release_notes import carried_before, entries, updated

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"


def test_the_committed_changelog_has_the_current_entry() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert updated(text, __version__, SCHEMAS) == text, "CHANGELOG.md is stale: run `llm-hub changelog`"


def test_an_entry_gives_each_schema_version_its_verdict_and_rules() -> None:
    text = updated("", "9.0.0", SCHEMAS)
    assert text.startswith("# Changelog\n") and [e.version for e in entries(text)] == ["9.0.0"]
    assert "Schema versions carried: 1.0.0, 1.1.0\n" in text
    assert "### Schema 1.1.0 (new in this release)\n\nBackward compatible with 1.0.0: a **minor** change" in text
    assert "- `property-added-optional` (compatible, " in text
    assert "### Schema 1.0.0 (new in this release)\n\nFirst version: " in text
    assert "Released: frozen in `schemas/released.json`." in text  # 1.0.0 is released


def test_a_new_release_goes_on_top_and_leaves_the_older_entries_alone() -> None:
    older = "# Changelog\n\n## 0.9.0\n\nSchema versions carried: 1.0.0\n\nhand-edited history\n"
    text = updated(older, "1.0.0", SCHEMAS)
    assert [e.version for e in entries(text)] == ["1.0.0", "0.9.0"]
    assert text.endswith("## 0.9.0\n\nSchema versions carried: 1.0.0\n\nhand-edited history\n")
    assert carried_before(text, "1.0.0") == {"1.0.0"}
    assert "### Schema 1.1.0 (new in this release)" in text and "### Schema 1.0.0\n" in text
    assert updated(text, "1.0.0", SCHEMAS) == text  # rewriting the current entry changes nothing
