"""Policy change requests: file one (with an Idempotency-Key, like a holder request), list them, show one.

Who: the policyholder for their account's policies, an agent for their clients' (the role table's
``POLICY_CHANGES``); an insured may not (403); support reads them in account triage. Scope is the policy
filter: another customer's policy or request is 404 like a missing one. Every read first moves the requests
whose time has come (``change_rules.advance``), so status follows the sandbox's clock.
"""

from __future__ import annotations

import hashlib
import sqlite3

import msgspec

from ssp_tui.api.models import ChangeKind, ChangeRequest, ChangeRequestCreate, ChangeStatus, Page
from ssp_tui.sandbox import change_rules
from ssp_tui.sandbox.access import Caller, policy_filter, visible_policy
from ssp_tui.sandbox.auth_tokens import write_transaction
from ssp_tui.sandbox.http_io import Call, paged_query, parse_utc, utc_text
from ssp_tui.sandbox.ids import new_id
from ssp_tui.sandbox.problems import ProblemError, not_found
from ssp_tui.sandbox.routes_credentialing import idempotency_key

CHANGE_SELECT = (
    "SELECT cr.*, p.policy_number, c.name AS policyholder, u.display_name AS submitted_by "
    "FROM change_requests cr JOIN policies p ON p.id = cr.policy_id "
    "JOIN customers c ON c.id = cr.customer_id JOIN users u ON u.id = cr.user_id"
)
"""Select list for ``change_request_model``; add ``WHERE`` on alias ``cr`` (and ``p`` for the policy)."""


def change_request_model(r: sqlite3.Row) -> ChangeRequest:
    return ChangeRequest(
        id=r["id"],
        policy_id=r["policy_id"],
        policy_number=r["policy_number"],
        policyholder=r["policyholder"],
        kind=ChangeKind(r["kind"]),
        summary=r["summary"],
        change=change_rules.decode_change(r["change"]),
        status=ChangeStatus(r["status"]),
        submitted_at=parse_utc(r["submitted_at"]),
        expected_by=parse_utc(r["expected_by"]),
        submitted_by=r["submitted_by"],
        note=r["note"],
        decided_at=parse_utc(r["decided_at"]) if r["decided_at"] else None,
        decision=r["decision"] if r["decided_at"] else "",
    )


def bring_up_to_date(conn: sqlite3.Connection, call: Call) -> None:
    with write_transaction(conn):
        change_rules.advance(conn, call.now)


def change_filter(caller: Caller) -> tuple[str, list[object]]:
    """Requests on policies the caller may see (alias ``p``)."""
    return policy_filter(caller, "p")


def create_change_request(call: Call) -> ChangeRequest:
    key = idempotency_key(call)
    body: ChangeRequestCreate = call.body
    digest = hashlib.sha256(msgspec.json.encode(body)).hexdigest()
    conn = call.conn
    with write_transaction(conn):
        earlier = conn.execute(
            f"{CHANGE_SELECT} WHERE cr.user_id = ? AND cr.idempotency_key = ?", [call.user.user_id, key]
        ).fetchone()
        if earlier is not None:
            if earlier["request_hash"] != digest:
                raise ProblemError(
                    422,
                    "This Idempotency-Key was already used for a different request.",
                    title="Idempotency key reused",
                )
            return change_request_model(earlier)
        policy = visible_policy(conn, call.user, body.policy_id.strip())
        summary = change_rules.check(conn, policy, body.change)
        outcome, decision = change_rules.decide(conn, policy, body.change, call.now)
        review_at, decide_at, expected_by = change_rules.timeline(call.now)
        request_id = new_id("pc")
        conn.execute(
            "INSERT INTO change_requests (id, user_id, customer_id, policy_id, kind, change, summary, note, "
            "status, submitted_at, expected_by, review_at, decide_at, outcome, decision, idempotency_key, "
            "request_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                request_id,
                call.user.user_id,
                policy["customer_id"],
                policy["id"],
                change_rules.KINDS[type(body.change)].value,
                msgspec.json.encode(body.change).decode(),
                summary,
                body.note.strip(),
                utc_text(call.now),
                utc_text(expected_by),
                utc_text(review_at),
                utc_text(decide_at),
                outcome,
                decision,
                key,
                digest,
            ],
        )
        row = conn.execute(f"{CHANGE_SELECT} WHERE cr.id = ?", [request_id]).fetchone()
    return change_request_model(row)


def change_requests(call: Call) -> Page[ChangeRequest]:
    bring_up_to_date(call.conn, call)
    sql, params = change_filter(call.user)
    where, args = [sql], list(params)
    if status := call.query.get("status"):
        where.append("cr.status = ?")
        args.append(status.value)
    if policy_id := call.query.get("policy_id"):
        where.append("cr.policy_id = ?")
        args.append(policy_id)
    return paged_query(
        call,
        f"{CHANGE_SELECT} WHERE {' AND '.join(where)} ORDER BY cr.submitted_at DESC, cr.id",
        args,
        change_request_model,
    )


def change_request(call: Call) -> ChangeRequest:
    bring_up_to_date(call.conn, call)
    sql, params = change_filter(call.user)
    row = call.conn.execute(f"{CHANGE_SELECT} WHERE cr.id = ? AND {sql}", [call.id, *params]).fetchone()
    if row is None:
        raise not_found("change request")
    return change_request_model(row)


HANDLERS = {
    "create_change_request": create_change_request,
    "change_requests": change_requests,
    "change_request": change_request,
}
