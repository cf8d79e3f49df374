"""Payments: billing summaries and details, and the InvoiceCloud pay-link hand-off.

Figures for a term come from its installments: past due = the past-due installments; amount due = past due
plus the next installment due; balance = every installment not yet paid. A policy's figures are its
premium's share of its billing account's (installments are billed per account), split so that the pieces
still add up: the installments to the term amount, the applied payments to what was paid, and the balance to
what is left (``shares``).
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from ssp_tui.api.models import (
    AppliedPayment,
    BilledPolicy,
    BillingDetail,
    BillingKind,
    BillingSummary,
    BillingTerm,
    Installment,
    InstallmentStatus,
    Page,
    PayLink,
    PaymentPlan,
)
from ssp_tui.api.roles import Capability, Role
from ssp_tui.sandbox.access import (
    Caller,
    billing_account_filter,
    may,
    may_pay,
    policy_filter,
    visible_policy,
)
from ssp_tui.sandbox.http_io import Call, paged_query
from ssp_tui.sandbox.problems import ProblemError, forbidden, not_found

PAY_LINK_TTL = timedelta(minutes=15)
INVOICECLOUD_PORTAL = "https://www.invoicecloud.com/portal/(S(sandbox))/2/customerlocator.aspx"
ERE_NOTE = (
    "Extended Reporting Endorsement (tail) premium is billed separately from the policy term and cannot be "
    "paid online; your agent or the billing team will send an invoice."
)
ERE_URL = "https://www.proassurance.com/claims-made-and-tail-coverage/"


@dataclass(frozen=True, slots=True)
class Figures:
    past_due_cents: int
    amount_due_cents: int
    balance_cents: int
    due_on: date | None


def term_figures(installments: list[Installment]) -> Figures:
    past_due = [i for i in installments if i.status is InstallmentStatus.PAST_DUE]
    upcoming = sorted((i for i in installments if i.status is InstallmentStatus.DUE), key=lambda i: i.due_on)
    next_due = upcoming[0] if upcoming else None
    past_due_cents = sum(i.amount_cents for i in past_due)
    due_dates = [i.due_on for i in past_due] + ([next_due.due_on] if next_due else [])
    return Figures(
        past_due_cents=past_due_cents,
        amount_due_cents=past_due_cents + (next_due.amount_cents if next_due else 0),
        balance_cents=sum(i.amount_cents for i in installments if i.status is not InstallmentStatus.PAID),
        due_on=min(due_dates) if due_dates else None,
    )


def shares(amounts: list[int], share: tuple[int, int]) -> list[int]:
    """Each amount's ``part / whole`` share in cents, rounded so that the shares of any leading run of
    amounts add up to the share of their total (the running total is rounded down, and each piece is its
    step). Rounding every piece down instead loses a cent per piece: a term whose installments no longer add
    up to its term amount, and a balance of $0.00 with cents still unpaid."""
    part, whole = share
    pieces, running, before = [], 0, 0
    for amount in amounts:
        running += amount
        after = running * part // whole
        pieces.append(after - before)
        before = after
    return pieces


def term_installments(
    conn: sqlite3.Connection, account_id: str, term: str, share: tuple[int, int]
) -> list[Installment]:
    rows = conn.execute(
        "SELECT number, due_on, amount_cents, status FROM installments WHERE account_id = ? AND term = ? "
        "ORDER BY number",
        [account_id, term],
    ).fetchall()
    # Paid installments come first (a term is paid in order), so the paid pieces add up exactly to the
    # share of the payments applied, which are split the same way.
    amounts = shares([r["amount_cents"] for r in rows], share)
    return [
        Installment(
            number=r["number"],
            due_on=date.fromisoformat(r["due_on"]),
            amount_cents=amount,
            status=InstallmentStatus(r["status"]),
        )
        for r, amount in zip(rows, amounts, strict=True)
    ]


def _policy_share(conn: sqlite3.Connection, policy: sqlite3.Row, term: str) -> tuple[int, int]:
    """(policy premium, account premium) for the term; (1, 1) when the account premium is unknown."""
    mine = conn.execute(
        "SELECT premium_cents FROM policy_terms WHERE policy_id = ? AND term = ?", [policy["id"], term]
    ).fetchone()
    whole = conn.execute(
        "SELECT premium_cents FROM billing_terms WHERE account_id = ? AND term = ?",
        [policy["billing_account_id"], term],
    ).fetchone()
    if mine is None or whole is None or whole["premium_cents"] <= 0:
        return (1, 1)
    return (min(mine["premium_cents"], whole["premium_cents"]), whole["premium_cents"])


def _visible_account(conn: sqlite3.Connection, caller: Caller, account_id: str) -> sqlite3.Row:
    sql, params = billing_account_filter(caller)
    row = conn.execute(
        f"SELECT b.* FROM billing_accounts b WHERE b.id = ? AND {sql}", [account_id, *params]
    ).fetchone()
    if row is None:
        raise not_found("billing account")
    return row


def _visible_policy_numbers(conn: sqlite3.Connection, caller: Caller, account_id: str) -> list[sqlite3.Row]:
    # The account is already within the caller's scope, and so is every policy on it (one customer's), except
    # for an insured, who sees only the policies they are on.
    sql, params = policy_filter(caller) if caller.role is Role.INSURED else ("1", [])
    return conn.execute(
        f"SELECT p.id, p.policy_number, p.billing_account_id FROM policies p "
        f"WHERE p.billing_account_id = ? AND {sql} ORDER BY p.policy_number",
        [account_id, *params],
    ).fetchall()


def _account_summary(conn: sqlite3.Connection, caller: Caller, row: sqlite3.Row) -> BillingSummary:
    figures = term_figures(term_installments(conn, row["id"], BillingTerm.CURRENT, (1, 1)))
    return BillingSummary(
        id=row["id"],
        kind=BillingKind.ACCOUNT,
        number=row["account_number"],
        name=row["name"],
        insurer=row["insurer"],
        amount_due_cents=figures.amount_due_cents,
        due_on=figures.due_on,
        past_due_cents=figures.past_due_cents,
        can_pay_online=may_pay(caller, bool(row["can_pay_online"])) and figures.balance_cents > 0,
        policy_numbers=[p["policy_number"] for p in _visible_policy_numbers(conn, caller, row["id"])],
    )


def _policy_summary(conn: sqlite3.Connection, caller: Caller, row: sqlite3.Row) -> BillingSummary:
    share = _policy_share(conn, row, BillingTerm.CURRENT)
    figures = term_figures(term_installments(conn, row["billing_account_id"], BillingTerm.CURRENT, share))
    return BillingSummary(
        id=row["id"],
        kind=BillingKind.POLICY,
        number=row["policy_number"],
        name=row["customer_name"],
        insurer=row["insurer"],
        amount_due_cents=figures.amount_due_cents,
        due_on=figures.due_on,
        past_due_cents=figures.past_due_cents,
        can_pay_online=may_pay(caller, bool(row["can_pay_online"])) and figures.balance_cents > 0,
        policy_numbers=[row["policy_number"]],
    )


def billing_accounts(call: Call) -> Page[BillingSummary]:
    sql, params = billing_account_filter(call.user)
    return paged_query(
        call,
        f"SELECT b.* FROM billing_accounts b WHERE {sql} ORDER BY b.account_number, b.id",
        params,
        lambda row: _account_summary(call.conn, call.user, row),
    )


_POLICY_BILLING_SELECT = (
    "SELECT p.*, c.name AS customer_name, b.can_pay_online, b.plan, b.autopay FROM policies p "
    "JOIN customers c ON c.id = p.customer_id JOIN billing_accounts b ON b.id = p.billing_account_id"
)


def billing_policies(call: Call) -> Page[BillingSummary]:
    sql, params = policy_filter(call.user)
    return paged_query(
        call,
        f"{_POLICY_BILLING_SELECT} WHERE {sql} ORDER BY p.policy_number, p.id",
        params,
        lambda row: _policy_summary(call.conn, call.user, row),
    )


def _detail(
    call: Call, account: sqlite3.Row, policies: list[sqlite3.Row], *, kind: BillingKind, subject: sqlite3.Row
) -> BillingDetail:
    """The detail of ``subject`` (the account, or one policy of it) for the requested term."""
    conn, term = call.conn, call.query.get("term", BillingTerm.CURRENT)
    billing_term = conn.execute(
        "SELECT * FROM billing_terms WHERE account_id = ? AND term = ?", [account["id"], term.value]
    ).fetchone()
    if billing_term is None:
        raise ProblemError(404, f"There is no {term.value} term to show.", title="Not found")
    share = _policy_share(conn, subject, term.value) if kind is BillingKind.POLICY else (1, 1)
    part, whole = share
    installments = term_installments(conn, account["id"], term.value, share)
    figures = term_figures(installments)
    # Agents see billing summaries; the payments applied (methods, check numbers) are the policyholder's.
    payments = (
        conn.execute(
            "SELECT * FROM payments WHERE account_id = ? AND term = ? ORDER BY paid_on, id",
            [account["id"], term.value],
        ).fetchall()
        if may(call.user, Capability.PAYMENT_HISTORY)
        else []
    )
    billed = []
    for policy in policies:
        premium = conn.execute(
            "SELECT premium_cents FROM policy_terms WHERE policy_id = ? AND term = ?",
            [policy["id"], term.value],
        ).fetchone()
        billed.append(
            BilledPolicy(
                id=policy["id"],
                policy_number=policy["policy_number"],
                premium_cents=premium["premium_cents"] if premium else 0,
            )
        )
    is_policy = kind is BillingKind.POLICY
    return BillingDetail(
        id=subject["id"],
        kind=kind,
        number=subject["policy_number"] if is_policy else account["account_number"],
        name=subject["customer_name"] if is_policy else account["name"],
        insurer=account["insurer"],
        term=term,
        term_start=date.fromisoformat(billing_term["start"]),
        term_end=date.fromisoformat(billing_term["end"]),
        plan=PaymentPlan(account["plan"]),
        term_amount_cents=billing_term["term_amount_cents"] * part // whole,
        premium_cents=billing_term["premium_cents"] * part // whole,
        balance_cents=figures.balance_cents,
        amount_due_cents=figures.amount_due_cents,
        due_on=figures.due_on,
        past_due_cents=figures.past_due_cents,
        autopay=bool(account["autopay"]),
        # Pay is on the current term only (the FAQ's rule), and only when something is left to pay.
        can_pay_online=may_pay(call.user, bool(account["can_pay_online"]))
        and term is BillingTerm.CURRENT
        and figures.balance_cents > 0,
        installments=installments,
        payments=[
            AppliedPayment(
                paid_on=date.fromisoformat(p["paid_on"]),
                amount_cents=amount,
                method=p["method"],
                reference=p["reference"],
            )
            for p, amount in zip(payments, shares([p["amount_cents"] for p in payments], share), strict=True)
        ],
        policies=billed,
        ere_note=ERE_NOTE,
        ere_url=ERE_URL,
    )


def billing_account(call: Call) -> BillingDetail:
    account = _visible_account(call.conn, call.user, call.id)
    policies = _visible_policy_numbers(call.conn, call.user, account["id"])
    return _detail(call, account, policies, kind=BillingKind.ACCOUNT, subject=account)


def _visible_billed_policy(call: Call) -> sqlite3.Row:
    visible_policy(call.conn, call.user, call.id)
    return call.conn.execute(f"{_POLICY_BILLING_SELECT} WHERE p.id = ?", [call.id]).fetchone()


def billing_policy(call: Call) -> BillingDetail:
    policy = _visible_billed_policy(call)
    account = call.conn.execute(
        "SELECT * FROM billing_accounts WHERE id = ?", [policy["billing_account_id"]]
    ).fetchone()
    return _detail(call, account, [policy], kind=BillingKind.POLICY, subject=policy)


def _pay_link(call: Call, can_pay_online: bool, share: tuple[int, int], account_id: str) -> PayLink:
    """The hand-off pays the current term (the only term Pay is offered on), and only what is left on it."""
    if not may_pay(call.user, can_pay_online):
        raise forbidden("This account cannot be paid online; pay by check or call the billing team.")
    figures = term_figures(term_installments(call.conn, account_id, BillingTerm.CURRENT, share))
    if figures.balance_cents <= 0:
        raise ProblemError(
            409,
            "Nothing is left to pay on the current term; earlier terms are settled with the billing team.",
            title="Nothing to pay",
        )
    token = secrets.token_urlsafe(24)
    return PayLink(url=f"{INVOICECLOUD_PORTAL}?token={token}", expires_at=call.now + PAY_LINK_TTL)


def billing_account_pay_link(call: Call) -> PayLink:
    account = _visible_account(call.conn, call.user, call.id)
    return _pay_link(call, bool(account["can_pay_online"]), (1, 1), account["id"])


def billing_policy_pay_link(call: Call) -> PayLink:
    policy = _visible_billed_policy(call)
    share = _policy_share(call.conn, policy, BillingTerm.CURRENT)
    return _pay_link(call, bool(policy["can_pay_online"]), share, policy["billing_account_id"])


HANDLERS = {
    "billing_accounts": billing_accounts,
    "billing_policies": billing_policies,
    "billing_account": billing_account,
    "billing_policy": billing_policy,
    "billing_account_pay_link": billing_account_pay_link,
    "billing_policy_pay_link": billing_policy_pay_link,
}
