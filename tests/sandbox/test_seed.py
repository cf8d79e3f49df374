"""The seeded sandbox: deterministic, referentially sound, with every demo login and triage case."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from seeded_db import TODAY, scalar, seeded_connection

from ssp_tui.api.models.common import Role
from ssp_tui.sandbox.db import SCHEMA_VERSION, create_and_seed, demo_accounts
from ssp_tui.sandbox.passwords import verify_password
from ssp_tui.sandbox.seed import build_rows
from ssp_tui.sandbox.seed_catalog import NORCAL, NORCAL_SPECIALTY


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    connection = seeded_connection(tmp_path_factory.mktemp("seed"))
    yield connection
    connection.close()


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as c:
        return list(c.iterdump())


def test_same_seed_same_database_and_another_seed_differs(tmp_path: Path, conn: sqlite3.Connection) -> None:
    first, second, other = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "c.sqlite3"
    create_and_seed(first, seed=7, today=TODAY)
    create_and_seed(second, seed=7, today=TODAY)
    create_and_seed(other, seed=8, today=TODAY)
    assert dump(first) == dump(second)
    assert dump(first) != dump(other)
    ids = {r[0] for r in sqlite3.connect(first).execute("SELECT id FROM policies")}
    assert ids.isdisjoint({r[0] for r in sqlite3.connect(other).execute("SELECT id FROM policies")})


def test_meta_records_how_it_was_built(conn: sqlite3.Connection) -> None:
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta == {"schema_version": SCHEMA_VERSION, "seed": "1", "scale": "1", "today": "2026-11-28"}


def test_referential_integrity(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Columns without a declared foreign key must still point at real, consistent rows.
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM claims c LEFT JOIN policy_insureds pi "
            "ON pi.policy_id = c.policy_id AND pi.insured_id = c.insured_id WHERE pi.policy_id IS NULL",
        )
        == 0
    )
    assert (
        scalar(
            conn,
            """SELECT count(*) FROM holder_requests h
        LEFT JOIN policies p ON p.id = h.policy_id AND p.customer_id = h.customer_id
        LEFT JOIN policy_insureds pi ON pi.policy_id = h.policy_id AND pi.insured_id = h.insured_id
        JOIN users u ON u.id = h.user_id
        WHERE p.id IS NULL OR pi.policy_id IS NULL OR u.customer_id IS NOT h.customer_id""",
        )
        == 0
    )
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM seminar_activity s LEFT JOIN policies p "
            "ON p.policy_number = s.policy_number AND p.customer_id = s.customer_id WHERE p.id IS NULL",
        )
        == 0
    )
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM policies p JOIN billing_accounts b ON b.id = p.billing_account_id "
            "WHERE b.customer_id != p.customer_id OR b.insurer != p.insurer",
        )
        == 0
    )


def test_demo_accounts_order_roles_and_passwords(conn: sqlite3.Connection) -> None:
    accounts = demo_accounts(conn)
    assert accounts[0].username == "dr.patel" and accounts[0].role is Role.POLICYHOLDER
    assert {a.role for a in accounts} == set(Role)
    assert all(a.note and a.password and a.password.lower() != "password" for a in accounts)
    assert len({a.username for a in accounts}) == len(accounts)
    users = {r["username"]: r for r in conn.execute("SELECT * FROM users WHERE demo_password IS NOT NULL")}
    assert set(users) == {a.username for a in accounts}
    for account in accounts[:2]:  # hashing is the slow part; the rest share the code path
        assert verify_password(account.password, users[account.username]["password_hash"])
    assert not verify_password(accounts[1].password, users[accounts[0].username]["password_hash"])
    policyholders = [a for a in accounts if a.role is Role.POLICYHOLDER]
    assert users[policyholders[0].username]["customer_id"] != users[policyholders[1].username]["customer_id"]
    agents = [users[a.username] for a in accounts if a.role is Role.AGENT]
    assert len({a["agency_id"] for a in agents}) >= 2
    for agent in agents:
        assert scalar(conn, "SELECT count(*) FROM customers WHERE agency_id = ?", agent["agency_id"]) >= 3


def test_insured_logins_sit_on_the_second_policyholders_group_policy(conn: sqlite3.Connection) -> None:
    accounts = demo_accounts(conn)
    second_policyholder = [a for a in accounts if a.role is Role.POLICYHOLDER][1]
    customer_id = scalar(
        conn, "SELECT customer_id FROM users WHERE username = ?", second_policyholder.username
    )
    insureds = conn.execute(
        "SELECT * FROM users WHERE role = 'insured' AND demo_password IS NOT NULL"
    ).fetchall()
    assert len(insureds) >= 2
    for user in insureds:
        assert user["insured_id"] and user["customer_id"] == customer_id
        on_group_policy = scalar(
            conn,
            """SELECT count(*) FROM policy_insureds pi
            JOIN policies p ON p.id = pi.policy_id JOIN customers c ON c.id = p.customer_id
            WHERE pi.insured_id = ? AND c.kind = 'group'""",
            user["insured_id"],
        )
        assert on_group_policy == 1
    # Claims histories to show: an insured with claims, a clean one, and a colleague whose letter is offline.
    claims = dict(
        conn.execute(
            "SELECT u.username, count(c.id) FROM users u LEFT JOIN claims c ON c.insured_id = u.insured_id "
            "WHERE u.username IN ('dr.nguyen', 'dr.okafor') GROUP BY u.username"
        ).fetchall()
    )
    assert claims == {"dr.nguyen": 2, "dr.okafor": 0}
    unavailable = "SELECT count(*) FROM insureds WHERE customer_id = ? AND claims_history_available = 0"
    assert scalar(conn, unavailable, customer_id) >= 1


def test_first_policyholder_pays_norcal_online_and_has_documents(conn: sqlite3.Connection) -> None:
    customer_id = scalar(
        conn, "SELECT customer_id FROM users WHERE username = ?", demo_accounts(conn)[0].username
    )
    account = conn.execute("SELECT * FROM billing_accounts WHERE customer_id = ?", (customer_id,)).fetchall()
    assert any(a["insurer"] in (NORCAL, NORCAL_SPECIALTY) and a["can_pay_online"] == 1 for a in account)
    assert (
        len(
            conn.execute(
                "SELECT id FROM policies WHERE billing_account_id = ?", (account[0]["id"],)
            ).fetchall()
        )
        >= 2
    )
    for policy in conn.execute("SELECT id FROM policies WHERE customer_id = ?", (customer_id,)):
        count = scalar(
            conn, "SELECT count(*) FROM documents WHERE policy_id = ? AND term = 'current'", policy["id"]
        )
        assert count >= 3
    statuses = {
        r[0]
        for r in conn.execute(
            "SELECT status FROM installments WHERE account_id = ? AND term = 'current'", (account[0]["id"],)
        )
    }
    assert "due" in statuses and "past_due" not in statuses


def test_triage_cases_are_present(conn: sqlite3.Connection) -> None:
    def demo_customer(username: str) -> str:
        return str(scalar(conn, "SELECT customer_id FROM users WHERE username = ?", username))

    past_due = demo_customer("billing.coastal")
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM installments i JOIN billing_accounts b ON b.id = i.account_id "
            "WHERE b.customer_id = ? AND i.status = 'past_due'",
            past_due,
        )
        >= 1
    )
    assert scalar(conn, "SELECT locked_at IS NOT NULL FROM users WHERE username = 'dr.lopez'") == 1
    assert (
        scalar(conn, "SELECT totp_secret IS NULL AND last_login IS NULL FROM users WHERE username = 'dr.kim'")
        == 1
    )
    overdue_before = (datetime(2026, 11, 28) - timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM holder_requests WHERE customer_id = ? AND "
            "status IN ('submitted', 'in_review') AND submitted_at < ?",
            demo_customer("credentialing.mercy"),
            overdue_before,
        )
        >= 1
    )
    cancelled = conn.execute(
        "SELECT * FROM policies WHERE customer_id = ? AND status = 'cancelled'", (demo_customer("dr.abbott"),)
    ).fetchall()
    assert len(cancelled) == 1 and cancelled[0]["cancelled_on"] < "2026-11-28"
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM documents WHERE policy_id = ? AND type = 'cancellation_notice'",
            cancelled[0]["id"],
        )
        == 1
    )
    # The paying policyholder and the insureds' customer stay clean, so each flag is attributable.
    for username in ("dr.patel", "office.lakes"):
        assert (
            scalar(
                conn,
                "SELECT count(*) FROM installments i JOIN billing_accounts b ON b.id = i.account_id "
                "WHERE b.customer_id = ? AND i.status = 'past_due'",
                demo_customer(username),
            )
            == 0
        )


@pytest.mark.slow
def test_scale_100_volumes() -> None:
    """Row counts only (no database): at scale 100 the benchmarks need these volumes."""
    started = time.perf_counter()
    rows = build_rows(1, 100, TODAY)
    print(f"scale 100 rows built in {time.perf_counter() - started:.2f} s")
    assert len(rows["policies"]) >= 5_000
    assert len(rows["seminar_activity"]) >= 100_000
    assert len(rows["documents"]) >= 20_000
    ids = [r[0] for r in rows["documents"]]
    assert len(set(ids)) == len(ids)
