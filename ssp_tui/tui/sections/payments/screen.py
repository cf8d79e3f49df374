"""Payments: billing accounts or policies, one term in detail, and Pay (the InvoiceCloud hand-off) for the
policyholders whose account allows it. Agents, support staff and insureds never see Pay."""

from __future__ import annotations

from dataclasses import dataclass

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static
from textual.worker import Worker

from ssp_tui.api.models import BillingDetail, BillingKind, BillingSummary, BillingTerm, Capability
from ssp_tui.tui.common.links import open_link
from ssp_tui.tui.section_registry import RecordRef
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.sections.payments.panes import BillingDetailPane, BillingList

INVOICECLOUD_TITLE = "the InvoiceCloud payment page"


class PaymentsScreen(SectionScreen):
    SECTION_ID = "payments"
    BINDINGS = [
        Binding(
            "v",
            "toggle_kind",
            "Accounts/Policies",
            tooltip="Switch between accounts and policies",
            id="payments.toggle_kind",
        ),
        Binding(
            "t",
            "toggle_term",
            "Term",
            tooltip="Switch between the current and the previous term",
            id="payments.toggle_term",
        ),
        Binding(
            "y",
            "pay",
            "Pay",
            tooltip="Pay the amount due on InvoiceCloud (opens your browser)",
            id="payments.pay",
        ),
        Binding(
            "e",
            "ere",
            "ERE info",
            tooltip="Open the Extended Reporting Endorsement information",
            id="payments.ere",
        ),
        Binding(
            "r", "reload", "Reload", tooltip="Fetch the billing again from the portal", id="payments.reload"
        ),
    ]

    DEFAULT_CSS = """
    #payments-main { height: 1fr; }
    /* Stacked on a narrow screen, the details have the full width: figures two pairs a line. */
    PaymentsScreen.-narrow #billing-figures { grid-size: 4; grid-columns: auto auto auto 1fr; }
    """

    @dataclass
    class ListLoaded(Message):
        kind: BillingKind
        summaries: list[BillingSummary]

    @dataclass
    class DetailLoaded(Message):
        detail: BillingDetail

    def __init__(self) -> None:
        super().__init__()
        self.chosen: BillingSummary | None = None
        self.detail: BillingDetail | None = None
        self.opening: str | None = None
        """The account Home asked for: until its row is chosen, the list's own first row does not count."""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="payments-main", classes="split"):
            yield BillingList(id="billing-list", classes="split-list")
            yield BillingDetailPane(id="billing-detail", classes="split-detail")

    billing_list = getters.query_one(BillingList)
    detail_pane = getters.query_one(BillingDetailPane)

    @property
    def may_pay(self) -> bool:
        """The role may pay (``pay`` capability) and the portal says this account can be paid online."""
        user = self.controller.user
        role_may_pay = user is not None and Capability.PAY in user.capabilities
        return role_may_pay and self.detail is not None and self.detail.can_pay_online

    def on_mount(self) -> None:
        self.billing_list.table.focus()

    def first_shown(self) -> None:
        self.load_list(BillingKind.ACCOUNT)

    # -- loading --

    @work(exclusive=True, exit_on_error=False, group="billing-list")
    async def load_list(self, kind: BillingKind) -> None:
        if kind is BillingKind.ACCOUNT:
            summaries = await self.controller.call(lambda c: c.billing.accounts().collect())
        else:
            summaries = await self.controller.call(lambda c: c.billing.policies().collect())
        self.post_message(self.ListLoaded(kind, summaries))

    @work(exclusive=True, exit_on_error=False, group="billing-detail")
    async def load_detail(self, summary: BillingSummary, term: BillingTerm) -> None:
        detail = await self.controller.call(lambda c: c.billing.detail(summary.kind, summary.id, term))
        self.post_message(self.DetailLoaded(detail))

    def open_record(self, record: RecordRef) -> None:
        """Home's amount-due and past-due items are about one billing account, on the current term."""
        self.opening = record.ref_id
        if self.detail_pane.term is not BillingTerm.CURRENT:
            self.action_toggle_term()
        if self.billing_list.kind is BillingKind.POLICY:
            self.billing_list.toggle_kind()  # loads the accounts, then the list-loaded handler picks the row
        elif self.billing_list.table.shown_rows():
            self._point_list_at(record.ref_id)
        # else the first load is under way: its handler picks the row

    def _point_list_at(self, account_id: str) -> None:
        # Moved: its Chosen message loads the detail. Not moved: not in the list, or already the chosen row.
        if not self.billing_list.table.move_cursor_to_key(account_id):
            self.opening = None

    def on_payments_screen_list_loaded(self, message: ListLoaded) -> None:
        if message.kind is self.billing_list.kind:
            self.billing_list.show(message.summaries)
            if self.opening is not None:
                self._point_list_at(self.opening)

    def on_payments_screen_detail_loaded(self, message: DetailLoaded) -> None:
        detail = message.detail
        if self.chosen is None or detail.id != self.chosen.id or detail.term is not self.detail_pane.term:
            return  # an answer for a row or term the user has already left
        self.detail = detail
        user = self.controller.user
        sees_payments = user is not None and Capability.PAYMENT_HISTORY in user.capabilities
        self.detail_pane.show(detail, may_pay=self.may_pay, sees_payments=sees_payments)
        self.refresh_bindings()

    @on(BillingList.KindChanged)
    def kind_changed(self, message: BillingList.KindChanged) -> None:
        if not self.shown:
            return  # the choice's first value, set as it mounts: first_shown loads with it
        self.chosen = None
        self.load_list(message.kind)

    @on(BillingList.Chosen)
    def row_chosen(self, message: BillingList.Chosen) -> None:
        if self.opening is not None:
            if message.summary.id != self.opening:
                return  # the list's first row, shown before the account Home asked for
            self.opening = None
        self.chosen = message.summary
        self.detail = None
        self.refresh_bindings()
        self.load_detail(message.summary, self.detail_pane.term)

    @on(BillingDetailPane.TermChosen)
    def term_chosen(self, message: BillingDetailPane.TermChosen) -> None:
        if self.chosen is not None:
            self.load_detail(self.chosen, message.term)

    def worker_failed(self, worker: Worker[object], error: BaseException) -> bool:
        if worker.group == "billing-detail":
            self.detail_pane.query_one("#billing-heading", Static).update(
                "The billing details could not be loaded. Press r to try again."
            )
        return False

    # -- actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pay":
            return self.may_pay
        if action == "ere":
            return self.detail is not None and bool(self.detail.ere_url)
        return True

    def action_toggle_kind(self) -> None:
        self.billing_list.toggle_kind()

    def action_toggle_term(self) -> None:
        select = self.detail_pane.query_one("#billing-term")
        current = self.detail_pane.term
        select.value = BillingTerm.PREVIOUS if current is BillingTerm.CURRENT else BillingTerm.CURRENT  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        self.load_list(self.billing_list.kind)
        if self.chosen is not None:
            self.load_detail(self.chosen, self.detail_pane.term)

    def action_pay(self) -> None:
        if self.may_pay and self.detail is not None:
            self.pay(self.detail.kind, self.detail.id)

    @work(exclusive=True, exit_on_error=False, group="pay")
    async def pay(self, kind: BillingKind, object_id: str) -> None:
        # A new one-time link each time: asking again after a re-login is harmless.
        link = await self.controller.call(lambda c: c.billing.pay_link(kind, object_id))
        await open_link(self.app, link.url, INVOICECLOUD_TITLE)

    def action_ere(self) -> None:
        if self.detail is not None and self.detail.ere_url:
            self.run_worker(
                open_link(self.app, self.detail.ere_url, "the ERE information"),
                group="link",
                exit_on_error=False,
            )

    @on(Button.Pressed, "#pay-button")
    def pay_pressed(self) -> None:
        self.action_pay()

    @on(Button.Pressed, "#ere-link")
    def ere_pressed(self) -> None:
        self.action_ere()
