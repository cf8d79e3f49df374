"""Support (support staff only, read-only): find any account and see at once what is wrong with it.

Search by policy number, policyholder, insured, username or email; every result shows its problems. Enter on a
result opens the account's overview, problems first. "Copy summary" puts the overview as plain text on the
clipboard and shows it. Nothing here changes an account: the screen only reads ``GET /support/...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.worker import Worker

from ssp_tui import clock
from ssp_tui.api.models import SupportAccount, SupportAccountHit
from ssp_tui.operations.support_summary import account_summary
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.sections.support.overview import AccountOverview, SummaryDialog
from ssp_tui.tui.sections.support.search import SEARCH_RESULT_LIMIT, SupportSearchPane

SEARCH_GROUP = "support-search"
ACCOUNT_GROUP = "support-account"


class SupportScreen(SectionScreen):
    SECTION_ID = "support"
    AUTO_FOCUS = "#support-query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "copy_summary",
            "Copy summary",
            tooltip="Copy the account's summary as plain text",
            id="support.copy_summary",
        ),
        Binding(
            "r",
            "reload_account",
            "Reload",
            tooltip="Fetch the open account again from the portal",
            id="support.reload_account",
        ),
    ]
    DEFAULT_CSS: ClassVar[str] = """
    SupportScreen #support-body { height: 1fr; }
    SupportScreen #support-search { height: 2fr; min-height: 8; }
    SupportScreen #support-overview { height: 3fr; border-top: solid $primary; }
    """

    @dataclass
    class SearchDone(Message):
        query: str
        hits: list[SupportAccountHit]
        truncated: bool

    @dataclass
    class AccountLoaded(Message):
        account: SupportAccount

    def __init__(self) -> None:
        super().__init__()
        self.account: SupportAccount | None = None
        """The account whose overview is shown (what "Copy summary" copies)."""
        self._chosen: SupportAccountHit | None = None
        """The account last asked for (reloaded by r, named when it fails to load)."""

    def compose_body(self) -> ComposeResult:
        # Stacked, not side by side: the results' problems and the overview's lines both want the full width.
        with Vertical(id="support-body"):
            yield SupportSearchPane(id="support-search")
            yield AccountOverview(id="support-overview")

    search_pane = getters.query_one(SupportSearchPane)
    overview = getters.query_one(AccountOverview)

    # Search -----------------------------------------------------------------------------------------------

    def on_support_search_pane_search_requested(self, message: SupportSearchPane.SearchRequested) -> None:
        self.search_pane.show_searching(message.query)
        self.search(message.query)

    @work(exclusive=True, exit_on_error=False, group=SEARCH_GROUP)
    async def search(self, query: str) -> None:
        # One more than shown tells whether there were more, without fetching every page of a broad search.
        hits = await self.controller.call(
            lambda client: client.support.search(query).collect(limit=SEARCH_RESULT_LIMIT + 1)
        )
        self.post_message(self.SearchDone(query, hits[:SEARCH_RESULT_LIMIT], len(hits) > SEARCH_RESULT_LIMIT))

    def on_support_screen_search_done(self, message: SearchDone) -> None:
        self.search_pane.show_hits(message.query, message.hits, message.truncated)

    # Account ----------------------------------------------------------------------------------------------

    async def on_support_search_pane_account_chosen(self, message: SupportSearchPane.AccountChosen) -> None:
        self._chosen = message.hit
        self.account = None
        self.refresh_bindings()
        await self.overview.show_loading(message.hit.name)
        self.load_account(message.hit.id)

    @work(exclusive=True, exit_on_error=False, group=ACCOUNT_GROUP)
    async def load_account(self, account_id: str) -> None:
        account = await self.controller.call(lambda client: client.support.account(account_id))
        self.post_message(self.AccountLoaded(account))

    async def on_support_screen_account_loaded(self, message: AccountLoaded) -> None:
        if self._chosen is not None and message.account.id != self._chosen.id:
            return  # an earlier choice that arrived after the user picked another account
        self.account = message.account
        self.refresh_bindings()
        await self.overview.show_account(message.account, clock.now())

    def worker_failed(self, worker: Worker[object], error: BaseException) -> bool:
        # The app shows the error itself; here the page says why it is empty and how to try again.
        if worker.group == SEARCH_GROUP:
            self.search_pane.set_status("The search failed. Press Enter in the box to try again.")
        elif worker.group == ACCOUNT_GROUP and self._chosen is not None:
            self.call_next(self.overview.show_failed, self._chosen.name)
        return False

    # Actions ----------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_summary":
            return self.account is not None or None  # shown greyed out until an account is open
        if action == "reload_account":
            return self._chosen is not None or None
        return True

    def action_copy_summary(self) -> None:
        if self.account is None:  # the binding is disabled until an account is open
            return
        summary = account_summary(self.account, clock.now())
        self.app.push_screen(SummaryDialog(self.account.name, summary))

    async def action_reload_account(self) -> None:
        if self._chosen is not None:
            await self.overview.show_loading(self._chosen.name)
            self.load_account(self._chosen.id)
