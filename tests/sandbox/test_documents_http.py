"""Serving PDFs over real HTTP: ETag = the bytes' SHA-256, Range and If-Range, stable bytes, valid PDFs."""

from __future__ import annotations

import hashlib
import io
import sqlite3

import httpx2
import pikepdf
import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.models import DocumentType

PATEL = "dr.patel"


@pytest.fixture(scope="module")
def patel(sandbox: SandboxServer) -> httpx2.Client:
    with sandbox.client(sandbox.token(PATEL)) as client:
        yield client


@pytest.fixture(scope="module")
def a_document(patel: httpx2.Client) -> dict:
    policies = patel.get("/policies").json()["items"]
    documents = patel.get(f"/policies/{policies[0]['id']}/documents", params={"term": "current"}).json()[
        "items"
    ]
    assert len(documents) >= 3
    return documents[0]


def test_content_matches_the_listed_digest_and_size(patel: httpx2.Client, a_document: dict) -> None:
    answer = patel.get(f"/documents/{a_document['id']}/content")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(answer.content).hexdigest() == a_document["sha256"]
    assert answer.headers["etag"] == f'"{a_document["sha256"]}"'
    assert int(answer.headers["content-length"]) == len(answer.content) == a_document["bytes"]
    assert answer.headers["accept-ranges"] == "bytes"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.pdf"')


def test_the_same_request_twice_gives_the_same_bytes(patel: httpx2.Client, a_document: dict) -> None:
    first = patel.get(f"/documents/{a_document['id']}/content")
    second = patel.get(f"/documents/{a_document['id']}/content")
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]


def test_range_requests(patel: httpx2.Client, a_document: dict) -> None:
    path = f"/documents/{a_document['id']}/content"
    full = patel.get(path).content
    size = len(full)
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=100-": (100, size - 1),
        "bytes=-50": (size - 50, size - 1),
        f"bytes=10-{size + 500}": (10, size - 1),
    }
    for header, (first, last) in cases.items():
        part = patel.get(path, headers={"Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.content == full[first : last + 1]
        assert int(part.headers["content-length"]) == last - first + 1


def test_a_range_past_the_end_is_416(patel: httpx2.Client, a_document: dict) -> None:
    answer = patel.get(
        f"/documents/{a_document['id']}/content", headers={"Range": f"bytes={a_document['bytes']}-"}
    )
    assert answer.status_code == 416
    assert answer.headers["content-range"] == f"bytes */{a_document['bytes']}"
    assert answer.headers["content-type"] == "application/problem+json"


def test_if_range_resumes_only_the_same_version(patel: httpx2.Client, a_document: dict) -> None:
    path = f"/documents/{a_document['id']}/content"
    etag = f'"{a_document["sha256"]}"'
    same = patel.get(path, headers={"Range": "bytes=20-", "If-Range": etag})
    assert same.status_code == 206
    changed = patel.get(path, headers={"Range": "bytes=20-", "If-Range": '"0000"'})
    assert changed.status_code == 200
    assert hashlib.sha256(changed.content).hexdigest() == a_document["sha256"]
    dated = patel.get(path, headers={"Range": "bytes=20-", "If-Range": "Sat, 28 Nov 2026 10:00:00 GMT"})
    assert dated.status_code == 200


def test_if_none_match_answers_304(patel: httpx2.Client, a_document: dict) -> None:
    answer = patel.get(
        f"/documents/{a_document['id']}/content", headers={"If-None-Match": f'"{a_document["sha256"]}"'}
    )
    assert answer.status_code == 304 and answer.content == b""


def _opens(content: bytes) -> int:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return len(pdf.pages)


def test_every_kind_of_pdf_opens(sandbox: SandboxServer) -> None:
    """A document of each type, a certificate and a claims-history letter, as support (who sees all)."""
    with sqlite3.connect(sandbox.db_path) as conn:
        # Agent-library PDFs are for agents only; a risk-management one stands for the resource type.
        by_type = dict(
            conn.execute(
                "SELECT type, MIN(id) FROM documents WHERE id NOT IN "
                "(SELECT document_id FROM agent_resources WHERE document_id IS NOT NULL) GROUP BY type"
            ).fetchall()
        )
        certificate = conn.execute("SELECT MIN(id) FROM certificates").fetchone()[0]
        insured, policy = conn.execute(
            "SELECT pi.insured_id, pi.policy_id FROM policy_insureds pi "
            "JOIN insureds i ON i.id = pi.insured_id WHERE i.claims_history_available = 1 "
            "ORDER BY pi.policy_id LIMIT 1"
        ).fetchone()
    assert set(by_type) == {t.value for t in DocumentType}
    paths = [f"/documents/{doc_id}/content" for doc_id in by_type.values()]
    paths += [
        f"/credentialing/certificates/{certificate}/pdf",
        f"/credentialing/insureds/{insured}/claims-history?policy_id={policy}",
    ]
    with sandbox.client(sandbox.token("support.morgan")) as support:
        for path in paths:
            answer = support.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert answer.headers["etag"] == f'"{hashlib.sha256(answer.content).hexdigest()}"'
            assert _opens(answer.content) >= 1
