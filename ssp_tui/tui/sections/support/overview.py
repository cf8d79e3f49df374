"""The Support account overview (problems first, then policies, billing, users, open holder requests, recent
documents and seminar activity) and the dialog that shows the copied plain-text summary.

Both show the text of ``ssp_tui.operations.support_summary``, so what is on screen, what is copied and what
``ssp-tui support account --summary`` prints are the same words.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ssp_tui.api.models import SupportAccount
from ssp_tui.operations.support_summary import account_sections

OVERVIEW_HINT = "Choose an account (Enter on a search result) to see what is wrong with it."


class AccountOverview(VerticalScroll):
    """One card per block of the overview; the problems card is red when there is any problem."""

    DEFAULT_CSS: ClassVar[str] = """
    AccountOverview { height: 1fr; padding: 0 1; }
    AccountOverview > #support-account-title { text-style: bold; height: auto; }
    AccountOverview > .support-block-title { text-style: bold; margin-top: 1; height: auto; }
    AccountOverview > .support-block { height: auto; }
    AccountOverview > #support-block-problems.has-problems { color: $error; text-style: bold; }
    AccountOverview > #support-block-problems.no-problems { color: $success; }
    """

    def compose(self) -> ComposeResult:
        yield Static(OVERVIEW_HINT, id="support-account-title")

    async def show_loading(self, name: str) -> None:
        await self._clear_blocks()
        self.query_one("#support-account-title", Static).update(Text(f"Loading {name}…"))

    async def show_failed(self, name: str) -> None:
        await self._clear_blocks()
        self.query_one("#support-account-title", Static).update(
            Text(f"{name} could not be loaded. Press r to try again.")
        )

    async def show_account(self, account: SupportAccount, now: datetime) -> None:
        await self._clear_blocks()
        self.query_one("#support-account-title", Static).update(
            Text(f"{account.name}  (account {account.id})")
        )
        widgets: list[Static] = []
        for section in account_sections(account, now):
            widgets.append(Static(Text(section.title), classes="support-block-title"))
            block = Static(Text(section.text), id=f"support-block-{section.key}", classes="support-block")
            if section.key == "problems":
                block.add_class("has-problems" if section.lines else "no-problems")
            widgets.append(block)
        await self.mount_all(widgets)
        self.scroll_home(animate=False)

    async def _clear_blocks(self) -> None:
        # Awaited: the next account's blocks reuse the ids of these.
        await self.query(".support-block-title, .support-block").remove()


class SummaryDialog(ModalScreen[None]):
    """The summary as plain text, already copied to the clipboard (OSC 52); shown too because some terminals
    ignore OSC 52, so the user can select the text with the mouse instead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "copy",
            "Copy again",
            tooltip="Copy the summary to the clipboard again",
            id="summary_dialog.copy",
        ),
        Binding(
            "w",
            "toggle_wrap",
            "Wrap",
            tooltip="Wrap long lines, or keep them whole (scroll sideways)",
            id="summary_dialog.toggle_wrap",
        ),
        Binding("escape", "close", "Close", tooltip="Close this dialog", id="summary_dialog.close"),
    ]
    DEFAULT_CSS: ClassVar[str] = """
    SummaryDialog { align: center middle; }
    SummaryDialog > #summary-dialog { width: 90%; height: 90%; border: thick $primary; background: $surface; }
    SummaryDialog #summary-scroll { height: 1fr; }
    SummaryDialog #summary-text { width: 100%; }
    SummaryDialog .buttons { height: auto; align-horizontal: right; }
    """

    wrapped: reactive[bool] = reactive(True, init=False)
    """Long lines wrap (the default: nothing is hidden), else they stay whole and the text scrolls."""

    def __init__(self, account_name: str, summary: str) -> None:
        super().__init__()
        self.account_name = account_name
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-dialog"):
            yield Static(Text(f"Summary of {self.account_name}"), classes="dialog-title")
            yield Static(
                "Copied to your clipboard. If your terminal ignores clipboard requests (OSC 52), "
                "select the text below with the mouse (Shift+drag in most terminals).",
                classes="hint",
                id="summary-hint",
            )
            # Long lines wrap, so nothing is cut off at the dialog's edge; w keeps them whole instead (the
            # columns stay lined up) and the text scrolls sideways.
            with ScrollableContainer(id="summary-scroll"):
                yield Static(Text(self.summary), id="summary-text")
            with Horizontal(classes="buttons"):
                yield Button("Copy again", id="summary-copy", variant="primary")
                yield Button("Close", id="summary-close")

    def on_mount(self) -> None:
        self.app.copy_to_clipboard(self.summary)

    def watch_wrapped(self, wrapped: bool) -> None:
        text = self.query_one("#summary-text", Static)
        if wrapped:
            text.styles.width = "100%"
        else:
            # As wide as the longest line (an auto width stops at the dialog's edge), so it scrolls sideways.
            widest = max((cell_len(line) for line in self.summary.splitlines()), default=0)
            text.styles.width = widest + 1

    def action_toggle_wrap(self) -> None:
        self.wrapped = not self.wrapped

    @on(Button.Pressed, "#summary-copy")
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.summary)
        self.notify("Summary copied to the clipboard.")

    @on(Button.Pressed, "#summary-close")
    def action_close(self) -> None:
        self.dismiss(None)
