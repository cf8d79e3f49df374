"""The default sandbox database stays believable as days pass: demo data seeded for another day is seeded
again for today, in place, so "due", "past due", "overdue" and renewal offers mean what they meant on the
seed's day, and what the user did (holder requests, remembered devices, enrollments, sessions) is kept.
(Once a database installed a week earlier showed fresh requests as overdue and installments as past due.)"""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from auth_fixtures import auth_bench
from sandbox_harness import SEED_TODAY, copy_db

from ssp_tui.sandbox import db
from ssp_tui.sandbox.rebase import _MIXED_KEYS, _REPLACED_TABLES, rebase_to
from ssp_tui.sandbox.seed_model import TABLE_COLUMNS

PATEL = "dr.patel"
LATER = SEED_TODAY + timedelta(days=1)


def _rows(conn: sqlite3.Connection, table: str, where: str = "") -> list[tuple[object, ...]]:
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[table])
    return sorted(tuple(r) for r in conn.execute(f"SELECT {columns} FROM {table} {where}"))


@pytest.fixture(scope="module")
def seeded_later(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database seeded afresh for the later day: what the re-dated one must hold."""
    return db.create_and_seed(tmp_path_factory.mktemp("later") / "later.sqlite3", today=LATER)


async def test_redated_demo_data_is_exactly_todays_and_the_users_own_is_kept(
    sandbox_template_db: Path, seeded_later: Path, tmp_path: Path
) -> None:
    path = copy_db(sandbox_template_db, tmp_path / "sandbox.sqlite3")
    async with auth_bench(path) as bench:
        # What a user does on the seed's day: sign in remembering the device, file a holder request.
        session = await bench.signed_in(PATEL, remember_device=True)
        device = session["device_token"]
        auth = {"Authorization": f"Bearer {session['access_token']}"}
        with sqlite3.connect(path) as conn:
            policy_id, insured_id = conn.execute(
                "SELECT p.id, pi.insured_id FROM users u JOIN policies p ON p.customer_id = u.customer_id "
                "JOIN policy_insureds pi ON pi.policy_id = p.id WHERE u.username = ? LIMIT 1",
                [PATEL],
            ).fetchone()
        body = {
            "policy_id": policy_id,
            "insured_id": insured_id,
            "holder_name": "Mercy Regional Credentialing",
            "address": "1 Main Street",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95819",
        }
        filed = await bench.client.post(
            "/credentialing/holder-requests", json=body, headers={**auth, "Idempotency-Key": "mine-1"}
        )
        assert filed.status_code == 201, filed.text
        mine = filed.json()["id"]

        conn = db.connect(path)
        try:
            report = rebase_to(conn, LATER)
            assert report is not None and (report.from_day, report.to_day) == (SEED_TODAY, LATER)
            assert report.kept_requests == 1 and "1 certificate-holder request" in report.describe()
            assert rebase_to(conn, LATER) is None  # done once; a second starter finds it done
            fresh = db.connect(seeded_later)
            for table in _REPLACED_TABLES:
                assert _rows(conn, table) == _rows(fresh, table), table
            # Tables the seed shares with users: today's seeded rows, and the user's own besides.
            for table in _MIXED_KEYS:
                assert set(_rows(fresh, table)) <= set(_rows(conn, table)), table
            mine_now = set(_rows(conn, "device_tokens")) - set(_rows(fresh, "device_tokens"))
            assert len(mine_now) == 1  # the device remembered above; the old day's seeded ones are gone
            seeded_requests = "WHERE idempotency_key IS NULL"
            assert _rows(conn, "holder_requests", seeded_requests) == _rows(fresh, "holder_requests")
            profile = "SELECT id, display_name, role, last_login, locked_at FROM users ORDER BY id"
            assert conn.execute(profile).fetchall() == fresh.execute(profile).fetchall()
            assert db.meta(conn)["today"] == LATER.isoformat()
            assert conn.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 0
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            fresh.close()
        finally:
            conn.close()

        # The next day, on the re-dated data: the remembered device still skips MFA, the request is there.
        bench.clock.advance(24 * 3600)
        again = await bench.login(PATEL, device_token=device)
        assert again.json()["state"] == "authenticated", again.text
        auth = {"Authorization": f"Bearer {again.json()['session']['access_token']}"}
        listed = await bench.client.get("/credentialing/holder-requests", headers=auth)
        assert mine in {item["id"] for item in listed.json()["items"]}


def test_only_the_default_database_is_redated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old: date = SEED_TODAY - timedelta(days=9)  # the suite's clock reads the seed's day
    default = db.create_and_seed(db.default_db_path(), today=old)
    named = db.create_and_seed(tmp_path / "named.sqlite3", today=old)
    with caplog.at_level(logging.WARNING, logger="ssp_tui.sandbox.db"):
        for path, day in ((default, SEED_TODAY), (named, old)):
            conn = db.open_db(path)
            try:
                assert db.meta(conn)["today"] == day.isoformat()
            finally:
                conn.close()
    assert [r.getMessage() for r in caplog.records if "seeded again" in r.getMessage()] != []
