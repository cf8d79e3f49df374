"""Home's attention items for policy change requests and renewal applications (the rest are in
routes_content): what is under way, what was refused lately, and which renewals still lack an application."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from ssp_tui.api.models import AttentionItem, AttentionKind, Role, Term
from ssp_tui.formatting import plural
from ssp_tui.sandbox import change_rules
from ssp_tui.sandbox.access import Caller
from ssp_tui.sandbox.auth_tokens import write_transaction
from ssp_tui.sandbox.http_io import utc_text
from ssp_tui.sandbox.routes_changes import change_filter
from ssp_tui.sandbox.routes_renewals import missing_applications

REJECTED_SHOWN_DAYS = 30
KIND_WORDS = {
    "mailing_address": "mailing address",
    "add_insured": "adding an insured",
    "remove_insured": "removing an insured",
    "change_limits": "change of limits",
    "other": "change",
}


def change_request_attention(
    conn: sqlite3.Connection, caller: Caller, now: datetime, limit: int
) -> list[AttentionItem]:
    with write_transaction(conn):
        change_rules.advance(conn, now)
    sql, params = change_filter(caller)
    base = "FROM change_requests cr JOIN policies p ON p.id = cr.policy_id"
    open_count = conn.execute(
        f"SELECT COUNT(*) {base} WHERE {sql} AND cr.status IN ('submitted', 'in_review')", params
    ).fetchone()[0]
    items: list[AttentionItem] = []
    if open_count:
        requests = plural(open_count, "policy change request")
        items.append(AttentionItem(kind=AttentionKind.CHANGE_REQUESTS, message=f"{requests} in progress"))
    rejected = conn.execute(
        f"SELECT cr.kind, cr.policy_id, p.policy_number {base} WHERE {sql} AND cr.status = 'rejected' "
        "AND cr.decided_at > ? ORDER BY cr.decided_at DESC LIMIT ?",
        [*params, utc_text(now - timedelta(days=REJECTED_SHOWN_DAYS)), limit],
    ).fetchall()
    items += [
        AttentionItem(
            kind=AttentionKind.CHANGE_REQUESTS,
            ref_id=r["policy_id"],
            message=f"Policy {r['policy_number']}: the request for a {KIND_WORDS[r['kind']]} was rejected",
        )
        for r in rejected
    ]
    return items


def renewal_application_attention(
    conn: sqlite3.Connection, caller: Caller, limit: int
) -> list[AttentionItem]:
    if caller.role is not Role.AGENT:
        return []  # the agent chases the application; support reads the list
    return [
        AttentionItem(
            kind=AttentionKind.RENEWAL_APPLICATION_MISSING,
            ref_id=r["policy_id"],
            term=Term.RENEWAL,
            message=f"Renewal application missing for policy {r['policy_number']} ({r['policyholder']}), "
            f"renewal term begins {r['renewal_start']}",
        )
        for r in missing_applications(conn, caller, limit)
    ]
