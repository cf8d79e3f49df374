"""Rendering the sandbox's PDFs from the database, once, into the ``blobs`` table.

Keys: ``doc:<document id>``, ``cert:<certificate id>``, ``claims:<insured id>:<policy id>``. The first
request for a key builds the PDF (a few milliseconds a page) and stores it; later requests read the stored
bytes, so the ETag and length a client saw never change. Two threads building the same key at once both
produce identical bytes (the builders are deterministic) and the first insert wins, so no lock is needed:
each caller uses its own connection, as the server's worker threads do.

A document row promises its page count (``documents.pages``, set at seed); a build that disagrees raises
``PageCountError`` rather than serving a document whose listing lies about it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from typing import Any

import msgspec

from ssp_tui.sandbox import seed_catalog
from ssp_tui.sandbox.document_facts import (
    ClaimsHistoryUnavailable,
    certificate_facts,
    check_claims_history_offered,
    claims_history_facts,
    customer_party,
    document_params,
    param,
    policy_facts,
    required_date,
    term_facts,
)
from ssp_tui.sandbox.pdfs import (
    BuiltPdf,
    PageCountError,
    build_cancellation_notice,
    build_certificate,
    build_claims_history,
    build_declarations,
    build_endorsement,
    build_invoice,
    build_policy_form,
    build_renewal_application,
    build_renewal_notice,
    build_resource,
    project_installments,
)
from ssp_tui.sandbox.pdfs.book import BookDocumentFacts, build_book_document
from ssp_tui.sandbox.pdfs.facts import (
    EndorsementFacts,
    InstallmentFacts,
    InvoiceFacts,
    Party,
    PolicyDocumentFacts,
    ResourceFacts,
    TermFacts,
)
from ssp_tui.sandbox.seed_book import BOOK_GENERATOR

__all__ = [
    "Blob",
    "ClaimsHistoryUnavailable",
    "PageCountError",
    "document_blob",
    "ensure_certificate_blob",
    "ensure_claims_history_blob",
    "ensure_document_blob",
]



class Blob(msgspec.Struct, frozen=True, kw_only=True):
    """A generated PDF as stored: its bytes, their SHA-256 (hex, also the ETag) and its page count."""

    key: str
    content: bytes
    sha256: str
    bytes: int
    pages: int


def _cached(conn: sqlite3.Connection, key: str) -> Blob | None:
    row = conn.execute("SELECT content, sha256, bytes, pages FROM blobs WHERE key = ?", [key]).fetchone()
    if row is None:
        return None
    return Blob(key=key, content=bytes(row[0]), sha256=row[1], bytes=row[2], pages=row[3])


def _store(conn: sqlite3.Connection, key: str, built: BuiltPdf) -> Blob:
    blob = _blob(key, built)
    with conn:
        conn.execute(
            "INSERT OR IGNORE INTO blobs (key, content, sha256, bytes, pages) VALUES (?, ?, ?, ?, ?)",
            [key, blob.content, blob.sha256, blob.bytes, blob.pages],
        )
    stored = _cached(conn, key)
    return blob if stored is None else stored  # None: the row was deleted between our insert and read


def _ensure(conn: sqlite3.Connection, key: str, build: Callable[[], BuiltPdf]) -> Blob:
    cached = _cached(conn, key)
    return cached if cached is not None else _store(conn, key, build())


def _blob(key: str, built: BuiltPdf) -> Blob:
    digest = hashlib.sha256(built.content).hexdigest()
    return Blob(key=key, content=built.content, sha256=digest, bytes=len(built.content), pages=built.pages)


def document_blob(conn: sqlite3.Connection, row: sqlite3.Row) -> Blob:
    """The PDF of a ``documents`` row already read (a listing's): the large book's are built from the row
    itself (faster than reading stored bytes back), the others through the ``blobs`` cache."""
    if row["generator"] == BOOK_GENERATOR:
        return _blob(f"doc:{row['id']}", _book_document(row))
    return ensure_document_blob(conn, row["id"])


def _book_document(row: sqlite3.Row) -> BuiltPdf:
    facts = document_params(row)
    return build_book_document(
        BookDocumentFacts(
            document_id=row["id"],
            type=row["type"],
            title=row["title"],
            issued_on=row["issued_on"],
            insurer=str(param(facts, "insurer", row["id"])),
            policy_number=str(param(facts, "policy_number", row["id"])),
            policyholder=str(param(facts, "policyholder", row["id"])),
            term_start=str(param(facts, "term_start", row["id"])),
            term_end=str(param(facts, "term_end", row["id"])),
            pages=row["pages"],
            insured=str(facts.get("insured", "")),
        )
    )


def ensure_document_blob(conn: sqlite3.Connection, document_id: str) -> Blob:
    """The PDF of a ``documents`` row; ``LookupError`` for an unknown id."""

    def build() -> BuiltPdf:
        row = conn.execute("SELECT * FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise LookupError("document not found")
        builder = DOCUMENT_BUILDERS.get(row["generator"])
        if builder is None:
            raise ValueError(f"document {document_id} names an unknown generator {row['generator']!r}")
        built = builder(conn, row, document_params(row))
        if built.pages != row["pages"]:
            raise PageCountError(
                f"document {document_id} built {built.pages} pages, its row says {row['pages']}"
            )
        return built

    return _ensure(conn, f"doc:{document_id}", build)


def ensure_certificate_blob(conn: sqlite3.Connection, certificate_id: str) -> Blob:
    """The certificate of insurance; ``LookupError`` for an unknown id."""
    return _ensure(
        conn, f"cert:{certificate_id}", lambda: build_certificate(certificate_facts(conn, certificate_id))
    )


def ensure_claims_history_blob(conn: sqlite3.Connection, insured_id: str, policy_id: str) -> Blob:
    """The claims-history letter; ``LookupError`` when the insured is not on the policy, and its subclass
    ``ClaimsHistoryUnavailable`` when the insured's history is not offered online."""
    # Checked before the cache: a letter stored earlier is never served once it may no longer be.
    check_claims_history_offered(conn, insured_id, policy_id)
    return _ensure(
        conn,
        f"claims:{insured_id}:{policy_id}",
        lambda: build_claims_history(claims_history_facts(conn, insured_id, policy_id)),
    )


# One builder per ``documents.generator``: (connection, row, params) -> PDF.
Builder = Callable[[sqlite3.Connection, sqlite3.Row, dict[str, Any]], BuiltPdf]


def _policy_document(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    params: dict[str, Any],
    *,
    term: str | None = None,
    endorsements: tuple[EndorsementFacts, ...] = (),
    renewal_term: TermFacts | None = None,
    note: str = "",
) -> PolicyDocumentFacts:
    """The facts shared by declarations, endorsements and notices (``term`` overrides the row's term)."""
    if row["policy_id"] is None or row["term"] is None:
        raise ValueError(f"document {row['id']} is a policy document without a policy and term")
    policy = policy_facts(conn, row["policy_id"], term or row["term"])
    form_code, form_name = seed_catalog.POLICY_FORMS.get(policy.coverage_type, ("", policy.coverage_type))
    return PolicyDocumentFacts(
        title=row["title"],
        issued_on=required_date(row["issued_on"]),
        policy=policy,
        form_code=str(params.get("form_number", form_code)),
        form_name=form_name,
        policy_form_code=form_code,
        form_edition=str(params.get("edition", seed_catalog.FORM_EDITION)),
        endorsements=endorsements,
        renewal_term=renewal_term,
        note=note,
    )


ENDORSEMENT_TITLES = {code: title for code, title, _ in seed_catalog.ENDORSEMENTS}


def _declarations(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    codes = param(params, "endorsements", row["id"])
    endorsements = tuple(EndorsementFacts(code, ENDORSEMENT_TITLES.get(code, code), "") for code in codes)
    facts = _policy_document(conn, row, params, endorsements=endorsements)
    return build_declarations(facts, int(params.get("deductible_cents", 0)))


def _policy_form(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    if row["policy_id"] is None or row["term"] is None:
        raise ValueError(f"policy form {row['id']} has no policy and term")
    return build_policy_form(
        policy_facts(conn, row["policy_id"], row["term"]),
        str(param(params, "form_number", row["id"])),
        str(param(params, "form_title", row["id"])),
        str(param(params, "edition", row["id"])),
    )


def _endorsement(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    endorsement = EndorsementFacts(
        str(param(params, "form_number", row["id"])),
        str(param(params, "title", row["id"])),
        str(param(params, "wording", row["id"])),
    )
    facts = _policy_document(conn, row, params, endorsements=(endorsement,))
    return build_endorsement(facts, required_date(param(params, "effective_on", row["id"])))


def _renewal_notice(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    # The notice belongs to the renewal term but speaks of the expiring (current) term too.
    facts = _policy_document(
        conn, row, params, term="current", renewal_term=term_facts(conn, row["policy_id"], "renewal")
    )
    return build_renewal_notice(
        facts,
        int(param(params, "expiring_premium_cents", row["id"])),
        required_date(param(params, "respond_by", row["id"])),
    )


def _cancellation_notice(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    facts = _policy_document(conn, row, params, note=str(param(params, "reason", row["id"])))
    return build_cancellation_notice(facts, required_date(param(params, "effective_on", row["id"])))


def _invoice(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    document_id = row["id"]
    policy = conn.execute("SELECT * FROM policies WHERE id = ?", [row["policy_id"]]).fetchone()
    if policy is None or row["term"] is None:
        raise ValueError(f"invoice {document_id} has no policy and term")
    account = conn.execute(
        "SELECT * FROM billing_accounts WHERE id = ?", [policy["billing_account_id"]]
    ).fetchone()
    if account is None:
        raise ValueError(f"invoice {document_id}: policy {policy['id']} has no billing account")
    customer = conn.execute("SELECT * FROM customers WHERE id = ?", [account["customer_id"]]).fetchone()
    term = term_facts(conn, policy["id"], row["term"])
    total = int(param(params, "total_cents", document_id))
    billed = [
        InstallmentFacts(r["number"], required_date(r["due_on"]), r["amount_cents"], r["status"])
        for r in conn.execute(
            "SELECT number, due_on, amount_cents, status FROM installments "
            "WHERE account_id = ? AND term = ? ORDER BY number, id",
            [account["id"], row["term"]],
        )
    ]
    projected = not billed
    installments = billed or project_installments(
        total,
        int(param(params, "installment_count", document_id)),
        required_date(param(params, "first_due_on", document_id)),
    )
    paid = conn.execute(
        "SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE account_id = ? AND term = ?",
        [account["id"], row["term"]],
    ).fetchone()[0]
    policies = [
        r[0]
        for r in conn.execute(
            "SELECT policy_number FROM policies WHERE billing_account_id = ? ORDER BY policy_number",
            [account["id"]],
        )
    ]
    return build_invoice(
        InvoiceFacts(
            title=row["title"],
            issued_on=required_date(row["issued_on"]),
            invoice_number=str(param(params, "invoice_number", document_id)),
            account_number=account["account_number"],
            account_name=account["name"],
            insurer=account["insurer"],
            plan=str(params.get("plan", account["plan"])),
            bill_to=customer_party(customer, account["name"]) if customer else Party(account["name"]),
            policy_number=policy["policy_number"],
            coverage_type=policy["coverage_type"],
            term_start=term.start,
            term_end=term.end,
            premium_cents=int(param(params, "premium_cents", document_id)),
            fees_cents=int(param(params, "fees_cents", document_id)),
            total_cents=total,
            account_policies=tuple(policies),
            installments=tuple(installments),
            installments_projected=projected,
            payments_cents=int(paid),
            can_pay_online=bool(account["can_pay_online"]),
            autopay=bool(account["autopay"]),
        )
    )


def _renewal_application(conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    if row["policy_id"] is None or row["term"] != "renewal":
        raise ValueError(f"renewal application {row['id']} is not a renewal term's document")
    answers = param(params, "answers", row["id"])
    return build_renewal_application(
        policy_facts(conn, row["policy_id"], "renewal"),
        term_facts(conn, row["policy_id"], "renewal"),
        title=row["title"],
        completed_on=required_date(param(params, "completed_on", row["id"])),
        signed_by=str(param(params, "signed_by", row["id"])),
        answers=[(str(question), str(answer)) for question, answer in answers],
    )


def _resource(_conn: sqlite3.Connection, row: sqlite3.Row, params: dict[str, Any]) -> BuiltPdf:
    document_id = row["id"]
    return build_resource(
        ResourceFacts(
            title=row["title"],
            category=str(param(params, "category", document_id)),
            summary=str(param(params, "summary", document_id)),
            published_on=required_date(row["issued_on"]),
            audience=str(param(params, "audience", document_id)),
            topics=tuple(str(topic) for topic in params.get("topics", ())),
            pages=int(param(params, "pages", document_id)),
        )
    )


DOCUMENT_BUILDERS: dict[str, Builder] = {
    "declarations": _declarations,
    "policy_form": _policy_form,
    "endorsement": _endorsement,
    "invoice": _invoice,
    "renewal_notice": _renewal_notice,
    "cancellation_notice": _cancellation_notice,
    "renewal_application": _renewal_application,
    "resource": _resource,
    BOOK_GENERATOR: lambda _conn, row, _params: _book_document(row),
}
