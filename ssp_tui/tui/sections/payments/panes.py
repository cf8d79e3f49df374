"""The panes of Payments: the list of billing accounts or policies, and the chosen one's term in detail.

Like Policy Services, the panes only show what the screen gives them and say what the user chose; the screen
makes every portal call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.markup import escape
from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, RadioButton, RadioSet, Select, Static

from ssp_tui.api.models import BillingDetail, BillingKind, BillingSummary, BillingTerm
from ssp_tui.formatting import money
from ssp_tui.tui.sections.payments.chart import LABELS, InstallmentStrip
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable


def us_date(value: object) -> str:
    return "" if value is None else f"{value:%m/%d/%Y}"


def humanise(value: str) -> str:
    return value.replace("_", " ").capitalize()


SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("number", "Number", kind=ColumnKind.ID),
    Column("name", "Name", max_width=32),
    Column("amount_due_cents", "Amount due", align="right", formatter=money, kind=ColumnKind.MONEY),
    Column("due_on", "Due", formatter=us_date, min_width=10, kind=ColumnKind.DATE),
    Column(
        "past_due_cents",
        "Past due",
        align="right",
        formatter=lambda c: money(c) if c else "",
        kind=ColumnKind.MONEY,
    ),
)
INSTALLMENT_COLUMNS: tuple[Column, ...] = (
    Column("number", "#", align="right", min_width=2, kind=ColumnKind.NUMBER),
    Column("due_on", "Due", formatter=us_date, min_width=10, kind=ColumnKind.DATE),
    Column("amount_cents", "Amount", align="right", formatter=money, kind=ColumnKind.MONEY),
    Column("status", "Status", value=lambda i: i.status, formatter=lambda s: LABELS[s].capitalize()),
)
PAYMENT_COLUMNS: tuple[Column, ...] = (
    Column("paid_on", "Paid on", formatter=us_date, min_width=10, kind=ColumnKind.DATE),
    Column("amount_cents", "Amount", align="right", formatter=money, kind=ColumnKind.MONEY),
    Column("method", "Method", max_width=20),
    Column("reference", "Reference", kind=ColumnKind.ID),
)
POLICY_COLUMNS: tuple[Column, ...] = (
    Column("policy_number", "Policy #", kind=ColumnKind.ID),
    Column("premium_cents", "Premium", align="right", formatter=money, kind=ColumnKind.MONEY),
)


FIGURE_LABELS: tuple[str, ...] = (
    "Payment plan",
    "Term",
    "Term amount",
    "Premium",
    "Balance",
    "Current amount due",
    "Due date",
    "Past due",
)


class BillingList(Vertical):
    """Accounts or Policies, and the list; the cursor row is the one shown in detail."""

    DEFAULT_CSS: ClassVar[str] = """
    BillingList > #billing-kind { width: 100%; height: auto; border: none; padding: 0; layout: horizontal; }
    BillingList > #billing-kind > RadioButton { width: auto; }
    BillingList > #billing-table { height: 1fr; }
    """

    @dataclass
    class KindChanged(Message):
        kind: BillingKind

    @dataclass
    class Chosen(Message):
        summary: BillingSummary

    def compose(self) -> ComposeResult:
        yield Static("Billing", classes="card-title")
        with RadioSet(id="billing-kind"):
            yield RadioButton("Accounts", value=True, id="kind-account")
            yield RadioButton("Policies", id="kind-policy")
        yield VirtualTable(
            SUMMARY_COLUMNS, multi_select=False, empty_text="Nothing billed", id="billing-table"
        )

    table = getters.query_one("#billing-table", VirtualTable)

    @property
    def kind(self) -> BillingKind:
        policies = self.query_one("#kind-policy", RadioButton).value
        return BillingKind.POLICY if policies else BillingKind.ACCOUNT

    def toggle_kind(self) -> None:
        target = "#kind-account" if self.kind is BillingKind.POLICY else "#kind-policy"
        self.query_one(target, RadioButton).value = True

    def show(self, summaries: Sequence[BillingSummary]) -> None:
        self.table.set_rows(summaries, key=lambda summary: summary.id)

    @on(RadioSet.Changed, "#billing-kind")
    def kind_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.post_message(self.KindChanged(self.kind))

    @on(VirtualTable.CursorMoved, "#billing-table")
    def cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if isinstance(event.row, BillingSummary):
            self.post_message(self.Chosen(event.row))


def _sized_table(columns: Sequence[Column], table_id: str, empty: str) -> VirtualTable:
    return VirtualTable(columns, multi_select=False, empty_text=empty, id=table_id, classes="billing-rows")


class BillingDetailPane(VerticalScroll):
    """One account or policy for one term: figures, Pay, the picture, installments, payments, ERE."""

    DEFAULT_CSS: ClassVar[str] = """
    BillingDetailPane #billing-heading { height: auto; }
    BillingDetailPane #billing-term { width: 44; }
    BillingDetailPane #billing-figures { grid-size: 2; grid-columns: auto 1fr; grid-gutter: 0 2;
        height: auto; margin: 1 0; }
    BillingDetailPane .figure-label { color: $text-muted; }
    BillingDetailPane .billing-rows { height: 4; margin-bottom: 1; }
    BillingDetailPane #pay-row { height: auto; }
    BillingDetailPane #pay-button { margin-right: 2; }
    /* Beside the button, in what width is left: it wraps rather than running off the pane. */
    BillingDetailPane #pay-note { width: 1fr; height: auto; }
    BillingDetailPane #ere-note { height: auto; margin-top: 1; }
    """

    @dataclass
    class TermChosen(Message):
        term: BillingTerm

    def compose(self) -> ComposeResult:
        yield Static("Choose an account or a policy on the left.", id="billing-heading", classes="card-title")
        yield Select(
            [("Current term", BillingTerm.CURRENT), ("Previous term", BillingTerm.PREVIOUS)],
            value=BillingTerm.CURRENT,
            allow_blank=False,
            id="billing-term",
            tooltip="Which term to show",
        )
        with Grid(id="billing-figures"):
            for label in FIGURE_LABELS:
                yield Static(label, classes="figure-label")
                yield Static("", id=_figure_id(label))
        with Horizontal(id="pay-row"):
            yield Button("Pay online", id="pay-button", variant="success", classes="hidden")
            yield Static("", id="pay-note", classes="hint")
        yield Static("Installments", classes="card-title")
        yield InstallmentStrip(id="installment-strip")
        yield Static("Policies on this account", classes="card-title", id="billed-policies-title")
        yield _sized_table(POLICY_COLUMNS, "billed-policies", "No policies")
        yield Static("Projected installments", classes="card-title")
        yield _sized_table(INSTALLMENT_COLUMNS, "installments", "No installments")
        yield Static("Applied payments", classes="card-title", id="payments-title")
        yield _sized_table(PAYMENT_COLUMNS, "payments", "No payments in this term")
        yield Static("", id="ere-note")
        yield Button("Extended Reporting Endorsement information", id="ere-link", classes="hidden")

    @property
    def term(self) -> BillingTerm:
        value = self.query_one("#billing-term", Select).value
        return value if isinstance(value, BillingTerm) else BillingTerm.CURRENT

    def show(self, detail: BillingDetail, *, may_pay: bool, sees_payments: bool = True) -> None:
        """``sees_payments``: the role has the payment history (an agent has not: no "No payments" table
        that would look like nothing was paid)."""
        what = "Account" if detail.kind is BillingKind.ACCOUNT else "Policy"
        heading = f"{what} {detail.number} · {detail.name} · {detail.insurer}"
        self.query_one("#billing-heading", Static).update(escape(heading))
        self._show_figures(detail)
        pay = self.query_one("#pay-button", Button)
        pay.set_class(not may_pay, "hidden")
        note = ""
        if may_pay and detail.amount_due_cents:
            note = f"{money(detail.amount_due_cents)} due {us_date(detail.due_on)}; you pay on InvoiceCloud."
        elif detail.autopay:
            note = "AutoPay is on for this account."
        self.query_one("#pay-note", Static).update(note)
        self.query_one(InstallmentStrip).show(detail.installments)
        self._fill("#installments", detail.installments, key=lambda i: i.number)
        self._fill("#payments", detail.payments, key=None)
        self.query_one("#payments-title").display = sees_payments
        self.query_one("#payments").display = sees_payments
        is_account = detail.kind is BillingKind.ACCOUNT
        self.query_one("#billed-policies-title").display = is_account
        self.query_one("#billed-policies").display = is_account
        self._fill("#billed-policies", detail.policies, key=lambda p: p.id)
        self.query_one("#ere-note", Static).update(escape(detail.ere_note))
        self.query_one("#ere-link", Button).set_class(not detail.ere_url, "hidden")

    def _show_figures(self, detail: BillingDetail) -> None:
        values = {
            "Payment plan": humanise(detail.plan.value),
            "Term": f"{us_date(detail.term_start)}–{us_date(detail.term_end)}",
            "Term amount": money(detail.term_amount_cents),
            "Premium": money(detail.premium_cents),
            "Balance": money(detail.balance_cents),
            "Current amount due": money(detail.amount_due_cents),
            "Due date": us_date(detail.due_on) or "nothing due",
            "Past due": money(detail.past_due_cents) if detail.past_due_cents else "none",
        }
        for label in FIGURE_LABELS:
            style = "bold red" if label == "Past due" and detail.past_due_cents else "bold"
            self.query_one(f"#{_figure_id(label)}", Static).update(f"[{style}]{escape(values[label])}[/]")

    def _fill(self, selector: str, rows: Sequence[object], key: object) -> None:
        table = self.query_one(selector, VirtualTable)
        table.set_rows(rows, key=key)  # type: ignore[arg-type]
        # Short lists: as tall as their rows (plus the header), so the pane scrolls as one page.
        table.styles.height = max(len(rows), 1) + 1

    @on(Select.Changed, "#billing-term")
    def term_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.TermChosen(self.term))


def _figure_id(label: str) -> str:
    return "figure-" + label.lower().replace(" ", "-")
