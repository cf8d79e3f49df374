"""Reading what a generated PDF prints from the sandbox database, as the plain facts ``pdfs`` draws.

Every function takes an open connection and ids; an id that does not exist raises ``LookupError``. Data that
exists but cannot make a document (a renewal notice for a policy with no renewal term, say) raises
``ValueError`` with what is missing: it is a seeding bug, not a client error.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import date
from typing import Any

from ssp_tui.sandbox.pdfs.facts import (
    CertificateFacts,
    ClaimFacts,
    ClaimsHistoryFacts,
    InsuredFacts,
    Party,
    PolicyFacts,
    TermFacts,
)
from ssp_tui.sandbox.seed_model import add_years

CLAIMS_HISTORY_YEARS = 10


class ClaimsHistoryUnavailable(LookupError):
    """The insured's claims history cannot be issued online (the portal offers a holder request instead)."""


def data_today(conn: sqlite3.Connection) -> date:
    """The date the data was generated around (meta ``today``): the issue date of certificates and letters."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'today'").fetchone()
    if row is None:
        raise ValueError("the sandbox database has no meta 'today'")
    return date.fromisoformat(row[0])


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def required_date(text: str) -> date:
    return date.fromisoformat(text)


def document_params(row: sqlite3.Row) -> dict[str, Any]:
    params = json.loads(row["params"] or "{}")
    if not isinstance(params, dict):
        raise ValueError(f"document {row['id']} has params that are not a JSON object")
    return params


def param(params: dict[str, Any], name: str, document_id: str) -> Any:
    """A required ``params`` entry, with a message naming the document when the seed left it out."""
    if name not in params:
        raise ValueError(f"document {document_id} params lack {name!r}")
    return params[name]


def _fetch(conn: sqlite3.Connection, sql: str, args: list[object], what: str) -> sqlite3.Row:
    row = conn.execute(sql, args).fetchone()
    if row is None:
        raise LookupError(f"{what} not found")
    return row


def term_facts(conn: sqlite3.Connection, policy_id: str, term: str) -> TermFacts:
    row = conn.execute(
        'SELECT term, start, "end", retro_date, limit_per_claim_cents, limit_aggregate_cents, premium_cents '
        "FROM policy_terms WHERE policy_id = ? AND term = ?",
        [policy_id, term],
    ).fetchone()
    if row is None:
        raise ValueError(f"policy {policy_id} has no {term} term")
    return TermFacts(
        term=row["term"],
        start=required_date(row["start"]),
        end=required_date(row["end"]),
        retro_date=required_date(row["retro_date"]),
        limit_per_claim_cents=row["limit_per_claim_cents"],
        limit_aggregate_cents=row["limit_aggregate_cents"],
        premium_cents=row["premium_cents"],
    )


def insured_facts(row: sqlite3.Row) -> InsuredFacts:
    return InsuredFacts(row["name"], row["credentials"], row["specialty"], row["npi"])


def agency_party(conn: sqlite3.Connection, agency_id: str | None) -> Party | None:
    if agency_id is None:
        return None
    row = conn.execute("SELECT name, city, state FROM agencies WHERE id = ?", [agency_id]).fetchone()
    return Party(row["name"], (f"{row['city']}, {row['state']}",)) if row else None


def customer_party(customer: sqlite3.Row, name: str | None = None) -> Party:
    """The customer with its mailing address, under ``name`` when given (a billing account's name)."""
    return Party(
        name or customer["name"],
        (customer["address"], f"{customer['city']}, {customer['state']} {customer['zip']}"),
    )


def policy_facts(conn: sqlite3.Connection, policy_id: str, term: str) -> PolicyFacts:
    """The policy in ``term`` with its named insured (the customer), producer and schedule of insureds."""
    policy = _fetch(conn, "SELECT * FROM policies WHERE id = ?", [policy_id], "policy")
    customer = _fetch(conn, "SELECT * FROM customers WHERE id = ?", [policy["customer_id"]], "customer")
    insureds = conn.execute(
        "SELECT i.* FROM insureds i JOIN policy_insureds pi ON pi.insured_id = i.id "
        "WHERE pi.policy_id = ? ORDER BY i.name, i.id",
        [policy_id],
    ).fetchall()
    return PolicyFacts(
        policy_number=policy["policy_number"],
        insurer=policy["insurer"],
        coverage_type=policy["coverage_type"],
        claims_made=bool(policy["claims_made"]),
        status=policy["status"],
        named_insured=customer_party(customer),
        producer=agency_party(conn, policy["agency_id"]),
        term=term_facts(conn, policy_id, term),
        insureds=tuple(insured_facts(row) for row in insureds),
        cancelled_on=parse_date(policy["cancelled_on"]),
    )


def _reference_number(prefix: str, *parts: str) -> str:
    """A short stable reference printed on a document, derived from the ids it is about."""
    return f"{prefix}-{zlib.crc32(':'.join(parts).encode()):010d}"


def certificate_facts(conn: sqlite3.Connection, certificate_id: str) -> CertificateFacts:
    certificate = _fetch(conn, "SELECT * FROM certificates WHERE id = ?", [certificate_id], "certificate")
    insured = _fetch(conn, "SELECT * FROM insureds WHERE id = ?", [certificate["insured_id"]], "insured")
    holder = _fetch(
        conn,
        "SELECT * FROM certificate_holders WHERE id = ?",
        [certificate["holder_id"]],
        "certificate holder",
    )
    return CertificateFacts(
        certificate_number=_reference_number("COI", certificate_id),
        issued_on=data_today(conn),
        policy=policy_facts(conn, certificate["policy_id"], certificate["term"]),
        insured=insured_facts(insured),
        holder=Party(
            holder["name"], (holder["address"], f"{holder['city']}, {holder['state']} {holder['zip']}")
        ),
    )


def check_claims_history_offered(conn: sqlite3.Connection, insured_id: str, policy_id: str) -> sqlite3.Row:
    """The insured's row, when the insured is on the policy and the history is offered online."""
    on_policy = conn.execute(
        "SELECT 1 FROM policy_insureds WHERE policy_id = ? AND insured_id = ?", [policy_id, insured_id]
    ).fetchone()
    if on_policy is None:
        raise LookupError("insured not found on the policy")
    insured = _fetch(conn, "SELECT * FROM insureds WHERE id = ?", [insured_id], "insured")
    if not insured["claims_history_available"]:
        raise ClaimsHistoryUnavailable("this insured's claims history is not available online")
    return insured


def claims_history_facts(conn: sqlite3.Connection, insured_id: str, policy_id: str) -> ClaimsHistoryFacts:
    """Every claim against the insured reported in the ten years to the data's today, on any policy."""
    insured = check_claims_history_offered(conn, insured_id, policy_id)
    policy = _fetch(conn, "SELECT * FROM policies WHERE id = ?", [policy_id], "policy")
    customer = _fetch(conn, "SELECT name FROM customers WHERE id = ?", [policy["customer_id"]], "customer")
    today = data_today(conn)
    since = add_years(today, -CLAIMS_HISTORY_YEARS)
    rows = conn.execute(
        "SELECT c.*, COALESCE(p.policy_number, c.policy_id) AS policy_number FROM claims c "
        "LEFT JOIN policies p ON p.id = c.policy_id "
        "WHERE c.insured_id = ? AND c.reported_on >= ? AND c.reported_on <= ? ORDER BY c.reported_on, c.id",
        [insured_id, since.isoformat(), today.isoformat()],
    ).fetchall()
    claims = tuple(
        ClaimFacts(
            claim_number=row["claim_number"],
            policy_number=row["policy_number"],
            status=row["status"],
            incident_on=required_date(row["incident_on"]),
            reported_on=required_date(row["reported_on"]),
            closed_on=parse_date(row["closed_on"]),
            allegation=row["allegation"],
            indemnity_paid_cents=row["indemnity_paid_cents"],
            expense_paid_cents=row["expense_paid_cents"],
        )
        for row in rows
    )
    return ClaimsHistoryFacts(
        insured=insured_facts(insured),
        named_insured=customer["name"],
        policy_number=policy["policy_number"],
        insurer=policy["insurer"],
        issued_on=today,
        period_start=since,
        claims=claims,
        letter_number=_reference_number("CH", insured_id, policy_id),
    )
