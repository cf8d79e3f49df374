"""Policies, their terms and documents, and the document content (PDF) route."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from starlette.responses import Response

from ssp_tui.api.models import (
    Document,
    DocumentType,
    FrequentForms,
    InsuredRef,
    Page,
    PolicyDetail,
    PolicyStatus,
    PolicySummary,
    PolicyTerm,
    Role,
    StatusFilter,
    Term,
)
from ssp_tui.api.roles import Capability
from ssp_tui.sandbox.access import Caller, insured_filter, may, policy_filter, visible_policy
from ssp_tui.sandbox.documents import document_blob
from ssp_tui.sandbox.http_io import Call, like_pattern, paged_query
from ssp_tui.sandbox.pdf_response import pdf_response
from ssp_tui.sandbox.problems import not_found

FREQUENT_FORMS = FrequentForms(
    title="Frequently Downloaded Forms",
    url="https://www.proassurance.com/policyholders/frequently-downloaded-forms/",
)

POLICY_SUMMARY_SELECT = (
    "SELECT p.*, c.name AS policyholder, a.name AS agency_name, "
    'COALESCE(cur.start, prev.start) AS term_start, COALESCE(cur."end", prev."end") AS term_end, '
    "EXISTS (SELECT 1 FROM policy_terms r WHERE r.policy_id = p.id AND r.term = 'renewal') AS has_renewal "
    "FROM policies p JOIN customers c ON c.id = p.customer_id LEFT JOIN agencies a ON a.id = p.agency_id "
    "LEFT JOIN policy_terms cur ON cur.policy_id = p.id AND cur.term = 'current' "
    "LEFT JOIN policy_terms prev ON prev.policy_id = p.id AND prev.term = 'previous'"
)
"""Select list for ``policy_summary``; add ``WHERE`` on alias ``p``."""


def policy_summary(row: sqlite3.Row) -> PolicySummary:
    return PolicySummary(
        id=row["id"],
        policy_number=row["policy_number"],
        policyholder=row["policyholder"],
        insurer=row["insurer"],
        coverage_type=row["coverage_type"],
        status=PolicyStatus(row["status"]),
        term_start=date.fromisoformat(row["term_start"]),
        term_end=date.fromisoformat(row["term_end"]),
        has_renewal=bool(row["has_renewal"]),
        agency=row["agency_name"],
    )


def policies(call: Call) -> Page[PolicySummary]:
    sql, params = policy_filter(call.user)
    where, args = [sql], list(params)
    status = call.query.get("status", StatusFilter.ALL)
    if status is not StatusFilter.ALL:
        where.append("p.status = ?")
        args.append(status.value)
    if q := call.query.get("q", "").strip():
        # A policy's own id matches too (exactly): a client resolving what a person typed, a number or an
        # id, asks once.
        where.append("(p.policy_number LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR p.id = ?)")
        args += [like_pattern(q), like_pattern(q), q]
    return paged_query(
        call,
        f"{POLICY_SUMMARY_SELECT} WHERE {' AND '.join(where)} ORDER BY p.policy_number, p.id",
        args,
        policy_summary,
    )


def policy(call: Call) -> PolicyDetail:
    row = visible_policy(call.conn, call.user, call.id)
    conn = call.conn
    customer = conn.execute("SELECT name FROM customers WHERE id = ?", [row["customer_id"]]).fetchone()
    agency = conn.execute("SELECT name FROM agencies WHERE id = ?", [row["agency_id"]]).fetchone()
    order = {Term.PREVIOUS: 0, Term.CURRENT: 1, Term.RENEWAL: 2}
    terms = sorted(
        (
            PolicyTerm(
                term=Term(t["term"]),
                start=date.fromisoformat(t["start"]),
                end=date.fromisoformat(t["end"]),
                retro_date=date.fromisoformat(t["retro_date"]),
                limit_per_claim_cents=t["limit_per_claim_cents"],
                limit_aggregate_cents=t["limit_aggregate_cents"],
                premium_cents=t["premium_cents"],
            )
            for t in conn.execute("SELECT * FROM policy_terms WHERE policy_id = ?", [row["id"]])
        ),
        key=lambda t: order[t.term],
    )
    ins_sql, ins_params = insured_filter(call.user, "i.id")
    insureds = conn.execute(
        f"SELECT i.id, i.name FROM insureds i JOIN policy_insureds pi ON pi.insured_id = i.id "
        f"WHERE pi.policy_id = ? AND {ins_sql} ORDER BY i.name, i.id",
        [row["id"], *ins_params],
    ).fetchall()
    return PolicyDetail(
        id=row["id"],
        policy_number=row["policy_number"],
        policyholder=customer["name"],
        insurer=row["insurer"],
        coverage_type=row["coverage_type"],
        status=PolicyStatus(row["status"]),
        claims_made=bool(row["claims_made"]),
        terms=terms,
        insureds=[InsuredRef(id=i["id"], name=i["name"]) for i in insureds],
        agency=agency["name"] if agency else None,
        cancelled_on=date.fromisoformat(row["cancelled_on"]) if row["cancelled_on"] else None,
    )


def document_model(conn: sqlite3.Connection, row: sqlite3.Row) -> Document:
    """A document row with its size and digest, rendering the PDF on first need (then cached)."""
    blob = document_blob(conn, row)
    completed = (
        json.loads(row["params"]).get("completed_on") if row["type"] == "renewal_application" else None
    )
    return Document(
        id=row["id"],
        title=row["title"],
        type=DocumentType(row["type"]),
        issued_on=date.fromisoformat(row["issued_on"]),
        pages=row["pages"],
        bytes=blob.bytes,
        sha256=blob.sha256,
        policy_id=row["policy_id"],
        policy_number=row["policy_number"],
        term=Term(row["term"]) if row["term"] else None,
        completed_on=date.fromisoformat(completed) if completed else None,
    )


DOCUMENT_SELECT = "SELECT d.*, p.policy_number FROM documents d LEFT JOIN policies p ON p.id = d.policy_id"


def hidden_types(caller: Caller) -> str:
    """SQL over alias ``d``: the policy documents the caller's role may not see (renewal applications are
    for agents and support)."""
    return "0" if may(caller, Capability.RENEWAL_APPLICATIONS) else "d.type = 'renewal_application'"


def policy_documents(call: Call) -> Page[Document]:
    visible_policy(call.conn, call.user, call.id)
    term = call.query.get("term", Term.CURRENT)
    return paged_query(
        call,
        f"{DOCUMENT_SELECT} WHERE d.policy_id = ? AND d.term = ? AND NOT ({hidden_types(call.user)}) "
        "ORDER BY d.issued_on DESC, d.title, d.id",
        [call.id, term.value],
        lambda row: document_model(call.conn, row),
    )


def _may_read_resource_document(conn: sqlite3.Connection, caller: Caller, document_id: str) -> bool:
    """Documents outside any policy belong to the agent library (agents) or risk resources (by coverage)."""
    if conn.execute("SELECT 1 FROM agent_resources WHERE document_id = ?", [document_id]).fetchone():
        return caller.role is Role.AGENT
    resource = conn.execute(
        "SELECT coverage_types FROM risk_resources WHERE document_id = ?", [document_id]
    ).fetchone()
    if resource is None:
        return False
    return resource_visible(conn, caller, json.loads(resource["coverage_types"]))


def caller_coverage_types(conn: sqlite3.Connection, caller: Caller) -> set[str] | None:
    """Coverage types of the caller's policies; None means every type (agents and support)."""
    if caller.role in (Role.AGENT, Role.SUPPORT):
        return None
    sql, params = policy_filter(caller)
    return {
        r[0] for r in conn.execute(f"SELECT DISTINCT p.coverage_type FROM policies p WHERE {sql}", params)
    }


def resource_visible(conn: sqlite3.Connection, caller: Caller, coverage_types: list[str]) -> bool:
    mine = caller_coverage_types(conn, caller)
    return mine is None or bool(mine.intersection(coverage_types))


def document_content(call: Call) -> Response:
    row = call.conn.execute(f"{DOCUMENT_SELECT} WHERE d.id = ?", [call.id]).fetchone()
    if row is None:
        raise not_found("document")
    if row["policy_id"] is not None:
        hidden = row["type"] == "renewal_application" and not may(call.user, Capability.RENEWAL_APPLICATIONS)
        if not may(call.user, Capability.POLICY_DOCUMENTS) or hidden:
            raise not_found("document")  # the same answer as a missing id: a role table rule, not a secret
        visible_policy(call.conn, call.user, row["policy_id"], what="document")
    elif not _may_read_resource_document(call.conn, call.user, row["id"]):
        raise not_found("document")
    blob = document_blob(call.conn, row)
    return pdf_response(blob, row["filename"], call.headers)


def frequent_forms(_call: Call) -> FrequentForms:
    return FREQUENT_FORMS


HANDLERS = {
    "policies": policies,
    "policy": policy,
    "policy_documents": policy_documents,
    "document_content": document_content,
    "frequent_forms": frequent_forms,
}
