"""``ssp-tui support search|account``: read-only triage for support staff (403 for every other role)."""

from __future__ import annotations

from datetime import datetime

import click

from ssp_tui import clock
from ssp_tui.api.models import (
    Document,
    HolderRequest,
    PolicySummary,
    SeminarActivity,
    SupportAccount,
    SupportAccountHit,
    SupportBilling,
    SupportUser,
)
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column, Output, money_column
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.operations.support_summary import (
    OVERDUE_MARK,
    account_summary,
    age_in_words,
    request_is_open,
    request_is_overdue,
)
from ssp_tui.text_safety import strip_controls

HIT_COLUMNS: list[Column[SupportAccountHit]] = [
    Column("Account", lambda h: h.id),
    Column("Name", lambda h: h.name),
    Column("Policies", lambda h: h.policy_numbers),
    Column("Users", lambda h: h.usernames),
    Column("Flags", lambda h: "; ".join(flag.message for flag in h.flags)),
]
POLICY_COLUMNS: list[Column[PolicySummary]] = [
    Column("Policy", lambda p: p.policy_number),
    Column("Status", lambda p: p.status.value),
    Column("Insurer", lambda p: p.insurer),
    Column("Term", lambda p: f"{p.term_start} to {p.term_end}"),
]
BILLING_COLUMNS: list[Column[SupportBilling]] = [
    Column("Billing account", lambda b: b.account_number),
    Column("Plan", lambda b: b.plan.value.replace("_", " ")),
    money_column("Amount due", lambda b: b.amount_due_cents),
    money_column("Past due", lambda b: b.past_due_cents, blank_when_zero=True),
    Column("Past due since", lambda b: b.past_due_since),
    Column("AutoPay", lambda b: b.autopay),
]
USER_COLUMNS: list[Column[SupportUser]] = [
    Column("Username", lambda u: u.username),
    Column("Name", lambda u: u.display_name),
    Column("Role", lambda u: u.role.value),
    Column("MFA", lambda u: "enrolled" if u.mfa_enrolled else "NOT ENROLLED"),
    Column("Locked", lambda u: f"LOCKED since {u.locked_since or '?'}" if u.locked else "no"),
    Column("Last login", lambda u: u.last_login),
]


def request_columns(now: datetime) -> list[Column[HolderRequest]]:
    """Holder requests with their age at ``now``; open ones past the 48 hours are marked."""
    return [
        Column("Request", lambda r: r.id),
        Column("Status", lambda r: r.status.value.replace("_", " ")),
        Column("Age", lambda r: age_in_words(now - r.submitted_at) if request_is_open(r) else ""),
        Column("Overdue", lambda r: OVERDUE_MARK if request_is_overdue(r, now) else ""),
        Column("Holder", lambda r: r.holder_name),
        Column("Submitted", lambda r: r.submitted_at),
        Column("Expected by", lambda r: r.expected_by),
    ]


DOCUMENT_COLUMNS: list[Column[Document]] = [
    Column("Document", lambda d: d.title),
    Column("Policy", lambda d: d.policy_number),
    Column("Issued", lambda d: d.issued_on),
]
ACTIVITY_COLUMNS: list[Column[SeminarActivity]] = [
    Column("Participant", lambda a: a.participant),
    Column("Seminar", lambda a: a.title),
    Column("Completed", lambda a: a.completed_on),
    Column("Credits", lambda a: a.credits, "right"),
]


@click.group("support")
def support_group() -> None:
    """Support triage (support staff only, read-only)."""


@support_group.command("search")
@click.argument("query")
@output_options()
@click.pass_context
def support_search(ctx: click.Context, query: str) -> None:
    """Find accounts by policy number, policyholder, insured, username or email; each with its flags.

    \b
    Examples:
      ssp-tui support search dr.lopez
      ssp-tui support search NCP1513214 --json id,name
    """
    output = make_output(ctx, fields=SupportAccountHit)
    rows = ListingStream(output, HIT_COLUMNS, empty="No accounts match.")

    async def body(run: CliRun) -> int:
        return await rows.write(run.client.support.search(query))

    run_portal(ctx, body, output=output, needs=Capability.SUPPORT_TRIAGE)
    rows.finish()


@support_group.command("account")
@click.argument("account_id", metavar="ID")
@click.option(
    "--summary",
    "as_summary",
    is_flag=True,
    help="Print the plain-text summary (the TUI's Copy summary), e.g. to paste into a ticket.",
)
@output_options(listing=False)
@click.pass_context
def support_account(ctx: click.Context, account_id: str, as_summary: bool) -> None:
    """One account at a glance, its problems first: policies, billing, users, requests, documents, seminars.

    \b
    Examples:
      ssp-tui support account cu_cf5dbx5kpbjb0v76
      ssp-tui support account cu_cf5dbx5kpbjb0v76 --jq '.flags[].message'
      ssp-tui support account cu_cf5dbx5kpbjb0v76 --summary > ticket.txt
    """
    output = make_output(ctx, fields=SupportAccount)
    if as_summary and output.as_json:
        raise click.UsageError("--summary is plain text: it does not go with --json or --jq.")

    async def body(run: CliRun) -> SupportAccount:
        return await run.client.support.account(account_id)

    account = run_portal(ctx, body, output=output, needs=Capability.SUPPORT_TRIAGE)
    if output.as_json:
        output.json(account)
        return
    if as_summary:
        click.echo(strip_controls(account_summary(account)), nl=False)
        return
    show_account(output, account)


def show_account(output: Output, account: SupportAccount) -> None:
    output.fields([("Account", account.id), ("Name", account.name)], title=account.name)
    output.blank()
    if account.flags:
        output.line("Problems:")
        for flag in account.flags:
            output.line(f"  ! {flag.message}")
    else:
        output.line("No problems found.")
    sections = (
        ("Policies", account.policies, POLICY_COLUMNS),
        ("Billing", account.billing, BILLING_COLUMNS),
        ("Users", account.users, USER_COLUMNS),
        ("Holder requests", account.holder_requests, request_columns(clock.now())),
        ("Recent documents", account.recent_documents, DOCUMENT_COLUMNS),
        ("Seminar activity", account.seminar_activity, ACTIVITY_COLUMNS),
    )
    for title, items, columns in sections:
        if items:
            output.blank()
            output.table(columns, items, title=title)  # type: ignore[arg-type]
