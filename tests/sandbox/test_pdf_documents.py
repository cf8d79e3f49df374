"""documents.py on the real seed: every generator's PDFs, certificates, claims histories, the blob cache."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pdf_checks import all_text, page_count, pdf_title
from sandbox_harness import copy_db

from ssp_tui.sandbox import documents
from ssp_tui.sandbox.db import connect
from ssp_tui.sandbox.documents import (
    Blob,
    ClaimsHistoryUnavailable,
    ensure_certificate_blob,
    ensure_claims_history_blob,
    ensure_document_blob,
)
from ssp_tui.sandbox.pdfs.facts import money

SAMPLES_PER_GENERATOR = 3


@pytest.fixture(scope="module")
def db_path(sandbox_template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_db(sandbox_template_db, tmp_path_factory.mktemp("pdf-documents") / "sandbox.sqlite3")


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(db_path)
    yield connection
    connection.close()


def private_copy(db_path: Path, target: Path) -> sqlite3.Connection:
    """A test's own copy of the module database (the backup API also copies what is still in the WAL)."""
    source = connect(db_path)
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return connect(target)


def forget(conn: sqlite3.Connection, key: str) -> None:
    with conn:
        conn.execute("DELETE FROM blobs WHERE key = ?", [key])


def assert_blob_is_consistent(blob: Blob) -> None:
    assert blob.bytes == len(blob.content)
    assert blob.sha256 == hashlib.sha256(blob.content).hexdigest()
    assert blob.pages == page_count(blob.content)


def sample_documents(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """A few documents of every generator the seed uses, and every resource (their page counts vary)."""
    rows: list[sqlite3.Row] = []
    for (generator,) in conn.execute(
        "SELECT DISTINCT generator FROM documents ORDER BY generator"
    ).fetchall():
        limit = -1 if generator == "resource" else SAMPLES_PER_GENERATOR
        rows += conn.execute(
            "SELECT * FROM documents WHERE generator = ? ORDER BY id LIMIT ?", [generator, limit]
        ).fetchall()
    return rows


def test_every_generator_in_the_seed_renders_its_promised_pages(conn: sqlite3.Connection) -> None:
    rows = sample_documents(conn)
    assert {r["generator"] for r in rows} >= {
        "declarations",
        "policy_form",
        "endorsement",
        "invoice",
        "renewal_notice",
        "cancellation_notice",
        "resource",
    }
    for row in rows:
        blob = ensure_document_blob(conn, row["id"])
        assert blob.key == f"doc:{row['id']}"
        assert_blob_is_consistent(blob)
        assert blob.pages == row["pages"], row["generator"]
        assert pdf_title(blob.content) == row["title"]


def test_certificates_carry_the_insured_policy_holder_and_limits(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT c.id, i.name AS insured, p.policy_number, h.name AS holder, h.zip, t.retro_date, "
        "t.limit_per_claim_cents, t.limit_aggregate_cents, cu.address AS insured_street, "
        "cu.city || ', ' || cu.state || ' ' || cu.zip AS insured_city FROM certificates c "
        "JOIN insureds i ON i.id = c.insured_id JOIN policies p ON p.id = c.policy_id "
        "JOIN customers cu ON cu.id = p.customer_id "
        "JOIN certificate_holders h ON h.id = c.holder_id "
        "JOIN policy_terms t ON t.policy_id = c.policy_id AND t.term = c.term ORDER BY c.id LIMIT 6"
    ).fetchall()
    assert rows
    for row in rows:
        blob = ensure_certificate_blob(conn, row["id"])
        assert blob.key == f"cert:{row['id']}" and blob.pages == 1
        assert_blob_is_consistent(blob)
        text = all_text(blob.content)
        for expected in (
            row["insured"],
            row["policy_number"],
            row["holder"],
            row["zip"],
            row["insured_street"],  # the named insured's mailing address, as on an ACORD 25
            row["insured_city"],
            money(row["limit_per_claim_cents"], whole=True),
            money(row["limit_aggregate_cents"], whole=True),
            "This certificate is issued as a matter of information only",
            "Should any of the above described policies be cancelled before the expiration date thereof",
        ):
            assert expected in text, expected


def test_a_claims_history_lists_the_insureds_claims(conn: sqlite3.Connection) -> None:
    insured_id, policy_id = conn.execute(
        "SELECT c.insured_id, c.policy_id FROM claims c JOIN insureds i ON i.id = c.insured_id "
        "WHERE i.claims_history_available = 1 ORDER BY c.id LIMIT 1"
    ).fetchone()
    blob = ensure_claims_history_blob(conn, insured_id, policy_id)
    assert blob.key == f"claims:{insured_id}:{policy_id}"
    assert_blob_is_consistent(blob)
    text = all_text(blob.content)
    for claim in conn.execute("SELECT * FROM claims WHERE insured_id = ?", [insured_id]):
        assert claim["claim_number"] in text
        assert money(claim["indemnity_paid_cents"]) in text and money(claim["expense_paid_cents"]) in text
    assert "No claims reported" not in text


def test_a_claims_history_without_claims_says_so(conn: sqlite3.Connection) -> None:
    insured_id, policy_id = conn.execute(
        "SELECT pi.insured_id, pi.policy_id FROM policy_insureds pi "
        "JOIN insureds i ON i.id = pi.insured_id "
        "WHERE i.claims_history_available = 1 "
        "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.insured_id = i.id) "
        "ORDER BY pi.insured_id LIMIT 1"
    ).fetchone()
    assert "No claims reported" in all_text(ensure_claims_history_blob(conn, insured_id, policy_id).content)


def test_a_claims_history_covers_ten_years_only(db_path: Path, tmp_path: Path) -> None:
    private = private_copy(db_path, tmp_path / "old-claim.sqlite3")
    insured_id, policy_id = private.execute(
        "SELECT pi.insured_id, pi.policy_id FROM policy_insureds pi "
        "JOIN insureds i ON i.id = pi.insured_id "
        "WHERE i.claims_history_available = 1 ORDER BY pi.insured_id LIMIT 1"
    ).fetchone()
    with private:
        private.execute(
            "INSERT INTO claims VALUES "
            "('cl_old', ?, ?, 'CL-2014-00001', 'closed', '2013-01-05', '2014-02-01', '2015-06-30', "
            "125000000, 2000000, 'Failure to diagnose'), "
            "('cl_new', ?, ?, 'CL-2017-00002', 'closed', '2016-10-01', '2017-01-15', '2018-03-01', "
            "0, 900000, 'Delay in treatment')",
            [insured_id, policy_id, insured_id, policy_id],
        )
    forget(private, f"claims:{insured_id}:{policy_id}")  # an earlier test may have cached this letter
    text = all_text(ensure_claims_history_blob(private, insured_id, policy_id).content)
    private.close()
    assert "CL-2017-00002" in text and "CL-2014-00001" not in text


def test_claims_history_refusals(conn: sqlite3.Connection, db_path: Path, tmp_path: Path) -> None:
    insured_id, policy_id = conn.execute(
        "SELECT insured_id, policy_id FROM policy_insureds LIMIT 1"
    ).fetchone()
    other_policy = conn.execute(
        "SELECT id FROM policies "
        "WHERE id NOT IN (SELECT policy_id FROM policy_insureds WHERE insured_id = ?) LIMIT 1",
        [insured_id],
    ).fetchone()[0]
    with pytest.raises(LookupError):
        ensure_claims_history_blob(conn, insured_id, other_policy)
    private = private_copy(db_path, tmp_path / "unavailable.sqlite3")
    with private:
        private.execute("UPDATE insureds SET claims_history_available = 0 WHERE id = ?", [insured_id])
    with pytest.raises(ClaimsHistoryUnavailable):
        ensure_claims_history_blob(private, insured_id, policy_id)
    private.close()


def test_unknown_ids_raise_lookup_error(conn: sqlite3.Connection) -> None:
    with pytest.raises(LookupError):
        ensure_document_blob(conn, "do_doesnotexist0000")
    with pytest.raises(LookupError):
        ensure_certificate_blob(conn, "ce_doesnotexist0000")
    with pytest.raises(LookupError):
        ensure_claims_history_blob(conn, "in_doesnotexist0000", "po_doesnotexist0000")
    assert conn.execute("SELECT COUNT(*) FROM blobs WHERE key LIKE '%doesnotexist%'").fetchone()[0] == 0


def test_the_cache_returns_the_stored_bytes_without_rebuilding(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate_id = conn.execute("SELECT id FROM certificates ORDER BY id DESC LIMIT 1").fetchone()[0]
    document = conn.execute("SELECT id, generator FROM documents ORDER BY id DESC LIMIT 1").fetchone()
    forget(conn, f"cert:{certificate_id}")
    forget(conn, f"doc:{document['id']}")
    first_certificate = ensure_certificate_blob(conn, certificate_id)
    first_document = ensure_document_blob(conn, document["id"])

    def no_rebuild(*_args: object) -> None:
        raise AssertionError("a cached PDF was built again")

    monkeypatch.setattr(documents, "build_certificate", no_rebuild)
    monkeypatch.setitem(documents.DOCUMENT_BUILDERS, document["generator"], no_rebuild)
    assert ensure_certificate_blob(conn, certificate_id) == first_certificate
    assert ensure_document_blob(conn, document["id"]) == first_document


def test_a_rebuild_from_the_database_gives_identical_bytes(conn: sqlite3.Connection) -> None:
    certificate_id = conn.execute("SELECT id FROM certificates ORDER BY id LIMIT 1 OFFSET 7").fetchone()[0]
    document_id = conn.execute(
        "SELECT id FROM documents WHERE generator = 'declarations' LIMIT 1"
    ).fetchone()[0]
    before = ensure_certificate_blob(conn, certificate_id), ensure_document_blob(conn, document_id)
    forget(conn, f"cert:{certificate_id}")
    forget(conn, f"doc:{document_id}")
    after = ensure_certificate_blob(conn, certificate_id), ensure_document_blob(conn, document_id)
    assert [b.sha256 for b in before] == [b.sha256 for b in after]
    assert [b.content for b in before] == [b.content for b in after]


def test_concurrent_first_requests_store_one_blob(db_path: Path) -> None:
    setup = connect(db_path)
    certificate_id = setup.execute("SELECT id FROM certificates ORDER BY id LIMIT 1 OFFSET 11").fetchone()[0]
    forget(setup, f"cert:{certificate_id}")

    def fetch(_: int) -> str:
        own = connect(db_path)
        try:
            return ensure_certificate_blob(own, certificate_id).sha256
        finally:
            own.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        digests = set(pool.map(fetch, range(12)))
    rows = setup.execute("SELECT sha256 FROM blobs WHERE key = ?", [f"cert:{certificate_id}"]).fetchall()
    setup.close()
    assert len(digests) == 1 and [r[0] for r in rows] == list(digests)


def test_build_time_per_document_type(conn: sqlite3.Connection) -> None:
    """Prints the time to build (not read from cache) one document of each kind; asserts only the results."""
    keys: dict[str, tuple[str, object]] = {}
    for (generator,) in conn.execute("SELECT DISTINCT generator FROM documents ORDER BY generator"):
        document_id = conn.execute(
            "SELECT id FROM documents WHERE generator = ? ORDER BY id DESC LIMIT 1", [generator]
        ).fetchone()[0]
        keys[generator] = (f"doc:{document_id}", lambda d=document_id: ensure_document_blob(conn, d))
    certificate_id = conn.execute("SELECT id FROM certificates ORDER BY id DESC LIMIT 1 OFFSET 3").fetchone()[
        0
    ]
    keys["certificate"] = (f"cert:{certificate_id}", lambda: ensure_certificate_blob(conn, certificate_id))
    insured_id, policy_id = conn.execute(
        "SELECT c.insured_id, c.policy_id FROM claims c JOIN insureds i ON i.id = c.insured_id "
        "WHERE i.claims_history_available = 1 ORDER BY c.id DESC LIMIT 1"
    ).fetchone()
    keys["claims_history"] = (
        f"claims:{insured_id}:{policy_id}",
        lambda: ensure_claims_history_blob(conn, insured_id, policy_id),
    )
    for kind, (key, build) in keys.items():
        forget(conn, key)
        started = time.perf_counter()
        blob = build()
        elapsed_ms = (time.perf_counter() - started) * 1000
        assert isinstance(blob, Blob) and blob.pages >= 1
        print(f"{kind:20s} {blob.pages} pages {blob.bytes:7d} bytes {elapsed_ms:6.1f} ms")


def test_an_invoice_bills_the_account_at_the_customers_address(conn: sqlite3.Connection) -> None:
    row = conn.execute(
        "SELECT d.id, b.name, cu.address, cu.zip FROM documents d JOIN policies p ON p.id = d.policy_id "
        "JOIN billing_accounts b ON b.id = p.billing_account_id JOIN customers cu ON cu.id = b.customer_id "
        "WHERE d.generator = 'invoice' ORDER BY d.id LIMIT 1"
    ).fetchone()
    text = all_text(ensure_document_blob(conn, row["id"]).content)
    assert row["name"] in text and row["address"] in text and row["zip"] in text
