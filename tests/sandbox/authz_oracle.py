"""The authorization oracles shared by the matrix tests: the published role table and each user's scope.

Both are independent of sandbox/access.py: ``MAY`` is ProAssurance's published role table written out by route
(who may use it at all: 403 otherwise, before any id lookup), and the scope of each role is computed straight
from the database (policyholder = their customer; insured = the policies they are on; agent = their agency's
customers; support = everything, read-only).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
from sandbox_harness import SandboxServer, ServerThread, copy_db, read_accounts

ROLE_USERS = {
    "policyholder": "dr.patel",
    "insured": "dr.nguyen",
    "agent": "agent.rivera",
    "support": "support.morgan",
}
MISSING = "zz_missingmissing00"

EVERYONE = frozenset(ROLE_USERS)
MAY: dict[str, frozenset[str]] = {
    "logout": EVERYONE,
    "me": EVERYONE,
    "home": EVERYONE,
    "risk_resources": EVERYONE,
    "seminars": EVERYONE,
    "document_content": EVERYONE,  # the route; a policy's document is only for who may see policy documents
    # Individuals insured: create a COI and view their own seminar activity. That is all.
    "credentialing_insureds": EVERYONE,
    "credentialing_certificates": EVERYONE,
    "certificate_pdf": EVERYONE,
    "claims_history_pdf": EVERYONE,
    "holder_requests": EVERYONE,
    "seminar_activity": EVERYONE,
    "create_holder_request": frozenset({"insured", "policyholder", "agent"}),  # support changes nothing
    # Policyholders and agents (and support, reading): policy documents and billing.
    "policies": frozenset({"policyholder", "agent", "support"}),
    "policy": frozenset({"policyholder", "agent", "support"}),
    "policy_documents": frozenset({"policyholder", "agent", "support"}),
    "billing_accounts": frozenset({"policyholder", "agent", "support"}),
    "billing_policies": frozenset({"policyholder", "agent", "support"}),
    "billing_account": frozenset({"policyholder", "agent", "support"}),
    "billing_policy": frozenset({"policyholder", "agent", "support"}),
    # Pay: the policyholder only; agents never.
    "billing_account_pay_link": frozenset({"policyholder"}),
    "billing_policy_pay_link": frozenset({"policyholder"}),
    "agent_resources": frozenset({"agent"}),
    "support_accounts": frozenset({"support"}),
    "support_account": frozenset({"support"}),
    # Everyone manages their own MFA (the portal's MFA Support page).
    "mfa_status": EVERYONE,
    "start_phone_change": EVERYONE,
    "confirm_phone_change": EVERYONE,
    "start_totp_reenrollment": EVERYONE,
    "confirm_totp_reenrollment": EVERYONE,
    "remembered_devices": EVERYONE,
    "revoke_device": EVERYONE,
    # Policy change requests: policyholders, and agents for their clients; insureds may not, support reads
    # them in triage only.
    "create_change_request": frozenset({"policyholder", "agent"}),
    "change_requests": frozenset({"policyholder", "agent"}),
    "change_request": frozenset({"policyholder", "agent"}),
    # Completed renewal applications: agents (support reads every account).
    "renewal_applications": frozenset({"agent", "support"}),
}
"""Who may use each signed-in route: the published rules, written out here rather than read from the code."""
POLICY_DOCUMENT_ROLES = MAY["policy_documents"]


@contextmanager
def private_portal(template_db: Path, folder: Path) -> Iterator[SandboxServer]:
    """A server of its own: the matrix files holder requests and change requests other tests must not see."""
    db_path = copy_db(template_db, folder / "sandbox.sqlite3")
    thread = ServerThread(db_path)
    thread.start()
    try:
        yield SandboxServer(base_url=thread.base_url, db_path=db_path, accounts=read_accounts(db_path))
    finally:
        thread.stop()


@dataclass
class Scope:
    """What one user may see, by the oracle, and sample objects inside and outside it."""

    role: str
    insured_id: str | None
    policies: set[str]
    accounts: set[str]
    activity: set[str]
    own: dict[str, str]
    other: dict[str, str]


def _ids(conn: sqlite3.Connection, sql: str, *params: object) -> set[str]:
    return {row[0] for row in conn.execute(sql, params)}


def oracle(db_path: Path, username: str) -> Scope:
    conn = sqlite3.connect(db_path)
    user = conn.execute(
        "SELECT role, customer_id, insured_id, agency_id FROM users WHERE username = ?", [username]
    ).fetchone()
    role, customer, insured, agency = user
    customers = {
        "policyholder": _ids(conn, "SELECT id FROM customers WHERE id = ?", customer),
        "insured": _ids(conn, "SELECT id FROM customers WHERE id = ?", customer),
        "agent": _ids(conn, "SELECT id FROM customers WHERE agency_id = ?", agency),
        "support": _ids(conn, "SELECT id FROM customers"),
    }[role]
    all_policies = conn.execute("SELECT id, customer_id, billing_account_id FROM policies").fetchall()
    if role == "insured":
        policies = _ids(conn, "SELECT policy_id FROM policy_insureds WHERE insured_id = ?", insured)
    else:
        policies = {p for p, c, _ in all_policies if c in customers}
    accounts = {a for p, _, a in all_policies if p in policies}
    activity_rows = conn.execute(
        "SELECT a.id, a.customer_id, a.participant FROM seminar_activity a"
    ).fetchall()
    me_name = (
        conn.execute("SELECT name FROM insureds WHERE id = ?", [insured]).fetchone() if insured else None
    )
    activity = {
        a for a, c, who in activity_rows if c in customers and (role != "insured" or who == me_name[0])
    }

    def pick(inside: bool) -> dict[str, str]:
        chosen_policies = policies if inside else {p for p, _, _ in all_policies} - policies
        if not chosen_policies:
            return {}
        marks = ",".join("?" * len(chosen_policies))
        me = insured if (inside and role == "insured") else None
        cert = conn.execute(
            f"SELECT c.id, c.policy_id, c.insured_id FROM certificates c "
            f"JOIN policies p ON p.id = c.policy_id "
            f"JOIN billing_accounts b ON b.id = p.billing_account_id JOIN insureds i ON i.id = c.insured_id "
            f"WHERE c.policy_id IN ({marks}) AND p.status = 'active' AND c.term = 'current' "
            f"AND i.claims_history_available = 1 AND (? IS NULL OR c.insured_id = ?) "
            f"AND EXISTS (SELECT 1 FROM documents d WHERE d.policy_id = p.id AND d.term = 'current') "
            f"ORDER BY b.can_pay_online DESC, c.id LIMIT 1",
            [*chosen_policies, me, me],
        ).fetchone()
        policy = cert[1]
        document = conn.execute(
            "SELECT MIN(id) FROM documents WHERE policy_id = ? AND type != 'renewal_application'", [policy]
        ).fetchone()[0]
        account = conn.execute("SELECT billing_account_id FROM policies WHERE id = ?", [policy]).fetchone()[0]
        customer_id = conn.execute("SELECT customer_id FROM policies WHERE id = ?", [policy]).fetchone()[0]
        return {
            "policy": policy,
            "certificate": cert[0],
            "insured": cert[2],
            "document": document,
            "account": account,
            "customer": customer_id,
        }

    scope = Scope(role, insured, policies, accounts, activity, pick(True), pick(False))
    # A policy change request inside and outside the scope (the seed files them for a few customers).
    changes = conn.execute("SELECT id, policy_id FROM change_requests ORDER BY id").fetchall()
    for objects, inside in ((scope.own, True), (scope.other, False)):
        found = next((c for c, p in changes if (p in policies) is inside), None)
        if found is not None and objects:
            objects["change"] = found
    conn.close()
    return scope


def collect(client: httpx2.Client, path: str, **params: str) -> list[dict]:
    """Every item of a listing, a page of the API's largest size at a time."""
    items, cursor = [], None
    while True:
        query = {**params, "limit": "1000", **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=query)
        assert page.status_code == 200, (path, page.text)
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items
