"""Errors are problem+json everywhere and bad input never causes a 500; holder requests are idempotent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx2
import pytest
from auth_fixtures import auth_bench
from sandbox_harness import SandboxServer

PROBLEM = "application/problem+json"


def assert_problem(answer: httpx2.Response, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.fixture(scope="module")
def patel(sandbox: SandboxServer) -> httpx2.Client:
    with sandbox.client(sandbox.token("dr.patel")) as client:
        yield client


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b'{"username": "a", "password": "\\ud800"}', b"\xff\xfe", b'{"username": "a",}'],
)
def test_malformed_json_is_400(sandbox: SandboxServer, raw: bytes) -> None:
    with sandbox.client() as client:
        answer = client.post("/auth/login", content=raw, headers={"content-type": "application/json"})
    assert_problem(answer, 400)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": 5, "password": "x"}, "username"),
        ({"username": "a"}, "body"),
        ([1, 2], "body"),
        ({"mfa_token": "t", "factor": "pigeon", "code": "1"}, "factor"),
    ],
)
def test_a_body_of_the_wrong_shape_is_422_naming_the_field(
    sandbox: SandboxServer, body: object, field: str
) -> None:
    path = "/auth/mfa/verify" if isinstance(body, dict) and "mfa_token" in body else "/auth/login"
    with sandbox.client() as client:
        problem = assert_problem(client.post(path, json=body), 422)
    assert problem["errors"] and problem["errors"][0]["field"] == field


def test_an_empty_body_is_400(sandbox: SandboxServer) -> None:
    with sandbox.client() as client:
        assert_problem(client.post("/auth/login"), 400)


def test_unknown_paths_and_methods(sandbox: SandboxServer, patel: httpx2.Client) -> None:
    assert_problem(patel.get("/no/such/thing"), 404)
    assert_problem(httpx2.get(f"{sandbox.base_url}/elsewhere"), 404)
    wrong_method = patel.delete("/me")
    assert_problem(wrong_method, 405)
    assert "GET" in wrong_method.headers["allow"]
    assert_problem(patel.put("/credentialing/holder-requests"), 405)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/policies?status=bogus", "status"),
        ("/policies?limit=0", "limit"),
        ("/policies?limit=1001", "limit"),
        ("/policies?limit=ten", "limit"),
        ("/billing/accounts/x?term=renewal", "term"),
        ("/seminars/activity?from=2026-13-01", "from"),
        ("/seminars/activity?to=yesterday", "to"),
        ("/credentialing/certificates?term=bogus", "term"),
        ("/credentialing/certificates?by=nobody", "by"),
        ("/credentialing/certificates?sort=name", "sort"),
        ("/risk/resources?category=x", "category"),
        ("/policies?status=", "status"),
        ("/policies?stauts=active", "stauts"),
    ],
)
def test_bad_query_values_are_422(patel: httpx2.Client, path: str, field: str) -> None:
    problem = assert_problem(patel.get(path), 422)
    assert problem["errors"][0]["field"] == field


def test_a_cursor_the_portal_did_not_issue_is_400(patel: httpx2.Client) -> None:
    assert_problem(patel.get("/policies", params={"cursor": "not-a-cursor"}), 400)


def test_pagination_walks_every_item_once(patel: httpx2.Client) -> None:
    everything = patel.get("/seminars", params={"limit": 1000}).json()["items"]
    seen, cursor = [], None
    while True:
        page = patel.get("/seminars", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        assert len(page["items"]) <= 3
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(everything) > 3


HOLDER = {
    "holder_name": "St. Mary's Medical Center",
    "address": "450 Stanyan St",
    "city": "San Francisco",
    "state": "CA",
    "zip": "94117",
    "contact_name": "Credentialing Office",
}


def _own_policy_and_insured(db_path: Path) -> tuple[str, str]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT p.id, pi.insured_id FROM users u JOIN policies p ON p.customer_id = u.customer_id "
            "JOIN policy_insureds pi ON pi.policy_id = p.id "
            "WHERE u.username = 'dr.patel' AND p.status = 'active' ORDER BY p.id LIMIT 1"
        ).fetchone()


async def test_holder_requests_need_a_key_and_replay_by_it(fresh_db: Path) -> None:
    policy_id, insured_id = _own_policy_and_insured(fresh_db)
    body = {**HOLDER, "policy_id": policy_id, "insured_id": insured_id}
    async with auth_bench(fresh_db) as bench:
        token = (await bench.signed_in("dr.patel"))["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        post = bench.client.post
        assert_problem(await post("/credentialing/holder-requests", json=body, headers=auth), 400)
        keyed = {**auth, "Idempotency-Key": "req-1"}
        first = await post("/credentialing/holder-requests", json=body, headers=keyed)
        assert first.status_code == 201
        created = first.json()
        assert created["status"] == "submitted" and created["policy_id"] == policy_id
        replay = await post("/credentialing/holder-requests", json=body, headers=keyed)
        assert replay.status_code == 201 and replay.json() == created
        other_body = await post(
            "/credentialing/holder-requests", json={**body, "city": "Oakland"}, headers=keyed
        )
        assert_problem(other_body, 422)
        listed = (await bench.client.get("/credentialing/holder-requests", headers=auth)).json()["items"]
        assert [r["id"] for r in listed].count(created["id"]) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"state": "ZZ"},
        {"state": "ca "},
        {"zip": "9411"},
        {"zip": "94117-12"},
        {"holder_name": "   "},
        {"city": ""},
        {"address": 7},
    ],
)
async def test_holder_request_fields_are_validated(fresh_db: Path, change: dict) -> None:
    policy_id, insured_id = _own_policy_and_insured(fresh_db)
    async with auth_bench(fresh_db) as bench:
        token = (await bench.signed_in("dr.patel"))["access_token"]
        answer = await bench.client.post(
            "/credentialing/holder-requests",
            json={**HOLDER, "policy_id": policy_id, "insured_id": insured_id, **change},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k"},
        )
        assert_problem(answer, 422)
