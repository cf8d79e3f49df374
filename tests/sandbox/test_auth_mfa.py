"""MFA as the portal does it: TOTP with one step of drift and no replay, enrollment, single-use SMS and voice
codes bound to their factor, remember-device. Throttling: test_auth_throttle.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyotp
from auth_fixtures import auth_bench

from ssp_tui.api.constants import MFA_CODE_TTL_S
from ssp_tui.sandbox.auth_tokens import SecurityPolicy

PATEL = "dr.patel"
KIM = "dr.kim"  # never enrolled MFA


def outbox_codes(db_path: Path, username: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT factor, code FROM outbox WHERE username = ? ORDER BY id", [username]
        ).fetchall()


async def test_password_step_offers_every_factor_with_a_masked_phone(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        answer = await bench.login(PATEL)
        body = answer.json()
        assert answer.status_code == 200
        assert body["state"] == "mfa_required"
        assert body["factors"] == ["totp", "sms", "voice"]
        assert body["phone_hint"].startswith("***-***-") and len(body["phone_hint"]) == 12
        assert "session" not in body


async def test_unknown_user_and_wrong_password_get_the_same_answer(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        unknown = await bench.client.post("/auth/login", json={"username": "nobody.here", "password": "x"})
        wrong = await bench.login(PATEL, password="not-the-password")
        assert unknown.status_code == wrong.status_code == 401
        assert unknown.json() == wrong.json()
        assert unknown.headers["content-type"] == "application/problem+json"


async def test_totp_code_is_accepted_once_only(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        code = bench.totp(PATEL)
        first = await bench.verify(await bench.challenge(PATEL), code)
        assert first.status_code == 200
        replay = await bench.verify(await bench.challenge(PATEL), code)
        assert replay.status_code == 401
        bench.clock.advance(30)
        later = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL))
        assert later.status_code == 200


async def test_totp_allows_one_step_of_drift_and_never_an_older_step(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        too_old = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL, -2))
        assert too_old.status_code == 401
        behind = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL, -1))
        assert behind.status_code == 200
        ahead = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL, +1))
        assert ahead.status_code == 200
        # The current step is older than the last accepted one now: refused, though its code was never used.
        current = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL, 0))
        assert current.status_code == 401


async def test_enrollment_stores_the_secret_and_then_requires_it(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        answer = await bench.login(KIM)
        body = answer.json()
        assert body["state"] == "enroll_totp" and body["factors"] == ["totp"]
        totp = pyotp.parse_uri(body["otpauth_uri"])
        assert totp.name == KIM
        sms = await bench.client.post(
            "/auth/mfa/send", json={"mfa_token": body["mfa_token"], "factor": "sms"}
        )
        assert sms.status_code == 422
        wrong = await bench.verify(
            body["mfa_token"], "000000" if totp.at(bench.clock.now) != "000000" else "111111"
        )
        assert wrong.status_code == 401
        enrolled = await bench.verify(body["mfa_token"], totp.at(bench.clock.now))
        assert enrolled.status_code == 200
        assert enrolled.json()["user"]["username"] == KIM

        bench.clock.advance(30)
        again = (await bench.login(KIM)).json()
        assert again["state"] == "mfa_required"
        assert (await bench.verify(again["mfa_token"], totp.at(bench.clock.now))).status_code == 200


async def test_sms_code_is_single_use_and_bound_to_its_factor(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        token = await bench.challenge(PATEL)
        sent = await bench.client.post("/auth/mfa/send", json={"mfa_token": token, "factor": "sms"})
        assert sent.status_code == 202
        assert sent.json()["sent_to"].startswith("***-***-")
        assert sent.json()["expires_in"] == MFA_CODE_TTL_S
        [(factor, code)] = outbox_codes(bench.db_path, PATEL)
        assert factor == "sms" and len(code) == 6 and code.isdigit()
        as_voice = await bench.verify(token, code, factor="voice")
        assert as_voice.status_code == 422
        assert "text message" in as_voice.json()["detail"]
        accepted = await bench.verify(token, code, factor="sms")
        assert accepted.status_code == 200
        reused = await bench.verify(await bench.challenge(PATEL), code, factor="sms")
        assert reused.status_code == 401


async def test_voice_code_expires_and_only_the_latest_code_counts(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        token = await bench.challenge(PATEL)
        for _ in range(2):
            assert (
                await bench.client.post("/auth/mfa/send", json={"mfa_token": token, "factor": "voice"})
            ).status_code == 202
        (_, first), (_, second) = outbox_codes(bench.db_path, PATEL)
        if first != second:
            assert (await bench.verify(token, first, factor="voice")).status_code == 401
        bench.clock.advance(MFA_CODE_TTL_S + 1)
        assert (await bench.verify(token, second, factor="voice")).status_code == 401


async def test_remember_device_skips_only_the_mfa_step(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL, remember_device=True)
        device = session["device_token"]
        assert device and len(device) >= 43
        remembered = (await bench.login(PATEL, device_token=device)).json()
        assert remembered["state"] == "authenticated"
        assert remembered["session"]["user"]["username"] == PATEL
        wrong_password = await bench.login(PATEL, password="wrong", device_token=device)
        assert wrong_password.status_code == 401
        other_user = (await bench.login("office.lakes", device_token=device)).json()
        assert other_user["state"] == "mfa_required"
        bench.clock.advance(31 * 86400)
        expired = (await bench.login(PATEL, device_token=device)).json()
        assert expired["state"] == "mfa_required"


async def test_a_challenge_dies_after_too_many_wrong_codes(fresh_db: Path) -> None:
    async with auth_bench(fresh_db, SecurityPolicy(challenge_max_failures=2)) as bench:
        token = await bench.challenge(PATEL)
        wrong = "000000" if bench.totp(PATEL) != "000000" else "111111"
        assert [(await bench.verify(token, wrong)).status_code for _ in range(2)] == [401, 401]
        assert (await bench.verify(token, bench.totp(PATEL))).status_code == 401


async def test_after_a_text_message_the_authenticator_code_is_not_accepted(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        token = await bench.challenge(PATEL)
        sent = await bench.client.post("/auth/mfa/send", json={"mfa_token": token, "factor": "sms"})
        assert sent.status_code == 202
        instead = await bench.verify(token, bench.totp(PATEL))
        assert instead.status_code == 422
        assert instead.json()["errors"][0]["field"] == "factor"
        [(_, code)] = outbox_codes(bench.db_path, PATEL)
        assert (await bench.verify(token, code, factor="sms")).status_code == 200
