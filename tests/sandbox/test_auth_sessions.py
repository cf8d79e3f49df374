"""Sessions: random tokens stored hashed, expiry, refresh rotation, logout, and bearer checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auth_fixtures import auth_bench

from ssp_tui.api.constants import ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S

PATEL = "dr.patel"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_tokens_are_long_random_and_stored_only_as_hashes(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL)
        assert session["expires_in"] == ACCESS_TOKEN_TTL_S
        for token in (session["access_token"], session["refresh_token"]):
            assert len(token) >= 43  # token_urlsafe(32): 256 bits
        with sqlite3.connect(fresh_db) as conn:
            stored = conn.execute("SELECT access_hash, refresh_hash FROM sessions").fetchall()
        flat = {value for row in stored for value in row}
        assert session["access_token"] not in flat and session["refresh_token"] not in flat


async def test_access_token_opens_me_until_it_expires(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL)
        me = await bench.client.get("/me", headers=bearer(session["access_token"]))
        assert me.status_code == 200 and me.json()["username"] == PATEL
        bench.clock.advance(ACCESS_TOKEN_TTL_S + 1)
        expired = await bench.client.get("/me", headers=bearer(session["access_token"]))
        assert expired.status_code == 401
        assert expired.headers["www-authenticate"].startswith("Bearer")


async def test_refresh_rotates_both_tokens(fresh_db: Path) -> None:
    """(What a rotated token may still do, and what its reuse ends: test_auth_refresh.py.)"""
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        bench.clock.advance(ACCESS_TOKEN_TTL_S + 1)
        rotated = await bench.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert rotated.status_code == 200
        second = rotated.json()
        assert second["access_token"] != first["access_token"]
        assert second["refresh_token"] != first["refresh_token"]
        assert (await bench.client.get("/me", headers=bearer(second["access_token"]))).status_code == 200
        assert (await bench.client.get("/me", headers=bearer(first["access_token"]))).status_code == 401
        again = await bench.client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})
        assert again.status_code == 200


async def test_a_session_ends_when_its_refresh_token_expires(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL)
        bench.clock.advance(REFRESH_TOKEN_TTL_S + 1)
        late = await bench.client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert late.status_code == 401


async def test_logout_revokes_access_and_refresh(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL)
        out = await bench.client.post(
            "/auth/logout",
            json={"refresh_token": session["refresh_token"]},
            headers=bearer(session["access_token"]),
        )
        assert out.status_code == 204 and out.content == b""
        assert (await bench.client.get("/me", headers=bearer(session["access_token"]))).status_code == 401
        refresh = await bench.client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert refresh.status_code == 401


async def test_logout_without_a_body_ends_the_bearer_session(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL)
        out = await bench.client.post("/auth/logout", headers=bearer(session["access_token"]))
        assert out.status_code == 204
        assert (await bench.client.get("/me", headers=bearer(session["access_token"]))).status_code == 401


async def test_routes_refuse_missing_or_foreign_credentials(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        for headers in (
            {},
            {"Authorization": "Basic ZHI6cGF0ZWw="},
            bearer("not-a-token"),
            {"Authorization": "Bearer"},
        ):
            answer = await bench.client.get("/billing/accounts", headers=headers)
            assert answer.status_code == 401
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["www-authenticate"].startswith("Bearer")
