"""The start-up baseline: a bare Textual app with a Header, an Input and a Footer.

Started exactly like ``ssp-tui`` by benchmarks/bench_startup.py, and, like it, exits as soon as its first
frame is shown when SSP_TUI_EXIT_WHEN_READY is set.
"""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Username")
        yield Footer()

    def on_ready(self) -> None:
        if os.environ.get("SSP_TUI_EXIT_WHEN_READY"):
            self.call_after_refresh(self.exit)


if __name__ == "__main__":
    BareApp().run()
