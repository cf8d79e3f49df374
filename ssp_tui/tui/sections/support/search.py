"""The Support search pane: one box (policy number, policyholder, insured, username or email; Enter searches)
and the matching accounts, each with its problems, in a VirtualTable. Enter on a row opens its overview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ssp_tui.api.models import SupportAccountHit
from ssp_tui.formatting import plural
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

SEARCH_RESULT_LIMIT = 500
"""More matches than this are cut off with a hint to narrow the search (support looks for one account)."""
NO_PROBLEMS = "none"


def flags_text(hit: SupportAccountHit) -> str:
    """Every problem of the account in plain words, or "none"."""
    return "; ".join(flag.message for flag in hit.flags) or NO_PROBLEMS


HIT_COLUMNS: tuple[Column, ...] = (
    Column("name", "Account", value=lambda h: h.name, max_width=34),
    Column(
        "problem_count",
        "!",
        value=lambda h: len(h.flags),
        formatter=lambda n: str(n) if n else "",
        align="right",
        width=2,
        kind=ColumnKind.NUMBER,
    ),
    Column("flags", "Problems", value=flags_text, max_width=70),
    Column("policies", "Policies", value=lambda h: ", ".join(h.policy_numbers), kind=ColumnKind.ID),
    Column("users", "Users", value=lambda h: ", ".join(h.usernames), max_width=40),
)


class SupportSearchPane(Vertical):
    """The search box, a status line and the results; the screen runs the search and hands the hits over."""

    DEFAULT_CSS: ClassVar[str] = """
    SupportSearchPane { height: 1fr; }
    SupportSearchPane > #support-query { width: 1fr; }
    SupportSearchPane > #support-search-status { height: auto; color: $text-muted; padding: 0 1; }
    SupportSearchPane > #support-results { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "focus_query",
            "Search",
            tooltip="Type a policy number, name, username or email",
            id="support_search_pane.focus_query",
        ),
    ]

    @dataclass
    class SearchRequested(Message):
        query: str

    @dataclass
    class AccountChosen(Message):
        hit: SupportAccountHit

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Policy number, policyholder, insured, username or email (Enter searches)",
            id="support-query",
        )
        yield Static(
            "Search any account; Enter with an empty box lists every account.", id="support-search-status"
        )
        yield VirtualTable(
            HIT_COLUMNS, multi_select=False, empty_text="No accounts to show", id="support-results"
        )

    table = getters.query_one("#support-results", VirtualTable)

    @property
    def query_text(self) -> str:
        return self.query_one("#support-query", Input).value.strip()

    def action_focus_query(self) -> None:
        self.query_one("#support-query", Input).focus()

    def show_searching(self, query: str) -> None:
        self.set_status(f"Searching for {query!r}…" if query else "Listing every account…")

    def set_status(self, text: str) -> None:
        self.query_one("#support-search-status", Static).update(text)

    def show_hits(self, query: str, hits: Sequence[SupportAccountHit], truncated: bool) -> None:
        self.table.set_rows(hits, key=lambda hit: hit.id)
        with_problems = sum(1 for hit in hits if hit.flags)
        matched = f"matching {query!r}" if query else "in all"
        if not hits:
            self.set_status(f"No accounts {matched}.")
        else:
            more = f" (the first {len(hits)}; narrow the search to see others)" if truncated else ""
            accounts = plural(len(hits), "account")
            self.set_status(f"{accounts} {matched}{more}, {with_problems} with problems.")
            self.table.focus()

    @on(Input.Submitted, "#support-query")
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.SearchRequested(event.value.strip()))

    @on(VirtualTable.RowActivated, "#support-results")
    def row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        if isinstance(event.row, SupportAccountHit):
            self.post_message(self.AccountChosen(event.row))
