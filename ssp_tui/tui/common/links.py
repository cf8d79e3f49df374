"""Opening a web link: in the user's browser tab in a browser session, in the browser when one can open
here, else shown in a dialog and copied.

Every screen opens links through ``open_link``. Over SSH (or on a Linux box with no display) a browser would
open on the wrong machine or not at all, so the URL is shown and copied to the clipboard with OSC 52
(``App.copy_to_clipboard``), which most terminals pass through to the user's own clipboard.
"""

from __future__ import annotations

import asyncio
import os
import sys
import webbrowser
from collections.abc import Mapping
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


def browser_can_open(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """False over SSH, and on Linux/BSD without a graphical display."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return True


def _open_in_browser(url: str) -> bool:
    """``webbrowser.open`` (its own function so tests can stand in for the browser)."""
    return webbrowser.open(url)


class LinkDialog(ModalScreen[None]):
    """Shows a URL that could not be opened here, already copied to the clipboard; `c` copies it again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c", "copy", "Copy link", tooltip="Copy the link to the clipboard again", id="link_dialog.copy"
        ),
        Binding("escape", "close", "Close", tooltip="Close this dialog", id="link_dialog.close"),
    ]

    def __init__(self, title: str, url: str, reason: str) -> None:
        super().__init__()
        self.link_title = title
        self.url = url
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="link-dialog"):
            yield Static(escape(self.link_title), classes="dialog-title")
            yield Static(escape(self.reason), classes="hint", id="link-reason")
            yield Static(escape(self.url), id="link-url")
            with Horizontal(classes="buttons"):
                yield Button("Copy again", id="link-copy", variant="primary")
                yield Button("Close", id="link-close")

    def on_mount(self) -> None:
        self.app.copy_to_clipboard(self.url)

    @on(Button.Pressed, "#link-copy")
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.url)
        self.notify("Link copied to the clipboard.")

    @on(Button.Pressed, "#link-close")
    def action_close(self) -> None:
        self.dismiss(None)


async def open_link(app: App[object], url: str, title: str) -> None:
    """Open ``url`` in the browser, or show it (copied) in a dialog when no browser can open it here.

    Call from the event loop (an action or an async worker); the browser is started in a thread because
    ``webbrowser.open`` may wait for the browser process. In a browser session (``ssp-tui web``) the link
    opens in a new tab of the user's own browser, not on the server.
    """
    if app.is_web:
        app.open_url(url, new_tab=True)
        app.notify(f"Opened {title} in a new tab.")
        return
    if browser_can_open():
        opened = await asyncio.to_thread(_open_in_browser, url)
        if opened:
            app.notify(f"Opened {title} in your browser.")
            return
        reason = "No web browser could be started. The link is copied to your clipboard:"
    else:
        reason = (
            "No browser can open from this terminal (SSH, or no display). "
            "The link is copied to your clipboard:"
        )
    await app.push_screen(LinkDialog(title, url, reason))
