"""The MFA Support page: factors, a new phone proven by a code, a new authenticator that replaces the old only
once confirmed, and remembered devices listed and revoked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyotp
from auth_fixtures import AuthBench, auth_bench

from ssp_tui.operations.authenticator import totp_secret_from_uri

PATEL = "dr.patel"


def outbox(db_path: Path, username: str) -> list[sqlite3.Row]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM outbox WHERE username = ? ORDER BY id", [username]).fetchall()


async def signed_in(bench: AuthBench, username: str = PATEL) -> dict[str, str]:
    session = await bench.signed_in(username, remember_device=True)
    return {"Authorization": f"Bearer {session['access_token']}"}


async def test_factors_and_a_new_phone_proven_by_its_code(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        me = await signed_in(bench)
        status = (await bench.client.get("/account/mfa", headers=me)).json()
        assert status["factors"] == ["totp", "sms", "voice"] and status["totp_enrolled"]
        old_hint = status["phone_hint"]
        bad = await bench.client.post("/account/mfa/phone", headers=me, json={"phone": "916-555-01"})
        assert bad.status_code == 422
        started = await bench.client.post(
            "/account/mfa/phone", headers=me, json={"phone": "(916) 555-0199", "factor": "voice"}
        )
        assert started.status_code == 202 and started.json()["sent_to"] == "***-***-0199"
        sent = outbox(fresh_db, PATEL)[-1]
        assert (sent["factor"], sent["address"]) == ("voice", "***-***-0199")
        token = started.json()["change_token"]
        wrong = await bench.client.post(
            "/account/mfa/phone/confirm", headers=me, json={"change_token": token, "code": "000000"}
        )
        assert wrong.status_code == 422 or sent["code"] == "000000"
        assert (await bench.client.get("/account/mfa", headers=me)).json()["phone_hint"] == old_hint
        stranger = await signed_in(bench, "agent.rivera")
        theirs = await bench.client.post(
            "/account/mfa/phone/confirm", headers=stranger, json={"change_token": token, "code": sent["code"]}
        )
        assert theirs.status_code == 404, "a change token is only its owner's"
        done = await bench.client.post(
            "/account/mfa/phone/confirm", headers=me, json={"change_token": token, "code": sent["code"]}
        )
        assert done.status_code == 200 and done.json()["phone_hint"] == "***-***-0199"
        assert outbox(fresh_db, PATEL)[-1]["subject"] == "Your sign-in phone number changed"
        login = await bench.login(PATEL)
        assert login.json()["phone_hint"] == "***-***-0199"


async def test_the_old_authenticator_works_until_the_new_one_is_confirmed(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        me = await signed_in(bench)
        started = await bench.client.post("/account/mfa/totp", headers=me)
        assert started.status_code == 201
        new_secret = totp_secret_from_uri(started.json()["otpauth_uri"])
        assert (await bench.client.get("/account/mfa", headers=me)).json()["totp_reenrollment_pending"]
        bench.clock.advance(30)
        still_old = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL))
        assert still_old.status_code == 200, "the old secret signs in while the new one waits"
        bench.clock.advance(30)
        wrong = await bench.client.post(
            "/account/mfa/totp/confirm",
            headers=me,
            json={"enrollment_token": started.json()["enrollment_token"], "code": bench.totp(PATEL)},
        )
        assert wrong.status_code == 422, "a code of the old secret does not confirm the new one"
        confirmed = await bench.client.post(
            "/account/mfa/totp/confirm",
            headers=me,
            json={
                "enrollment_token": started.json()["enrollment_token"],
                "code": pyotp.TOTP(new_secret).at(bench.clock.now),
            },
        )
        assert confirmed.status_code == 200 and not confirmed.json()["totp_reenrollment_pending"]
        bench.clock.advance(30)
        old = await bench.verify(await bench.challenge(PATEL), bench.totp(PATEL))
        assert old.status_code == 401
        bench.clock.advance(30)
        new = await bench.verify(await bench.challenge(PATEL), pyotp.TOTP(new_secret).at(bench.clock.now))
        assert new.status_code == 200


async def test_remembered_devices_are_listed_and_a_revoked_one_asks_for_a_code(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(PATEL, remember_device=True)
        me = {"Authorization": f"Bearer {session['access_token']}"}
        devices = (await bench.client.get("/account/devices", headers=me)).json()["items"]
        labels = [d["label"] for d in devices]
        assert any(label.endswith("from 203.0.113.7") for label in labels)
        assert {"Chrome 131 on Windows from 73.162.18.40", "Safari on iPhone from 172.58.96.11"} <= set(
            labels
        )
        bench.clock.advance(60)
        skipped = await bench.login(PATEL, device_token=session["device_token"])
        assert skipped.json()["state"] == "authenticated"
        mine = next(d for d in devices if d["label"].endswith("from 203.0.113.7"))
        listed = (await bench.client.get("/account/devices", headers=me)).json()["items"]
        assert next(d for d in listed if d["id"] == mine["id"])["last_used_at"] is not None
        assert (await bench.client.delete(f"/account/devices/{mine['id']}", headers=me)).status_code == 204
        again = await bench.login(PATEL, device_token=session["device_token"])
        assert again.json()["state"] == "mfa_required"
        assert (await bench.client.delete(f"/account/devices/{mine['id']}", headers=me)).status_code == 404
