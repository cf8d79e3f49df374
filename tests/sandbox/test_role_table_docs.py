"""docs/api.md shows the same role table the sandbox enforces (Help: tests/tui/test_help_roles.py)."""

from __future__ import annotations

from pathlib import Path

from ssp_tui.sandbox.role_docs import END_MARKER, START_MARKER, role_table_markdown

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_docs_api_shows_the_role_table_the_sandbox_enforces() -> None:
    text = API_DOC.read_text(encoding="utf-8")
    block = text[text.index(START_MARKER) : text.index(END_MARKER) + len(END_MARKER)]
    assert block == role_table_markdown(), "regenerate with: python -m ssp_tui.sandbox.role_docs"

