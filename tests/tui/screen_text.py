"""Reading what a screen shows, cell by cell, as the terminal would draw it (layout tests)."""

from __future__ import annotations

from textual.app import App


def screen_lines(app: App[object]) -> list[str]:
    """The text of every line of the current screen as composited (dialogs over their screen included)."""
    # The compositor is what the driver would paint; no public API returns its cells as text.
    return [strip.text for strip in app.screen._compositor.render_strips()]
