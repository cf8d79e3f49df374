"""Completed renewal applications: each renewal term of the caller's clients, with its application (a
``renewal_application`` document of the renewal term) or none yet. Agents see their agency's clients, support
every account (the role table's ``RENEWAL_APPLICATIONS``)."""

from __future__ import annotations

import sqlite3
from datetime import date

from ssp_tui.api.models import ApplicationFilter, ApplicationStatus, Page, RenewalApplication
from ssp_tui.sandbox.access import Caller, policy_filter
from ssp_tui.sandbox.http_io import Call, like_pattern, paged_query
from ssp_tui.sandbox.routes_policies import DOCUMENT_SELECT, document_model

RENEWALS_SELECT = (
    "SELECT p.id AS policy_id, p.policy_number, c.name AS policyholder, a.name AS agency_name, "
    'r.start AS renewal_start, r."end" AS renewal_end, '
    "(SELECT d.id FROM documents d WHERE d.policy_id = p.id AND d.term = 'renewal' "
    " AND d.type = 'renewal_application' ORDER BY d.issued_on DESC, d.id LIMIT 1) AS document_id "
    "FROM policies p JOIN policy_terms r ON r.policy_id = p.id AND r.term = 'renewal' "
    "JOIN customers c ON c.id = p.customer_id LEFT JOIN agencies a ON a.id = p.agency_id"
)


def renewals_filter(caller: Caller) -> tuple[str, list[object]]:
    """Renewal terms of policies the caller may see (alias ``p``), written through an agency."""
    sql, params = policy_filter(caller, "p")
    return f"{sql} AND p.agency_id IS NOT NULL AND p.status = 'active'", params


def missing_applications(conn: sqlite3.Connection, caller: Caller, limit: int) -> list[sqlite3.Row]:
    """The caller's renewals whose application is still missing, soonest renewal first (for Home)."""
    sql, params = renewals_filter(caller)
    return conn.execute(
        f"SELECT * FROM ({RENEWALS_SELECT} WHERE {sql}) WHERE document_id IS NULL "
        "ORDER BY renewal_start, policy_number LIMIT ?",
        [*params, limit],
    ).fetchall()


def renewal_applications(call: Call) -> Page[RenewalApplication]:
    sql, params = renewals_filter(call.user)
    where, args = [sql], list(params)
    if q := call.query.get("q", "").strip():
        where.append("(p.policy_number LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')")
        args += [like_pattern(q), like_pattern(q)]
    status = call.query.get("status", ApplicationFilter.ALL)
    having = {
        ApplicationFilter.ALL: "",
        ApplicationFilter.COMPLETED: "WHERE document_id IS NOT NULL",
        ApplicationFilter.MISSING: "WHERE document_id IS NULL",
    }[status]
    conn = call.conn

    def model(row: sqlite3.Row) -> RenewalApplication:
        document = None
        if row["document_id"] is not None:
            found = conn.execute(f"{DOCUMENT_SELECT} WHERE d.id = ?", [row["document_id"]]).fetchone()
            document = document_model(conn, found)
        return RenewalApplication(
            policy_id=row["policy_id"],
            policy_number=row["policy_number"],
            policyholder=row["policyholder"],
            renewal_start=date.fromisoformat(row["renewal_start"]),
            renewal_end=date.fromisoformat(row["renewal_end"]),
            status=ApplicationStatus.COMPLETED if document else ApplicationStatus.MISSING,
            completed_on=document.completed_on if document else None,
            document=document,
            agency=row["agency_name"],
        )

    return paged_query(
        call,
        f"SELECT * FROM ({RENEWALS_SELECT} WHERE {' AND '.join(where)}) {having} "
        "ORDER BY renewal_start, policy_number, policy_id",
        args,
        model,
    )


HANDLERS = {"renewal_applications": renewal_applications}
