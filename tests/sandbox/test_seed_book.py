"""The large book, built small: exact sizes, the regular data untouched, and documents served as real PDFs."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pikepdf
import pytest
from sandbox_harness import SEED_TODAY, SandboxServer, ServerThread, read_accounts

from ssp_tui.api.models import Document, Page, PolicySummary, SeminarActivity, Term
from ssp_tui.sandbox.db import _built_with as built_with
from ssp_tui.sandbox.db import connect, create_and_seed, meta, open_db
from ssp_tui.sandbox.seed import build_rows
from ssp_tui.sandbox.seed_book import BOOK_AGENCY, BOOK_AGENT, BookSize

SMALL_BOOK = BookSize(policies=30, insureds=150, certificates=700, documents=1_500, activity=2_500)


@pytest.fixture(scope="module")
def book_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "sandbox.sqlite3"
    create_and_seed(path, seed=1, scale=1, today=SEED_TODAY, book=SMALL_BOOK)
    return path


@pytest.fixture(scope="module")
def book_conn(book_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(book_db)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def book_server(book_db: Path) -> Iterator[SandboxServer]:
    thread = ServerThread(book_db)
    thread.start()
    try:
        yield SandboxServer(base_url=thread.base_url, db_path=book_db, accounts=read_accounts(book_db))
    finally:
        thread.stop()


def _count(conn: sqlite3.Connection, sql: str) -> int:
    agency = conn.execute("SELECT id FROM agencies WHERE name = ?", [BOOK_AGENCY[0]]).fetchone()[0]
    return conn.execute(sql, [agency]).fetchone()[0]


def test_the_book_has_at_least_its_size_and_exactly_its_documents_and_activity(
    book_conn: sqlite3.Connection,
) -> None:
    assert _count(book_conn, "SELECT count(*) FROM policies WHERE agency_id = ?") >= SMALL_BOOK.policies
    insureds = _count(
        book_conn,
        "SELECT count(*) FROM policy_insureds pi JOIN policies p ON p.id = pi.policy_id "
        "WHERE p.agency_id = ?",
    )
    assert insureds >= SMALL_BOOK.insureds
    documents = _count(
        book_conn,
        "SELECT count(*) FROM documents d JOIN policies p ON p.id = d.policy_id WHERE p.agency_id = ?",
    )
    assert documents == SMALL_BOOK.documents
    certificates = _count(
        book_conn,
        "SELECT count(*) FROM certificates c JOIN policies p ON p.id = c.policy_id WHERE p.agency_id = ?",
    )
    assert SMALL_BOOK.certificates <= certificates <= SMALL_BOOK.certificates + 1
    activity = _count(
        book_conn,
        "SELECT count(*) FROM seminar_activity a JOIN customers c ON c.id = a.customer_id "
        "WHERE c.agency_id = ?",
    )
    assert activity == SMALL_BOOK.activity
    assert book_conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_regular_data_is_the_same_with_or_without_the_book_and_the_book_is_deterministic() -> None:
    plain = build_rows(1, 1, SEED_TODAY)
    with_book = build_rows(1, 1, SEED_TODAY, SMALL_BOOK)
    for table, rows in plain.items():
        assert with_book[table][: len(rows)] == rows, table
    assert with_book["documents"][len(plain["documents"]) :]  # the book did add rows
    assert build_rows(1, 1, SEED_TODAY, SMALL_BOOK) == with_book


def test_the_book_is_recorded_so_that_a_rebuild_for_a_new_schema_keeps_it(book_db: Path) -> None:
    conn = open_db(book_db)
    try:
        assert BookSize.from_text(meta(conn)["book"]) == SMALL_BOOK
        assert built_with(conn) == (1, 1, SMALL_BOOK)  # what open_db rebuilds an old default database with
    finally:
        conn.close()


def test_the_book_agent_lists_documents_whose_pdfs_match_their_digest(book_server: SandboxServer) -> None:
    agent = book_server.by_username(BOOK_AGENT.username)
    assert agent.note == BOOK_AGENT.note and agent.totp_secret
    with book_server.client(book_server.token(agent.username)) as http:
        answer = http.get("/policies", params={"status": "all", "limit": 1000})
        policies = msgspec.json.decode(answer.content, type=Page[PolicySummary]).items
        assert len(policies) >= SMALL_BOOK.policies
        assert {p.agency for p in policies} == {BOOK_AGENCY[0]}
        listed = http.get(f"/policies/{policies[0].id}/documents", params={"term": Term.CURRENT.value})
        documents = msgspec.json.decode(listed.content, type=Page[Document]).items
        assert documents
        for document in documents:
            content = http.get(f"/documents/{document.id}/content").content
            assert hashlib.sha256(content).hexdigest() == document.sha256
            assert len(content) == document.bytes
            pdf = pikepdf.open(io.BytesIO(content))
            assert len(pdf.pages) == document.pages
            assert str(pdf.docinfo["/Title"]) == document.title


def test_the_agents_activity_pages_cover_every_row_once_newest_first(book_server: SandboxServer) -> None:
    """Activity pages seek by (day, row): followed to the end they hold every row of the agency exactly once,
    newest day first, whatever the page size."""
    with sqlite3.connect(book_server.db_path) as conn:
        agency = conn.execute("SELECT id FROM agencies WHERE name = ?", [BOOK_AGENCY[0]]).fetchone()[0]
        expected = conn.execute(
            "SELECT a.id FROM seminar_activity a JOIN customers c ON c.id = a.customer_id "
            "WHERE c.agency_id = ? ORDER BY a.completed_on DESC, a.rowid DESC",
            [agency],
        ).fetchall()
    with book_server.client(book_server.token(BOOK_AGENT.username)) as http:
        for limit in (1000, 333):
            seen: list[SeminarActivity] = []
            cursor = None
            while True:
                params: dict[str, object] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
                page = msgspec.json.decode(
                    http.get("/seminars/activity", params=params).content, type=Page[SeminarActivity]
                )
                seen.extend(page.items)
                cursor = page.next_cursor
                if cursor is None:
                    break
            assert [row.id for row in seen] == [row[0] for row in expected]
            days = [row.completed_on for row in seen]
            assert days == sorted(days, reverse=True)
