"""A refresh is safe to retry, and refresh-token reuse ends the whole session (OAuth 2.0 Security BCP).

The refresh token just rotated away from, presented again within the grace window by the same client while
its successor is still current, gets back the very same successor pair (a lost answer, or a second process
that read the same kept session). Any other presentation of a rotated token is reuse: the session ends,
its current access and refresh tokens included."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auth_fixtures import AuthBench, auth_bench

from ssp_tui.api.constants import ACCESS_TOKEN_TTL_S, REFRESH_RETRY_GRACE_S

PATEL = "dr.patel"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _refresh(bench: AuthBench, token: str) -> dict:
    answer = await bench.client.post("/auth/refresh", json={"refresh_token": token})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _session_is_over(bench: AuthBench, *sessions: dict) -> None:
    for session in sessions:
        me = await bench.client.get("/me", headers=bearer(session["access_token"]))
        assert me.status_code == 401
        again = await bench.client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert again.status_code == 401


async def test_a_retried_refresh_gets_the_same_pair_and_the_session_goes_on(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        second = await _refresh(bench, first["refresh_token"])
        bench.clock.advance(REFRESH_RETRY_GRACE_S - 1)
        retried = await _refresh(bench, first["refresh_token"])
        assert (retried["access_token"], retried["refresh_token"]) == (
            second["access_token"],
            second["refresh_token"],
        )
        assert 0 < retried["expires_in"] <= ACCESS_TOKEN_TTL_S
        assert (await bench.client.get("/me", headers=bearer(second["access_token"]))).status_code == 200
        third = await _refresh(bench, second["refresh_token"])
        assert (await bench.client.get("/me", headers=bearer(third["access_token"]))).status_code == 200


async def test_reuse_after_the_grace_window_ends_the_whole_session(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        second = await _refresh(bench, first["refresh_token"])
        bench.clock.advance(REFRESH_RETRY_GRACE_S + 1)
        reused = await bench.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reused.status_code == 401
        assert "used again" in reused.json()["detail"]
        await _session_is_over(bench, second)  # the family's current tokens end with it
        other = await bench.signed_in(PATEL)  # another sign-in of the same user is not touched
        assert (await bench.client.get("/me", headers=bearer(other["access_token"]))).status_code == 200


async def test_reuse_from_another_client_ends_the_session_even_within_the_window(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        second = await _refresh(bench, first["refresh_token"])
        async with bench.client_from("198.51.100.9") as stranger:
            stolen = await stranger.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert stolen.status_code == 401
        await _session_is_over(bench, second)


async def test_reuse_of_a_token_whose_successor_was_rotated_again_ends_the_session(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        second = await _refresh(bench, first["refresh_token"])
        third = await _refresh(bench, second["refresh_token"])
        stale = await bench.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert stale.status_code == 401
        await _session_is_over(bench, third)


async def test_a_logged_out_session_is_not_revived_by_a_retried_refresh(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        second = await _refresh(bench, first["refresh_token"])
        out = await bench.client.post("/auth/logout", headers=bearer(second["access_token"]))
        assert out.status_code == 204
        await _session_is_over(bench, first, second)


async def test_the_database_holds_no_token_and_nothing_that_derives_one(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        first = await bench.signed_in(PATEL)
        second = await _refresh(bench, first["refresh_token"])
        with sqlite3.connect(fresh_db) as conn:
            rows = conn.execute("SELECT * FROM retired_refresh_tokens").fetchall()
            rows += conn.execute("SELECT * FROM sessions").fetchall()
        stored = {str(value) for row in rows for value in row}
        for token in (*first.values(), *second.values()):
            assert not isinstance(token, str) or token not in stored
