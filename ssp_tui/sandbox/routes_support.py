"""Support triage: find any customer account and see at once what is wrong with it (read-only, support only).

Flags are plain words a support person can read out: "past due $1,240.00 since 2026-10-01",
"user jdoe locked since 2026-11-20", "MFA never enrolled for user jdoe", "holder request 3 days old",
"policy NCP123 cancelled on 2026-06-30".
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ssp_tui.api.models import (
    BillingTerm,
    Flag,
    FlagKind,
    InstallmentStatus,
    Page,
    PaymentPlan,
    Role,
    SupportAccount,
    SupportAccountHit,
    SupportBilling,
    SupportUser,
)
from ssp_tui.sandbox.http_io import Call, like_pattern, money, paged_query, parse_utc
from ssp_tui.sandbox.problems import not_found
from ssp_tui.sandbox.routes_billing import term_figures, term_installments
from ssp_tui.sandbox.routes_changes import CHANGE_SELECT, bring_up_to_date, change_request_model
from ssp_tui.sandbox.routes_content import seminar_activity_model
from ssp_tui.sandbox.routes_credentialing import HOLDER_REQUEST_SELECT, holder_request_model
from ssp_tui.sandbox.routes_policies import (
    DOCUMENT_SELECT,
    POLICY_SUMMARY_SELECT,
    document_model,
    policy_summary,
)

RECENT_DOCUMENTS = 10
RECENT_ACTIVITY = 20


def _past_due_flags(conn: sqlite3.Connection, customer_id: str) -> list[Flag]:
    flags = []
    for account in conn.execute(
        "SELECT id, account_number FROM billing_accounts WHERE customer_id = ? ORDER BY account_number",
        [customer_id],
    ):
        figures = term_figures(term_installments(conn, account["id"], BillingTerm.CURRENT, (1, 1)))
        if figures.past_due_cents:
            flags.append(
                Flag(
                    kind=FlagKind.PAST_DUE,
                    ref_id=account["id"],
                    message=f"past due {money(figures.past_due_cents)} since {figures.due_on} "
                    f"on account {account['account_number']}",
                )
            )
    return flags


def account_flags(conn: sqlite3.Connection, customer_id: str, now: datetime) -> list[Flag]:
    flags = _past_due_flags(conn, customer_id)
    for user in conn.execute(
        "SELECT id, username, locked_at, totp_secret FROM users WHERE customer_id = ? ORDER BY username",
        [customer_id],
    ):
        if user["locked_at"]:
            flags.append(
                Flag(
                    kind=FlagKind.LOCKED_USER,
                    ref_id=user["id"],
                    message=f"user {user['username']} locked since {user['locked_at'][:10]}",
                )
            )
        if user["totp_secret"] is None:
            flags.append(
                Flag(
                    kind=FlagKind.MFA_NOT_ENROLLED,
                    ref_id=user["id"],
                    message=f"MFA never enrolled for user {user['username']}",
                )
            )
    for request in conn.execute(
        "SELECT id, holder_name, submitted_at, expected_by FROM holder_requests WHERE customer_id = ? "
        "AND status IN ('submitted', 'in_review') ORDER BY submitted_at",
        [customer_id],
    ):
        if parse_utc(request["expected_by"]) < now:
            days = (now - parse_utc(request["submitted_at"])).days
            flags.append(
                Flag(
                    kind=FlagKind.OVERDUE_HOLDER_REQUEST,
                    ref_id=request["id"],
                    message=f"holder request for {request['holder_name']} {days} days old",
                )
            )
    for request in conn.execute(
        "SELECT id, summary, submitted_at, expected_by FROM change_requests WHERE customer_id = ? "
        "AND status IN ('submitted', 'in_review') ORDER BY submitted_at",
        [customer_id],
    ):
        if parse_utc(request["expected_by"]) < now:
            days = (now - parse_utc(request["submitted_at"])).days
            flags.append(
                Flag(
                    kind=FlagKind.OVERDUE_CHANGE_REQUEST,
                    ref_id=request["id"],
                    message=f"policy change request {days} days old: {request['summary']}",
                )
            )
    for policy in conn.execute(
        "SELECT id, policy_number, cancelled_on FROM policies WHERE customer_id = ? AND status = 'cancelled' "
        "ORDER BY policy_number",
        [customer_id],
    ):
        flags.append(
            Flag(
                kind=FlagKind.CANCELLED_POLICY,
                ref_id=policy["id"],
                message=f"policy {policy['policy_number']} cancelled on {policy['cancelled_on']}",
            )
        )
    return flags


def _column(conn: sqlite3.Connection, sql: str, customer_id: str) -> list[str]:
    return [r[0] for r in conn.execute(sql, [customer_id])]


def support_accounts(call: Call) -> Page[SupportAccountHit]:
    bring_up_to_date(call.conn, call)
    where, args = "1", []
    if q := call.query.get("q", "").strip():
        where = (
            "(c.name LIKE ? ESCAPE '\\' "
            "OR EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id "
            "AND p.policy_number LIKE ? ESCAPE '\\') "
            "OR EXISTS (SELECT 1 FROM insureds i WHERE i.customer_id = c.id AND i.name LIKE ? ESCAPE '\\') "
            "OR EXISTS (SELECT 1 FROM users u WHERE u.customer_id = c.id "
            "AND (u.username LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\')))"
        )
        args = [like_pattern(q)] * 5
    conn = call.conn

    def hit(row: sqlite3.Row) -> SupportAccountHit:
        return SupportAccountHit(
            id=row["id"],
            name=row["name"],
            policy_numbers=_column(
                conn,
                "SELECT policy_number FROM policies WHERE customer_id = ? ORDER BY policy_number",
                row["id"],
            ),
            usernames=_column(
                conn, "SELECT username FROM users WHERE customer_id = ? ORDER BY username", row["id"]
            ),
            flags=account_flags(conn, row["id"], call.now),
        )

    return paged_query(call, f"SELECT c.* FROM customers c WHERE {where} ORDER BY c.name, c.id", args, hit)


def _support_billing(conn: sqlite3.Connection, customer_id: str) -> list[SupportBilling]:
    billing = []
    for account in conn.execute(
        "SELECT * FROM billing_accounts WHERE customer_id = ? ORDER BY account_number", [customer_id]
    ):
        installments = term_installments(conn, account["id"], BillingTerm.CURRENT, (1, 1))
        figures = term_figures(installments)
        past_due_dates = [i.due_on for i in installments if i.status is InstallmentStatus.PAST_DUE]
        billing.append(
            SupportBilling(
                id=account["id"],
                account_number=account["account_number"],
                plan=PaymentPlan(account["plan"]),
                amount_due_cents=figures.amount_due_cents,
                past_due_cents=figures.past_due_cents,
                past_due_since=min(past_due_dates) if past_due_dates else None,
                autopay=bool(account["autopay"]),
            )
        )
    return billing


def _support_users(conn: sqlite3.Connection, customer_id: str) -> list[SupportUser]:
    return [
        SupportUser(
            id=u["id"],
            username=u["username"],
            display_name=u["display_name"],
            email=u["email"],
            role=Role(u["role"]),
            mfa_enrolled=u["totp_secret"] is not None,
            locked=u["locked_at"] is not None,
            locked_since=parse_utc(u["locked_at"]) if u["locked_at"] else None,
            last_login=parse_utc(u["last_login"]) if u["last_login"] else None,
        )
        for u in conn.execute("SELECT * FROM users WHERE customer_id = ? ORDER BY username", [customer_id])
    ]


def support_account(call: Call) -> SupportAccount:
    conn = call.conn
    bring_up_to_date(conn, call)
    customer = conn.execute("SELECT * FROM customers WHERE id = ?", [call.id]).fetchone()
    if customer is None:
        raise not_found("account")
    cid = customer["id"]
    policies = conn.execute(
        f"{POLICY_SUMMARY_SELECT} WHERE p.customer_id = ? ORDER BY p.policy_number", [cid]
    ).fetchall()
    requests = conn.execute(
        f"{HOLDER_REQUEST_SELECT} WHERE hr.customer_id = ? ORDER BY hr.submitted_at DESC", [cid]
    ).fetchall()
    documents = conn.execute(
        f"{DOCUMENT_SELECT} WHERE p.customer_id = ? ORDER BY d.issued_on DESC, d.id LIMIT ?",
        [cid, RECENT_DOCUMENTS],
    ).fetchall()
    activity = conn.execute(
        "SELECT a.*, s.title, s.format FROM seminar_activity a JOIN seminars s ON s.id = a.seminar_id "
        "WHERE a.customer_id = ? ORDER BY a.completed_on DESC, a.id DESC LIMIT ?",
        [cid, RECENT_ACTIVITY],
    ).fetchall()
    return SupportAccount(
        id=cid,
        name=customer["name"],
        flags=account_flags(conn, cid, call.now),
        policies=[policy_summary(p) for p in policies],
        billing=_support_billing(conn, cid),
        users=_support_users(conn, cid),
        holder_requests=[holder_request_model(r) for r in requests],
        recent_documents=[document_model(conn, d) for d in documents],
        seminar_activity=[seminar_activity_model(a) for a in activity],
        change_requests=[
            change_request_model(r)
            for r in conn.execute(
                f"{CHANGE_SELECT} WHERE cr.customer_id = ? ORDER BY cr.submitted_at DESC, cr.id", [cid]
            )
        ],
    )


HANDLERS = {"support_accounts": support_accounts, "support_account": support_account}
