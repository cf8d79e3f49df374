"""Failed sign-ins are throttled (NIST SP 800-63B 5.2.2, OWASP): per username and per client, with growing
delays that end by themselves, the same for unknown and known usernames, counted atomically (attempts fired
at once cannot outrun the count), and never ending a session that is already signed in.

Time moves with the bench's injected clock; nothing sleeps."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx2
from auth_fixtures import AuthBench, auth_bench

from ssp_tui.sandbox.auth_tokens import SecurityPolicy
from ssp_tui.sandbox.http_io import utc_text

PATEL = "dr.patel"
SMALL = SecurityPolicy(free_failures_per_username=3, first_delay_s=10, max_delay_s=40)


async def wrong(
    bench: AuthBench, username: str = PATEL, client: httpx2.AsyncClient | None = None
) -> httpx2.Response:
    body = {"username": username, "password": "not-the-password"}
    return await (client or bench.client).post("/auth/login", json=body)


def answer_of(response: httpx2.Response) -> tuple[int, str | None, dict]:
    return response.status_code, response.headers.get("retry-after"), response.json()


async def test_failures_past_the_allowance_hold_the_username_back_with_growing_delays(fresh_db: Path) -> None:
    async with auth_bench(fresh_db, SMALL) as bench:
        assert [(await wrong(bench)).status_code for _ in range(3)] == [401, 401, 401]
        held = await wrong(bench)
        assert held.status_code == 429
        assert held.headers["retry-after"] == "10"
        assert held.json()["retry_after"] == 10
        assert "the hold ends by itself at 15:00:15 UTC" in held.json()["detail"]
        # Even the right password waits: nothing is evaluated during a hold.
        assert (await bench.login(PATEL)).status_code == 429
        bench.clock.advance(10)
        assert (await wrong(bench)).status_code == 401
        assert (await wrong(bench)).headers["retry-after"] == "20"  # doubled
        bench.clock.advance(20)
        assert (await wrong(bench)).status_code == 401
        assert (await wrong(bench)).headers["retry-after"] == "40"
        bench.clock.advance(40)
        assert (await wrong(bench)).status_code == 401
        assert (await wrong(bench)).headers["retry-after"] == "40"  # capped
        bench.clock.advance(40)
        # The hold ended by itself; the right password gets in and starts the count afresh.
        assert (await bench.login(PATEL)).json()["state"] == "mfa_required"
        assert [(await wrong(bench)).status_code for _ in range(3)] == [401, 401, 401]


async def test_an_unknown_username_answers_exactly_like_a_known_one_at_every_step(fresh_db: Path) -> None:
    async with auth_bench(fresh_db, SMALL) as bench:
        known = [answer_of(await wrong(bench, PATEL)) for _ in range(5)]
        unknown = [answer_of(await wrong(bench, "nobody.here")) for _ in range(5)]
        assert known == unknown
        assert [status for status, _, _ in known] == [401, 401, 401, 429, 429]
        bench.clock.advance(10)
        assert answer_of(await wrong(bench, PATEL)) == answer_of(await wrong(bench, "nobody.here"))


async def test_another_username_is_not_held_back(fresh_db: Path) -> None:
    async with auth_bench(fresh_db, SMALL) as bench:
        for _ in range(4):
            await wrong(bench)
        assert (await wrong(bench)).status_code == 429
        assert (await bench.login("office.lakes")).json()["state"] == "mfa_required"


async def test_one_client_guessing_many_usernames_is_held_back_but_not_other_clients(fresh_db: Path) -> None:
    policy = SecurityPolicy(free_failures_per_client=4, first_delay_s=10)
    async with auth_bench(fresh_db, policy) as bench:
        statuses = [(await wrong(bench, f"user{n}")).status_code for n in range(5)]
        assert statuses == [401] * 4 + [429]
        assert (await bench.login(PATEL)).status_code == 429
        async with bench.client_from("198.51.100.20") as elsewhere:
            assert (await wrong(bench, "user9", client=elsewhere)).status_code == 401


async def test_attempts_fired_at_once_cannot_outrun_the_count(fresh_db: Path) -> None:
    policy = SecurityPolicy(free_failures_per_username=5, first_delay_s=60)
    async with auth_bench(fresh_db, policy) as bench:
        attempts = [wrong(bench) for _ in range(8)] + [bench.login(PATEL)]
        answers = await asyncio.gather(*attempts)
        statuses = [a.status_code for a in answers]
        # Exactly the allowance was evaluated; every other attempt was refused before its password was read.
        assert len([s for s in statuses if s != 429]) == 5, statuses
        assert set(statuses) <= {200, 401, 429}
        with sqlite3.connect(bench.db_path) as conn:
            row = conn.execute("SELECT failures FROM login_throttle WHERE key = 'user:dr.patel'").fetchone()
        assert row is None or row[0] <= 5


async def test_failures_never_end_a_signed_in_session(fresh_db: Path) -> None:
    async with auth_bench(fresh_db, SMALL) as bench:
        session = await bench.signed_in(PATEL)
        for _ in range(10):
            await wrong(bench)
            bench.clock.advance(5)
        me = await bench.client.get("/me", headers={"Authorization": f"Bearer {session['access_token']}"})
        assert me.status_code == 200
        refreshed = await bench.client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert refreshed.status_code == 200


async def test_wrong_codes_count_toward_the_usernames_throttle(fresh_db: Path) -> None:
    async with auth_bench(fresh_db, SMALL) as bench:
        token = await bench.challenge(PATEL)
        code = "000000" if bench.totp(PATEL) != "000000" else "111111"
        assert [(await bench.verify(token, code)).status_code for _ in range(3)] == [401, 401, 401]
        assert (await bench.login(PATEL)).status_code == 429


async def test_a_login_on_hold_unlocks_by_itself_and_only_the_right_password_learns_of_it(
    fresh_db: Path,
) -> None:
    policy = SecurityPolicy(lock_hold_s=1800)
    async with auth_bench(fresh_db, policy) as bench:
        with sqlite3.connect(fresh_db) as conn:
            conn.execute(
                "UPDATE users SET locked_at = ? WHERE username = ?", [utc_text(bench.clock.now), PATEL]
            )
        assert answer_of(await wrong(bench, PATEL))[::2] == answer_of(await wrong(bench, "nobody.here"))[::2]
        held = await bench.login(PATEL)
        assert held.status_code == 423
        assert held.headers["retry-after"] == "1800"
        assert "unlocks by itself at 2026-11-28 15:30 UTC" in held.json()["detail"]
        bench.clock.advance(1800)
        assert (await bench.login(PATEL)).json()["state"] == "mfa_required"
