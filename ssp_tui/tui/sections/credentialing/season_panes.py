"""Credentialing season views: what lapses soon across the whole book (Expiring), and what was downloaded,
drafted or sent to whom, with the certificates changed since (Sent, from the local ledger)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ssp_tui.api.models import Certificate
from ssp_tui.formatting import plural
from ssp_tui.operations.season.expiring import Lapsing, WindowError, expiring, parse_window
from ssp_tui.operations.season.ledger import ChangedCertificate, LedgerEntry
from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

DEFAULT_WINDOW = "30d"

EXPIRING_COLUMNS: tuple[Column, ...] = (
    Column(
        "ends",
        "Ends",
        value=lambda x: x.ends_on,
        formatter=lambda d: f"{d:%m/%d/%Y}",
        width=10,
        kind=ColumnKind.DATE,
    ),
    Column("days", "Days", value=lambda x: x.days_left, align="right", width=5, kind=ColumnKind.NUMBER),
    Column(
        "policy", "Policy #", value=lambda x: x.certificate.policy_number, min_width=10, kind=ColumnKind.ID
    ),
    Column("insured", "Insured", value=lambda x: x.certificate.insured_name, max_width=28),
    Column("holder", "Holder", value=lambda x: x.certificate.holder_name, max_width=32),
    Column(
        "renewal",
        "Renewal",
        value=lambda x: "offered" if x.certificate.renewal_offered else "not yet",
        width=8,
    ),
)
SENT_COLUMNS: tuple[Column, ...] = (
    Column("changed", "", value=lambda e: e[1], formatter=lambda c: "CHANGED" if c else "", width=7),
    Column(
        "when",
        "When",
        value=lambda e: e[0].at,
        formatter=lambda d: f"{d.astimezone():%m/%d/%Y %H:%M}",
        width=16,
        kind=ColumnKind.DATE,
    ),
    Column("action", "Action", value=lambda e: e[0].action.value, width=10),
    Column("holder", "Holder", value=lambda e: e[0].holder_name, max_width=30),
    Column("recipient", "To", value=lambda e: e[0].recipient, max_width=34),
    Column("insured", "Insured", value=lambda e: e[0].insured_name, max_width=26),
    Column("policy", "Policy #", value=lambda e: e[0].policy_number, min_width=10, kind=ColumnKind.ID),
)


class ExpiringPane(Vertical):
    """Certificates whose term ends within the window; the screen loads the book and hands it over."""

    DEFAULT_CSS: ClassVar[str] = """
    ExpiringPane { height: 1fr; }
    ExpiringPane > #expiring-bar { height: auto; }
    ExpiringPane #expiring-window { width: 16; }
    ExpiringPane > #expiring-summary { height: auto; }
    ExpiringPane > #expiring-table { height: 1fr; }
    """

    class WindowChanged(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.certificates: list[Certificate] = []
        self.window = parse_window(DEFAULT_WINDOW)

    def compose(self) -> ComposeResult:
        with Horizontal(id="expiring-bar"):
            yield Static("Lapsing within ", classes="label")
            yield Input(DEFAULT_WINDOW, placeholder="30d, 6w, 2m", id="expiring-window")
        yield Static("Loading your whole book…", id="expiring-summary", classes="card-title")
        yield VirtualTable(
            EXPIRING_COLUMNS,
            multi_select=False,
            empty_text="Nothing lapses in the window",
            id="expiring-table",
        )

    table = getters.query_one("#expiring-table", VirtualTable)

    @on(Input.Submitted, "#expiring-window")
    def window_submitted(self, event: Input.Submitted) -> None:
        try:
            self.window = parse_window(event.value)
        except WindowError as exc:
            self.query_one("#expiring-summary", Static).update(exc.full_message)
            return
        self.show(self.certificates, self.today)
        self.table.focus()

    today: date = date.min

    def show(self, certificates: Sequence[Certificate], today: date) -> list[Lapsing]:
        self.certificates, self.today = list(certificates), today
        found = expiring(certificates, today, self.window)
        self.table.set_rows(found, key=lambda x: x.certificate.id)
        offered = sum(x.certificate.renewal_offered for x in found)
        days = self.window // timedelta(days=1)
        self.query_one("#expiring-summary", Static).update(
            f"{plural(len(found), 'certificate')} {'lapses' if len(found) == 1 else 'lapse'} within "
            f"{plural(days, 'day')} · {offered} with a renewal offered "
            "(press t for the renewal term's certificates)"
            if found
            else f"No certificate in your book lapses within {plural(days, 'day')}."
        )
        return found

    def failed(self, message: str) -> None:
        self.query_one("#expiring-summary", Static).update(message)


class SentPane(Vertical):
    """The ledger, newest first; certificates whose bytes changed since they were drafted or sent are
    marked CHANGED (send those holders their certificates again)."""

    DEFAULT_CSS: ClassVar[str] = """
    SentPane { height: 1fr; }
    SentPane > #sent-summary { height: auto; }
    SentPane > #sent-table { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("What was downloaded, drafted and sent", id="sent-summary", classes="card-title")
        yield FilterBar("#sent-table", placeholder="Filter by holder, insured, policy", id="sent-filter")
        yield VirtualTable(
            SENT_COLUMNS,
            multi_select=False,
            empty_text="Nothing yet: `ssp-tui coi renewal-pack`, `coi drafts` and `coi send` record here",
            id="sent-table",
        )

    table = getters.query_one("#sent-table", VirtualTable)

    def show(self, entries: Sequence[LedgerEntry], changed: Sequence[ChangedCertificate]) -> None:
        changed_ids = {c.delivered.certificate_id for c in changed}
        delivered = ("drafted", "sent")
        rows = [(e, e.certificate_id in changed_ids and e.action.value in delivered) for e in entries]
        self.table.set_rows(rows, key=lambda r: (r[0].at, r[0].certificate_id, r[0].action.value))
        holders = len({c.delivered.holder_name for c in changed})
        text = f"{plural(len(entries), 'event')} in the ledger"
        if changed:
            text += (
                f" · {plural(len(changed), 'certificate')} changed since sent, "
                f"for {plural(holders, 'holder')}: send again"
            )
        self.query_one("#sent-summary", Static).update(text)

    def failed(self, message: str) -> None:
        self.query_one("#sent-summary", Static).update(message)
