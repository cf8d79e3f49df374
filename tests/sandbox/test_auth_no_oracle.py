"""A stranger learns nothing from the sign-in step: an unknown username answers exactly like a known one
(status, body and every header), costs the portal exactly the same password-hashing work (so no timing
difference), and attempts fired at once from one client cannot outrun the client's count either.

Work is counted, not timed: every scrypt call made while answering is recorded with its cost parameters."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from auth_fixtures import AuthBench, auth_bench

from ssp_tui.sandbox import passwords
from ssp_tui.sandbox.auth_tokens import SecurityPolicy
from ssp_tui.sandbox.http_io import utc_text

PATEL = "dr.patel"
STRANGER = "nobody.here"
SMALL = SecurityPolicy(free_failures_per_username=2, first_delay_s=10, max_delay_s=40)
SCRYPT_CALL = (passwords.SCRYPT_N, passwords.SCRYPT_R, passwords.SCRYPT_P)


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int, int]]]:
    """Every scrypt computation from now on, as (N, r, p)."""
    calls: list[tuple[int, int, int]] = []
    real = passwords._scrypt

    def counted(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
        calls.append((n, r, p))
        return real(password, salt, n, r, p, length)

    monkeypatch.setattr(passwords, "_scrypt", counted)
    yield calls


def seen(response: httpx2.Response) -> tuple[int, dict[str, str], bytes]:
    """Everything a caller sees of an answer but the Date header."""
    headers = {name: value for name, value in response.headers.items() if name.lower() != "date"}
    return response.status_code, headers, response.content


async def wrong(bench: AuthBench, username: str, client: httpx2.AsyncClient | None = None) -> httpx2.Response:
    return await (client or bench.client).post(
        "/auth/login", json={"username": username, "password": "not-the-password"}
    )


async def test_unknown_and_known_usernames_get_the_same_status_body_and_headers_at_every_step(
    fresh_db: Path,
) -> None:
    async with auth_bench(fresh_db, SMALL) as bench:
        known = [seen(await wrong(bench, PATEL)) for _ in range(4)]
        async with bench.client_from("198.51.100.9") as other_client:
            unknown = [seen(await wrong(bench, STRANGER, other_client)) for _ in range(4)]
        assert [status for status, _, _ in known] == [401, 401, 429, 429]
        assert known == unknown
        bench.clock.advance(10)  # the holds end by themselves, for both alike
        assert seen(await wrong(bench, PATEL)) == seen(await wrong(bench, STRANGER))


async def test_a_login_on_hold_tells_a_stranger_nothing(fresh_db: Path) -> None:
    """Only the right password learns of a hold (423, with when it ends); a wrong one answers like a
    stranger's, header for header."""
    async with auth_bench(fresh_db) as bench:
        with sqlite3.connect(fresh_db) as conn:
            hold = [utc_text(bench.clock.now), PATEL]
            conn.execute("UPDATE users SET locked_at = ? WHERE username = ?", hold)
        assert seen(await wrong(bench, PATEL)) == seen(await wrong(bench, STRANGER))
        held = await bench.login(PATEL)
        assert held.status_code == 423 and "unlocks by itself at" in held.json()["detail"]


async def test_every_sign_in_attempt_costs_one_scrypt_of_the_same_cost(
    fresh_db: Path, scrypt_calls: list[tuple[int, int, int]]
) -> None:
    """The first attempt for an unknown username once also made the decoy hash (two scrypts instead of
    one): a timing difference a stranger could measure right after the portal started."""
    async with auth_bench(fresh_db) as bench:
        for username in (STRANGER, "another.stranger", PATEL):
            scrypt_calls.clear()
            assert (await wrong(bench, username)).status_code == 401
            assert scrypt_calls == [SCRYPT_CALL], username
        scrypt_calls.clear()
        assert (await bench.login(PATEL)).status_code == 200
        assert scrypt_calls == [SCRYPT_CALL]


def test_every_stored_password_costs_what_the_decoy_costs(fresh_db: Path) -> None:
    """Known usernames, seeded or background, all verify at the decoy's cost (else their timing differs)."""
    with sqlite3.connect(fresh_db) as conn:
        costs = {tuple(row[0].split("$")[1:4]) for row in conn.execute("SELECT password_hash FROM users")}
    assert costs == {tuple(str(part) for part in SCRYPT_CALL)}


async def test_guesses_from_one_client_fired_at_once_cannot_outrun_its_count(fresh_db: Path) -> None:
    """Many usernames at once from one address: only the client's allowance is evaluated."""
    policy = SecurityPolicy(free_failures_per_client=4, first_delay_s=60)
    async with auth_bench(fresh_db, policy) as bench:
        answers = await asyncio.gather(*(wrong(bench, f"guess{n}") for n in range(10)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [401] * 4 + [429] * 6, statuses
