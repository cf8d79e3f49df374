"""``ssp-tui billing list`` and ``billing show``: amounts due, plans, installments and payments (read-only;
paying is the portal's InvoiceCloud hand-off, which the TUI opens)."""

from __future__ import annotations

import click

from ssp_tui.api.models import (
    AppliedPayment,
    BilledPolicy,
    BillingDetail,
    BillingKind,
    BillingSummary,
    BillingTerm,
    Installment,
)
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column, Output, money, money_column
from ssp_tui.cli.output_options import make_output, output_options

SUMMARY_COLUMNS: list[Column[BillingSummary]] = [
    Column("Number", lambda b: b.number),
    Column("Id", lambda b: b.id),
    Column("Kind", lambda b: b.kind.value),
    Column("Name", lambda b: b.name),
    Column("Insurer", lambda b: b.insurer),
    money_column("Amount due", lambda b: b.amount_due_cents),
    Column("Due", lambda b: b.due_on),
    money_column("Past due", lambda b: b.past_due_cents, blank_when_zero=True),
    Column("Policies", lambda b: b.policy_numbers),
]
INSTALLMENT_COLUMNS: list[Column[Installment]] = [
    Column("#", lambda i: i.number, "right"),
    Column("Due", lambda i: i.due_on),
    money_column("Amount", lambda i: i.amount_cents),
    Column("Status", lambda i: i.status.value.replace("_", " ")),
]
PAYMENT_COLUMNS: list[Column[AppliedPayment]] = [
    Column("Paid", lambda p: p.paid_on),
    money_column("Amount", lambda p: p.amount_cents),
    Column("Method", lambda p: p.method),
    Column("Reference", lambda p: p.reference),
]
POLICY_COLUMNS: list[Column[BilledPolicy]] = [
    Column("Policy", lambda p: p.policy_number),
    Column("Id", lambda p: p.id),
    money_column("Premium", lambda p: p.premium_cents),
]


@click.group("billing")
def billing_group() -> None:
    """Payments: billing accounts and policies, what is due, installments and payments."""


@billing_group.command("list")
@click.option(
    "--by",
    type=click.Choice([kind.value for kind in BillingKind]),
    default=BillingKind.ACCOUNT.value,
    show_default=True,
    help="Billing accounts, or one row per policy.",
)
@output_options()
@click.pass_context
def billing_list(ctx: click.Context, by: str) -> None:
    """List billing accounts (or policies) with the amount due.

    Money is $1,240.00 in the table, 1240.00 in tsv and csv, and integer cents in JSON.

    \b
    Examples:
      ssp-tui billing list
      ssp-tui billing list --by policy --json number,amount_due_cents
      ssp-tui billing list --format csv
    """
    output = make_output(ctx, fields=BillingSummary)
    stream = ListingStream(output, SUMMARY_COLUMNS, empty="Nothing to pay here.")

    async def body(run: CliRun) -> int:
        billing = run.client.billing
        rows = billing.accounts() if BillingKind(by) is BillingKind.ACCOUNT else billing.policies()
        return await stream.write(rows)

    run_portal(ctx, body, output=output, needs=Capability.BILLING)
    stream.finish()


async def _find(run: CliRun, reference: str) -> BillingSummary:
    """An account or policy by id or number, among those the caller may see (accounts first)."""
    text = reference.strip().casefold()
    for rows in (run.client.billing.accounts(), run.client.billing.policies()):
        async for row in rows:
            if text in (row.id.casefold(), row.number.casefold()):
                return row
    raise CommandFailed(f"No billing account or policy {reference!r}: see `ssp-tui billing list`.")


@billing_group.command("show")
@click.argument("reference", metavar="ID")
@click.option(
    "--term", type=click.Choice([t.value for t in BillingTerm]), default="current", show_default=True
)
@output_options(listing=False)
@click.pass_context
def billing_show(ctx: click.Context, reference: str, term: str) -> None:
    """One billing account or policy for a term. ID is an id or number from `billing list`.

    \b
    Examples:
      ssp-tui billing show 1040703945
      ssp-tui billing show NCP1513214 --term previous --json
    """
    output = make_output(ctx, fields=BillingDetail)

    async def body(run: CliRun) -> BillingDetail:
        found = await _find(run, reference)
        return await run.client.billing.detail(found.kind, found.id, BillingTerm(term))

    detail = run_portal(ctx, body, output=output, needs=Capability.BILLING)
    if output.as_json:
        output.json(detail)
        return
    show_detail(output, detail)


def show_detail(output: Output, detail: BillingDetail) -> None:
    output.fields(
        [
            (detail.kind.value.capitalize(), detail.number),
            ("Name", detail.name),
            ("Insurer", detail.insurer),
            ("Term", f"{detail.term.value}: {detail.term_start} to {detail.term_end}"),
            ("Plan", detail.plan.value.replace("_", " ")),
            ("Term amount", money(detail.term_amount_cents)),
            ("Premium", money(detail.premium_cents)),
            ("Balance", money(detail.balance_cents)),
            ("Amount due", money(detail.amount_due_cents)),
            ("Due", detail.due_on),
            ("Past due", money(detail.past_due_cents)),
            ("AutoPay", detail.autopay),
            ("Pay online", detail.can_pay_online),
        ],
        title=f"Billing {detail.number}",
    )
    for title, items, columns in (
        ("Policies", detail.policies, POLICY_COLUMNS),
        ("Installments", detail.installments, INSTALLMENT_COLUMNS),
        ("Payments", detail.payments, PAYMENT_COLUMNS),
    ):
        if items:
            output.blank()
            output.table(columns, items, title=title)  # type: ignore[arg-type]
    output.blank()
    output.line(f"{detail.ere_note} {detail.ere_url}".strip())
