"""The invoice: one page with the policy's premium and the billing account's installment schedule."""

from __future__ import annotations

from datetime import date

from ssp_tui.sandbox.pdfs.base import BOLD, MUTED, BuiltPdf, Column, DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.facts import InstallmentFacts, InvoiceFacts, money, us_date
from ssp_tui.sandbox.seed_model import add_months

INVOICE_PAGES = 1
PLAN_NAMES = {
    "annual": "Annual",
    "semi_annual": "Semi-annual",
    "quarterly": "Quarterly",
    "monthly": "Monthly",
}
STATUS_NAMES = {"paid": "Paid", "due": "Due", "past_due": "Past due", "scheduled": "Scheduled"}
INSTALLMENT_COLUMNS = (
    Column("Installment", 80),
    Column("Due date", 110),
    Column("Amount", 120, "right"),
    Column("Status", 120),
)


def project_installments(total_cents: int, count: int, first_due_on: date) -> list[InstallmentFacts]:
    """An even split of ``total_cents`` over a year in ``count`` scheduled installments (the first takes the
    remainder), for a term that has not been billed yet."""
    if count < 1 or 12 % count:
        raise ValueError(f"an installment plan has 1, 2, 3, 4, 6 or 12 installments, not {count}")
    share, remainder = divmod(total_cents, count)
    return [
        InstallmentFacts(
            number + 1,
            add_months(first_due_on, number * 12 // count),
            share + (remainder if number == 0 else 0),
            "scheduled",
        )
        for number in range(count)
    ]


def build_invoice(facts: InvoiceFacts) -> BuiltPdf:
    layout = Layout(
        DocumentInfo(
            title=facts.title,
            issuer=facts.insurer,
            subject=f"Invoice {facts.invoice_number} for billing account {facts.account_number}",
            reference=f"Invoice {facts.invoice_number} \u00b7 Account {facts.account_number}",
            keywords=("invoice", facts.account_number, facts.policy_number),
        )
    )
    layout.title(f"Invoice {facts.invoice_number}")
    layout.paragraph(f"Issued {us_date(facts.issued_on)}", color=MUTED, after=8)
    layout.key_values(
        [
            ("Bill to", ", ".join([facts.bill_to.name, *facts.bill_to.address_lines])),
            ("Billing account", f"{facts.account_number} \u00b7 {facts.account_name}"),
            ("Payment plan", PLAN_NAMES.get(facts.plan, facts.plan)),
            ("Policies on the account", ", ".join(facts.account_policies)),
        ],
        label_width=140,
    )
    layout.heading("This policy")
    layout.key_values(
        [
            ("Policy", f"{facts.policy_number} \u00b7 {facts.coverage_type}"),
            ("Term", f"{us_date(facts.term_start)} to {us_date(facts.term_end)}"),
            ("Premium", money(facts.premium_cents)),
            ("Installment fees", money(facts.fees_cents)),
            ("Total for the term", money(facts.total_cents)),
        ],
        label_width=140,
    )
    layout.heading(
        "Projected installment schedule"
        if facts.installments_projected
        else "Account installments for the term"
    )
    layout.table(
        INSTALLMENT_COLUMNS,
        [
            [str(i.number), us_date(i.due_on), money(i.amount_cents), STATUS_NAMES.get(i.status, i.status)]
            for i in facts.installments
        ],
    )
    layout.key_values(
        [
            ("Installments total", money(sum(i.amount_cents for i in facts.installments))),
            ("Payments applied", money(facts.payments_cents)),
            ("Amount due now", money(facts.amount_due_cents)),
        ],
        label_width=140,
    )
    layout.heading("How to pay", size=10)
    if facts.autopay:
        layout.paragraph(
            "AutoPay is on: each installment is drafted from the account on file on its due date."
        )
    if facts.can_pay_online:
        layout.paragraph(
            "Pay online: sign in to the portal, open Payments and choose Pay (InvoiceCloud); "
            "card and eCheck are accepted."
        )
    layout.paragraph(
        f"By check: payable to {facts.insurer}, with billing account {facts.account_number} "
        "written on the check."
    )
    layout.paragraph(
        "Coverage may be cancelled for non-payment if an installment remains unpaid after its due "
        "date; a notice is sent first.",
        font=BOLD,
        size=8.5,
    )
    return layout.render(expected_pages=INVOICE_PAGES)
