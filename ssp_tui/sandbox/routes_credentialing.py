"""Credentialing: insured search, certificates of insurance, claims-history letters and holder requests."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import date, timedelta

import msgspec
from starlette.responses import Response

from ssp_tui.api.constants import HOLDER_REQUEST_EXPECTED_HOURS, IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN
from ssp_tui.api.models import (
    Certificate,
    CertificateSort,
    CertificateTerm,
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
    HolderRequestStatus,
    Page,
    PolicyStatus,
    SearchBy,
    StatusFilter,
)
from ssp_tui.sandbox.access import (
    Caller,
    customer_filter,
    insured_filter,
    policy_filter,
    visible_insured_on_policy,
    visible_policy,
)
from ssp_tui.sandbox.auth_tokens import write_transaction
from ssp_tui.sandbox.documents import ensure_certificate_blob, ensure_claims_history_blob
from ssp_tui.sandbox.http_io import Call, like_pattern, paged_query, parse_utc, utc_text
from ssp_tui.sandbox.ids import new_id
from ssp_tui.sandbox.pdf_response import pdf_response
from ssp_tui.sandbox.problems import ProblemError, invalid, not_found

_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN.removeprefix("^").removesuffix("$"))
_STATE = re.compile(r"[A-Z]{2}")
_ZIP = re.compile(r"[0-9]{5}(-?[0-9]{4})?")


def _insured_search(call: Call) -> tuple[list[str], list[object]]:
    """The conditions of an insured search (``q``, ``by``, ``status``) over aliases p, i and c, in scope."""
    pol_sql, pol_params = policy_filter(call.user)
    ins_sql, ins_params = insured_filter(call.user, "i.id")
    where, args = [pol_sql, ins_sql], [*pol_params, *ins_params]
    status = call.query.get("status", StatusFilter.ALL)
    if status is not StatusFilter.ALL:
        where.append("p.status = ?")
        args.append(status.value)
    if q := call.query.get("q", "").strip():
        if call.query.get("by", SearchBy.POLICYHOLDER) is SearchBy.POLICY_NUMBER:
            where.append("p.policy_number LIKE ? ESCAPE '\\'")
            args.append(like_pattern(q))
        else:  # the policyholder's name or the insured person's own name
            where.append("(c.name LIKE ? ESCAPE '\\' OR i.name LIKE ? ESCAPE '\\')")
            args += [like_pattern(q), like_pattern(q)]
    return where, args


def credentialing_insureds(call: Call) -> Page[CredentialedInsured]:
    where, args = _insured_search(call)
    sql = (
        "SELECT i.*, p.id AS policy_id, p.policy_number, p.status, c.name AS policyholder, "
        "EXISTS (SELECT 1 FROM policy_terms r WHERE r.policy_id = p.id AND r.term = 'renewal') "
        "AS has_renewal FROM policy_insureds pi JOIN insureds i ON i.id = pi.insured_id "
        "JOIN policies p ON p.id = pi.policy_id "
        f"JOIN customers c ON c.id = p.customer_id WHERE {' AND '.join(where)} "
        "ORDER BY i.name, p.policy_number, i.id"
    )
    return paged_query(
        call,
        sql,
        args,
        lambda r: CredentialedInsured(
            id=r["id"],
            name=r["name"],
            credentials=r["credentials"],
            specialty=r["specialty"],
            policy_id=r["policy_id"],
            policy_number=r["policy_number"],
            policyholder=r["policyholder"],
            status=PolicyStatus(r["status"]),
            has_renewal=bool(r["has_renewal"]),
        ),
    )


_CERTIFICATE_SELECT = (
    "SELECT ce.id, ce.term, ce.insured_id, i.name AS insured_name, i.claims_history_available, "
    "ce.policy_id, p.policy_number, c.name AS policyholder, h.id AS holder_id, h.name AS holder_name, "
    "h.city AS holder_city, h.state AS holder_state, h.address AS holder_address, h.zip AS holder_zip, "
    "h.contact_name AS holder_contact_name, h.contact_email AS holder_contact_email, b.sha256, "
    "t.start AS term_start, t.\"end\" AS term_end, "
    "EXISTS (SELECT 1 FROM policy_terms r WHERE r.policy_id = p.id AND r.term = 'renewal') "
    "AS renewal_offered, "
    # A letter is offered only while the history is available online: no digest for one that is not.
    "CASE WHEN i.claims_history_available THEN ch.sha256 END AS claims_history_sha256 "
    "FROM certificates ce JOIN insureds i ON i.id = ce.insured_id JOIN policies p ON p.id = ce.policy_id "
    "JOIN customers c ON c.id = p.customer_id JOIN certificate_holders h ON h.id = ce.holder_id "
    "LEFT JOIN policy_terms t ON t.policy_id = ce.policy_id AND t.term = ce.term "
    # The PDF is made on its first download; from then on the listing gives its digest.
    "LEFT JOIN blobs b ON b.key = 'cert:' || ce.id "
    "LEFT JOIN blobs ch ON ch.key = 'claims:' || ce.insured_id || ':' || ce.policy_id"
)


def _certificate(r: sqlite3.Row) -> Certificate:
    return Certificate(
        id=r["id"],
        insured_id=r["insured_id"],
        insured_name=r["insured_name"],
        policy_id=r["policy_id"],
        policy_number=r["policy_number"],
        policyholder=r["policyholder"],
        term=CertificateTerm(r["term"]),
        holder_id=r["holder_id"],
        holder_name=r["holder_name"],
        holder_city=r["holder_city"],
        holder_state=r["holder_state"],
        claims_history_available=bool(r["claims_history_available"]),
        sha256=r["sha256"],
        claims_history_sha256=r["claims_history_sha256"],
        term_start=date.fromisoformat(r["term_start"]) if r["term_start"] else None,
        term_end=date.fromisoformat(r["term_end"]) if r["term_end"] else None,
        renewal_offered=bool(r["renewal_offered"]),
        holder_address=r["holder_address"],
        holder_zip=r["holder_zip"],
        holder_contact_name=r["holder_contact_name"],
        holder_contact_email=r["holder_contact_email"],
    )


# ``casefold`` is Python's str.casefold, registered on every request's connection (app.connect): SQLite's
# NOCASE folds ASCII only. The exact names and the id after it make the order total (docs/api.md).
CERTIFICATE_ORDER = {
    CertificateSort.INSURED: "casefold(i.name), p.policy_number, casefold(h.name), i.name, h.name, ce.id",
    CertificateSort.HOLDER: "casefold(h.name), casefold(i.name), p.policy_number, i.name, h.name, ce.id",
}


def credentialing_certificates(call: Call) -> Page[Certificate]:
    """A policy's certificates; without ``policy_id``, those of every insured an insured search (``q``,
    ``by``, ``status``) finds: a whole book in a few pages rather than a request per policy. In the order
    ``sort`` names (by insured, the default, or by holder), so a client prints each page as it arrives."""
    term = call.query.get("term", CertificateTerm.CURRENT).value
    policy_id = call.query.get("policy_id")
    order = CERTIFICATE_ORDER[call.query.get("sort", CertificateSort.INSURED)]
    if policy_id is not None:
        visible_policy(call.conn, call.user, policy_id)
        ins_sql, ins_params = insured_filter(call.user, "ce.insured_id")
        where, args = ["ce.policy_id = ?", "ce.term = ?", ins_sql], [policy_id, term, *ins_params]
    else:
        where, args = _insured_search(call)
        where.append("ce.term = ?")
        args.append(term)
    if insured_id := call.query.get("insured_id"):
        where.append("ce.insured_id = ?")
        args.append(insured_id)
    # Sort narrow rows (the ordering columns) to pick the page, then join the rest for its rows only: a whole
    # book's 33,000 certificates sort twice as fast that way.
    pick = (
        "SELECT ce.rowid FROM certificates ce JOIN insureds i ON i.id = ce.insured_id "
        "JOIN policies p ON p.id = ce.policy_id JOIN customers c ON c.id = p.customer_id "
        f"JOIN certificate_holders h ON h.id = ce.holder_id WHERE {' AND '.join(where)} ORDER BY {order}"
    )
    return paged_query(
        call,
        f"{_CERTIFICATE_SELECT} WHERE ce.rowid IN ({pick} {{window}}) ORDER BY {order}",
        args,
        _certificate,
    )


def certificate_pdf(call: Call) -> Response:
    ins_sql, ins_params = insured_filter(call.user, "ce.insured_id")
    row = call.conn.execute(
        f"{_CERTIFICATE_SELECT} WHERE ce.id = ? AND {ins_sql}", [call.id, *ins_params]
    ).fetchone()
    if row is None:
        raise not_found("certificate")
    visible_policy(call.conn, call.user, row["policy_id"], what="certificate")
    blob = ensure_certificate_blob(call.conn, row["id"])
    filename = f"COI-{row['policy_number']}-{row['insured_name']}-{row['holder_name']}"
    return pdf_response(blob, filename, call.headers)


def claims_history_pdf(call: Call) -> Response:
    insured = visible_insured_on_policy(call.conn, call.user, call.id, call.query["policy_id"])
    if not insured["claims_history_available"]:
        raise ProblemError(404, "No claims history letter is available for this insured.")
    blob = ensure_claims_history_blob(call.conn, insured["id"], call.query["policy_id"])
    policy = call.conn.execute("SELECT policy_number FROM policies WHERE id = ?", [call.query["policy_id"]])
    return pdf_response(blob, f"ClaimsHistory-{policy.fetchone()[0]}-{insured['name']}", call.headers)


HOLDER_REQUEST_SELECT = (
    "SELECT hr.*, p.policy_number, i.name AS insured_name FROM holder_requests hr "
    "JOIN policies p ON p.id = hr.policy_id JOIN insureds i ON i.id = hr.insured_id"
)


def holder_request_model(r: sqlite3.Row) -> HolderRequest:
    return HolderRequest(
        id=r["id"],
        status=HolderRequestStatus(r["status"]),
        submitted_at=parse_utc(r["submitted_at"]),
        expected_by=parse_utc(r["expected_by"]),
        holder_name=r["holder_name"],
        policy_id=r["policy_id"],
        policy_number=r["policy_number"],
        insured_id=r["insured_id"],
        insured_name=r["insured_name"],
        city=r["city"],
        state=r["state"],
        completed_at=parse_utc(r["completed_at"]) if r["completed_at"] else None,
    )


def _cleaned(body: HolderRequestCreate) -> HolderRequestCreate:
    """Every field trimmed, then state and ZIP matched in full (the model's ``$`` allows a final newline)."""
    fields = {name: getattr(body, name).strip() for name in body.__struct_fields__}
    fields["state"] = fields["state"].upper()
    if not _STATE.fullmatch(fields["state"]):
        raise invalid("state", "expected a two-letter USPS code, e.g. CA")
    if not _ZIP.fullmatch(fields["zip"]):
        raise invalid("zip", "expected five digits or ZIP+4")
    return HolderRequestCreate(**fields)


def idempotency_key(call: Call) -> str:
    key = call.headers.get(IDEMPOTENCY_HEADER)
    if not key:
        raise ProblemError(
            400, f"Send an {IDEMPOTENCY_HEADER} header so a retry cannot file the request twice."
        )
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        raise ProblemError(
            400,
            f"The {IDEMPOTENCY_HEADER} header must be 1 to 255 printable ASCII characters without spaces "
            "(a UUID is a good choice).",
        )
    return key


def create_holder_request(call: Call) -> HolderRequest:
    key = idempotency_key(call)
    body = _cleaned(call.body)
    digest = hashlib.sha256(msgspec.json.encode(body)).hexdigest()
    conn = call.conn
    with write_transaction(conn):
        earlier = conn.execute(
            f"{HOLDER_REQUEST_SELECT} WHERE hr.user_id = ? AND hr.idempotency_key = ?",
            [call.user.user_id, key],
        ).fetchone()
        if earlier is not None:
            if earlier["request_hash"] != digest:
                raise ProblemError(
                    422,
                    f"This {IDEMPOTENCY_HEADER} was already used for a different request.",
                    title="Idempotency key reused",
                )
            return holder_request_model(earlier)
        policy = visible_policy(conn, call.user, body.policy_id)
        visible_insured_on_policy(conn, call.user, body.insured_id, body.policy_id)
        if policy["status"] != PolicyStatus.ACTIVE:
            raise invalid("policy_id", "certificates are issued only for active policies")
        request_id = new_id("hr")
        conn.execute(
            "INSERT INTO holder_requests (id, user_id, customer_id, policy_id, insured_id, holder_name, "
            "address, city, state, zip, contact_name, contact_email, status, submitted_at, expected_by, "
            "idempotency_key, request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                request_id,
                call.user.user_id,
                policy["customer_id"],
                body.policy_id,
                body.insured_id,
                body.holder_name,
                body.address,
                body.city,
                body.state,
                body.zip,
                body.contact_name,
                body.contact_email,
                HolderRequestStatus.SUBMITTED.value,
                utc_text(call.now),
                utc_text(call.now + timedelta(hours=HOLDER_REQUEST_EXPECTED_HOURS)),
                key,
                digest,
            ],
        )
        row = conn.execute(f"{HOLDER_REQUEST_SELECT} WHERE hr.id = ?", [request_id]).fetchone()
    return holder_request_model(row)


def holder_requests_filter(caller: Caller) -> tuple[str, list[object]]:
    """Requests about the caller's customers (for an insured: about themselves); alias ``hr``."""
    sql, params = customer_filter(caller, "hr.customer_id")
    ins_sql, ins_params = insured_filter(caller, "hr.insured_id")
    return f"{sql} AND {ins_sql}", [*params, *ins_params]


def holder_requests(call: Call) -> Page[HolderRequest]:
    sql, params = holder_requests_filter(call.user)
    return paged_query(
        call,
        f"{HOLDER_REQUEST_SELECT} WHERE {sql} ORDER BY hr.submitted_at DESC, hr.id",
        params,
        holder_request_model,
    )


HANDLERS = {
    "credentialing_insureds": credentialing_insureds,
    "credentialing_certificates": credentialing_certificates,
    "certificate_pdf": certificate_pdf,
    "claims_history_pdf": claims_history_pdf,
    "create_holder_request": create_holder_request,
    "holder_requests": holder_requests,
}
