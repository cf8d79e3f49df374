"""Support reads every account and changes nothing: every route that writes (taken from the contract, so a
new one is covered the day it is added) answers 403 to support, with real ids and a valid body, and the
database is exactly as it was; methods the contract does not list answer 405 to everyone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auth_fixtures import auth_bench

from ssp_tui.api.constants import IDEMPOTENCY_HEADER
from ssp_tui.api.contract import ROUTES

SUPPORT = "support.morgan"
SIGN_IN_ROUTES = {"login", "mfa_send", "mfa_verify", "refresh", "logout"}
"""The caller's own sign-in and sign-out: not a change to any account."""
OWN_SECURITY_PREFIX = "/account/"
"""The caller's own MFA phone, authenticator and remembered devices: support staff keep their own sign-in
working; no customer's data changes. (Registration and recovery are public: they act on what an email
proves, not on the caller's session, so no role applies.)"""
WRITES = [
    route
    for route in ROUTES
    if route.method != "GET"
    and route.name not in SIGN_IN_ROUTES
    and not route.public
    and not route.path.startswith(OWN_SECURITY_PREFIX)
]


def database_contents(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the caller's own sign-in bookkeeping."""
    own = {"sessions", "mfa_challenges", "mfa_codes", "login_throttle", "remembered_devices", "outbox"}
    with sqlite3.connect(db_path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
            if table not in own and not table.startswith("sqlite_")
        }


def real_ids(db_path: Path) -> dict[str, object]:
    """Ids of an account that can pay online and owes money, so only the role could stop the write."""
    with sqlite3.connect(db_path) as conn:
        policy, account, insured = conn.execute(
            "SELECT p.id, b.id, pi.insured_id FROM policies p "
            "JOIN billing_accounts b ON b.id = p.billing_account_id "
            "JOIN policy_insureds pi ON pi.policy_id = p.id "
            "WHERE b.can_pay_online = 1 AND p.status = 'active' ORDER BY p.id LIMIT 1"
        ).fetchone()
    return {"policy": policy, "account": account, "insured": insured}


def test_the_contract_has_writes_to_refuse() -> None:
    assert {route.name for route in WRITES} >= {
        "billing_account_pay_link",
        "billing_policy_pay_link",
        "create_holder_request",
        "create_change_request",
    }


async def test_support_is_refused_every_write_and_nothing_changes(fresh_db: Path) -> None:
    ids = real_ids(fresh_db)
    bodies = {
        "create_holder_request": {
            "policy_id": ids["policy"],
            "insured_id": ids["insured"],
            "holder_name": "Mercy General",
            "address": "1 Main St",
            "city": "Fresno",
            "state": "CA",
            "zip": "93701",
        },
        "create_change_request": {
            "policy_id": ids["policy"],
            "change": {"kind": "other", "description": "Add our new office"},
        },
    }
    path_ids = {
        "billing_account_pay_link": ids["account"],
        "billing_policy_pay_link": ids["policy"],
    }
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(SUPPORT)
        headers = {"Authorization": f"Bearer {session['access_token']}", IDEMPOTENCY_HEADER: "support-try-1"}
        before = database_contents(fresh_db)
        answers = {}
        for route in WRITES:
            path = route.path.replace("{id}", str(path_ids.get(route.name, "x")))
            answer = await bench.client.request(
                route.method, path, json=bodies.get(route.name), headers=headers
            )
            answers[route.name] = (answer.status_code, answer.json().get("detail", ""))
        assert {name: status for name, (status, _) in answers.items()} == {r.name: 403 for r in WRITES}
        assert all("read-only" in detail or "policyholder" in detail for _, detail in answers.values())
        assert database_contents(fresh_db) == before


async def test_methods_the_contract_does_not_list_are_405_for_everyone(fresh_db: Path) -> None:
    listed: dict[str, set[str]] = {}
    for route in ROUTES:
        listed.setdefault(route.path, set()).add(route.method)
    async with auth_bench(fresh_db) as bench:
        session = await bench.signed_in(SUPPORT)
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        before = database_contents(fresh_db)
        for path, methods in listed.items():
            for method in {"PUT", "PATCH", "DELETE", "POST", "GET"} - methods:
                answer = await bench.client.request(method, path.replace("{id}", "x"), headers=headers)
                assert answer.status_code == 405, (method, path, answer.status_code)
                assert set(answer.headers["allow"].replace(" ", "").split(",")) >= methods
        assert database_contents(fresh_db) == before
