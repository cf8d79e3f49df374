"""The authorization matrix: every role x every endpoint x (own object, another customer's, a missing id).

Two oracles independent of sandbox/access.py: ``MAY`` below is ProAssurance's published role table written
out by route (who may use it at all: 403 otherwise, before any id lookup), and the scope of each role is
computed straight from the database (policyholder = their customer; insured = the policies they are on;
agent = their agency's customers; support = everything, read-only). Another customer's object must answer
exactly like a missing one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sandbox_harness import SandboxServer, ServerThread, copy_db, read_accounts

from ssp_tui.api.contract import ROUTES
from ssp_tui.api.roles import Role, role_may
from ssp_tui.sandbox.access import ROUTE_CAPABILITIES

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


def test_the_matrix_covers_every_signed_in_route_and_agrees_with_the_role_table() -> None:
    signed_in = {route.name for route in ROUTES if not route.public}
    assert set(MAY) == signed_in
    for name, roles in MAY.items():
        capability = ROUTE_CAPABILITIES[name]
        enforced = {r for r in ROLE_USERS if capability is None or role_may(Role(r), capability)}
        assert enforced == roles, name


@pytest.fixture(scope="module")
def portal(sandbox_template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A private server: this module files holder requests, which other tests must not see."""
    db_path = copy_db(sandbox_template_db, tmp_path_factory.mktemp("authz") / "sandbox.sqlite3")
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


ID_ROUTES = [
    ("GET", "/billing/accounts/{account}"),
    ("GET", "/billing/policies/{policy}"),
    ("GET", "/policies/{policy}"),
    ("GET", "/policies/{policy}/documents"),
    ("GET", "/documents/{document}/content"),
    ("GET", "/credentialing/certificates?policy_id={policy}"),
    ("GET", "/credentialing/certificates/{certificate}/pdf"),
    ("GET", "/credentialing/insureds/{insured}/claims-history?policy_id={policy}"),
]
PAY_ROUTES = [
    ("POST", "/billing/accounts/{account}/pay-link"),
    ("POST", "/billing/policies/{policy}/pay-link"),
]
SUPPORT_ID_ROUTES = [("GET", "/support/accounts/{customer}")]
CHANGE_ID_ROUTES = [("GET", "/policy-changes/{change}")]
PLAIN_ROUTES = {
    "/me": "me",
    "/home": "home",
    "/billing/accounts": "billing_accounts",
    "/billing/policies": "billing_policies",
    "/policies": "policies",
    "/forms/frequent": None,
    "/credentialing/insureds": "credentialing_insureds",
    "/credentialing/holder-requests": "holder_requests",
    "/risk/resources": "risk_resources",
    "/seminars": "seminars",
    "/seminars/activity": "seminar_activity",
    "/openapi.json": None,
    "/agent/resources": "agent_resources",
    "/support/accounts": "support_accounts",
    "/account/mfa": "mfa_status",
    "/account/devices": "remembered_devices",
    "/policy-changes": "change_requests",
    "/renewals/applications": "renewal_applications",
}
"""Path -> route name (None: public)."""
ROUTE_NAMES = {
    "/billing/accounts/{account}": "billing_account",
    "/billing/policies/{policy}": "billing_policy",
    "/policies/{policy}": "policy",
    "/policies/{policy}/documents": "policy_documents",
    "/documents/{document}/content": "document_content",
    "/credentialing/certificates?policy_id={policy}": "credentialing_certificates",
    "/credentialing/certificates/{certificate}/pdf": "certificate_pdf",
    "/credentialing/insureds/{insured}/claims-history?policy_id={policy}": "claims_history_pdf",
    "/billing/accounts/{account}/pay-link": "billing_account_pay_link",
    "/billing/policies/{policy}/pay-link": "billing_policy_pay_link",
    "/support/accounts/{customer}": "support_account",
    "/policy-changes/{change}": "change_request",
}


def _missing(objects: dict[str, str], kind_in_path: str) -> dict[str, str]:
    """Own objects with the one the path is about replaced by a missing id (claims: the insured)."""
    changed = dict(objects)
    changed[kind_in_path] = MISSING
    return changed


def _subject(path: str) -> str:
    return "insured" if "claims-history" in path else path.split("{")[1].split("}")[0]


def _holder_body(objects: dict[str, str]) -> dict[str, str]:
    return {
        "policy_id": objects["policy"],
        "insured_id": objects["insured"],
        "holder_name": "Mercy General",
        "address": "1 Main St",
        "city": "Fresno",
        "state": "CA",
        "zip": "93701",
    }


def _expected(role: str, path: str, relation: str, payable: bool, owing: bool) -> int:
    name = ROUTE_NAMES[path]
    if role not in MAY[name]:
        return 403  # the role table first, whatever the id
    if name == "document_content" and role not in POLICY_DOCUMENT_ROLES:
        return 404  # a policy's document, for a role without policy documents: like a missing one
    if relation != "own":
        return 404
    if name.endswith("pay_link"):
        return 409 if payable and not owing else (200 if payable else 403)
    return 200


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_every_id_route_answers_by_role_and_ownership(portal: SandboxServer, role: str) -> None:
    scope = oracle(portal.db_path, ROLE_USERS[role])
    with sqlite3.connect(portal.db_path) as conn:
        payable = bool(
            conn.execute(
                "SELECT can_pay_online FROM billing_accounts WHERE id = ?", [scope.own["account"]]
            ).fetchone()[0]
        )
        owing = bool(
            conn.execute(
                "SELECT 1 FROM installments WHERE account_id = ? AND term = 'current' AND status != 'paid'",
                [scope.own["account"]],
            ).fetchone()
        )
    mismatches = []
    with portal.client(portal.token(ROLE_USERS[role])) as client:
        id_routes = ID_ROUTES + PAY_ROUTES + SUPPORT_ID_ROUTES
        if "change" in scope.own:
            id_routes += CHANGE_ID_ROUTES
        for method, template in id_routes:
            subject = _subject(template)
            relations = {"own": scope.own, "missing": _missing(scope.own, subject)}
            if subject in scope.other:
                relations["other"] = scope.other
            bodies = {}
            for relation, objects in relations.items():
                path = template.format(**objects)
                answer = client.request(method, path)
                want = _expected(role, template, relation, payable, owing)
                if answer.status_code != want:
                    mismatches.append(f"{method} {path} ({relation}): {answer.status_code}, expected {want}")
                if answer.status_code == 404:
                    bodies[relation] = answer.content
            if "other" in bodies and "missing" in bodies and bodies["other"] != bodies["missing"]:
                mismatches.append(f"{template}: another customer's 404 differs from a missing id's")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_holder_requests_by_role_and_ownership(portal: SandboxServer, role: str) -> None:
    scope = oracle(portal.db_path, ROLE_USERS[role])
    cases = {"own": scope.own, "missing": {**scope.own, "policy": MISSING}}
    if scope.other:
        cases["other"] = scope.other
    with portal.client(portal.token(ROLE_USERS[role])) as client:
        for relation, objects in cases.items():
            answer = client.post(
                "/credentialing/holder-requests",
                json=_holder_body(objects),
                headers={"Idempotency-Key": f"matrix-{role}-{relation}"},
            )
            want = 403 if role == "support" else (201 if relation == "own" else 404)
            assert answer.status_code == want, (relation, answer.text)


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_every_list_route_answers_by_role(portal: SandboxServer, role: str) -> None:
    with portal.client(portal.token(ROLE_USERS[role])) as client:
        for path, name in PLAIN_ROUTES.items():
            want = 200 if name is None or role in MAY[name] else 403
            assert client.get(path).status_code == want, path


def test_an_insured_sees_only_their_certificates_and_seminar_activity(portal: SandboxServer) -> None:
    """dr.nguyen once saw the whole group's billing ($125,015 term, balances, check numbers) and invoices."""
    with portal.client(portal.token(ROLE_USERS["insured"])) as client:
        me = client.get("/me").json()
        assert set(me["capabilities"]) == {"credentialing", "certificates", "seminar_activity"}
        for path in ("/billing/accounts", "/billing/policies", "/policies"):
            refused = client.get(path)
            assert refused.status_code == 403
            assert "policyholder" in refused.json()["detail"]
        attention = client.get("/home").json()["attention"]
        assert all(item["kind"] == "holder_requests" for item in attention), attention


def _collect(client: httpx2.Client, path: str, **params: str) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, "limit": "1000", **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=query)
        assert page.status_code == 200, (path, page.text)
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_no_list_shows_another_customers_data(portal: SandboxServer, role: str) -> None:
    scope = oracle(portal.db_path, ROLE_USERS[role])
    with portal.client(portal.token(ROLE_USERS[role])) as client:
        if role in MAY["billing_accounts"]:
            assert {a["id"] for a in _collect(client, "/billing/accounts")} == scope.accounts
            assert {p["id"] for p in _collect(client, "/billing/policies")} == scope.policies
        if role in MAY["policies"]:
            assert {p["id"] for p in _collect(client, "/policies")} == scope.policies
            assert {p["id"] for p in _collect(client, "/policies", q="a")} <= scope.policies
        insureds = _collect(client, "/credentialing/insureds")
        assert {i["policy_id"] for i in insureds} == scope.policies
        requests = _collect(client, "/credentialing/holder-requests")
        assert {r["policy_id"] for r in requests} <= scope.policies
        assert {a["id"] for a in _collect(client, "/seminars/activity")} == scope.activity
        certificates = _collect(client, "/credentialing/certificates", policy_id=scope.own["policy"])
        assert certificates
        if role == "insured":
            assert {i["id"] for i in insureds} == {scope.insured_id}
            assert {r["insured_id"] for r in requests} <= {scope.insured_id}
            assert {c["insured_id"] for c in certificates} == {scope.insured_id}
        attention = client.get("/home").json()["attention"]
        assert {a["ref_id"] for a in attention if a["ref_id"]} <= scope.accounts | scope.policies
        if scope.other and role in MAY["policies"]:
            leaked = json.dumps(_collect(client, "/policies"))
            assert scope.other["policy"] not in leaked
        if role in MAY["change_requests"]:
            changes = _collect(client, "/policy-changes")
            assert changes and {c["policy_id"] for c in changes} <= scope.policies
        if role in MAY["renewal_applications"]:
            renewals = _collect(client, "/renewals/applications")
            assert renewals and {r["policy_id"] for r in renewals} <= scope.policies


def test_without_a_token_every_private_route_is_401(portal: SandboxServer) -> None:
    objects = oracle(portal.db_path, "dr.patel").own
    with portal.client() as client:
        for method, template in ID_ROUTES + PAY_ROUTES + SUPPORT_ID_ROUTES + CHANGE_ID_ROUTES:
            assert client.request(method, template.format(**objects)).status_code == 401, template
        assert client.delete(f"/account/devices/{MISSING}").status_code == 401
        for path, name in PLAIN_ROUTES.items():
            want = 200 if name is None else 401
            assert client.get(path).status_code == want, path


def test_an_agent_sees_billing_summaries_but_not_the_payments_applied(portal: SandboxServer) -> None:
    """Agents: billing summaries. The payments applied (methods, check numbers) are the policyholder's."""
    for username, sees_payments in (("agent.rivera", False), ("dr.patel", True), ("support.morgan", True)):
        with portal.client(portal.token(username)) as client:
            accounts = _collect(client, "/billing/accounts")
            details = [client.get(f"/billing/accounts/{a['id']}").json() for a in accounts[:5]]
            assert all(d["installments"] for d in details), username
            assert any(d["payments"] for d in details) is sees_payments, username


def _change_body(policy_id: str) -> dict[str, object]:
    return {"policy_id": policy_id, "change": {"kind": "other", "description": "Add a practice location"}}


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_change_requests_by_role_and_ownership(portal: SandboxServer, role: str) -> None:
    """Policyholders for their policies, agents for their clients'; insureds and support never (403 before
    the id); another customer's policy answers like a missing one."""
    scope = oracle(portal.db_path, ROLE_USERS[role])
    cases = {"own": scope.own["policy"], "missing": MISSING}
    if scope.other:
        cases["other"] = scope.other["policy"]
    with portal.client(portal.token(ROLE_USERS[role])) as client:
        bodies = {}
        for relation, policy_id in cases.items():
            answer = client.post(
                "/policy-changes",
                json=_change_body(policy_id),
                headers={"Idempotency-Key": f"pc-{role}-{relation}"},
            )
            allowed = role in MAY["create_change_request"]
            want = (201 if relation == "own" else 404) if allowed else 403
            assert answer.status_code == want, (relation, answer.text)
            bodies[relation] = answer.content
        if "other" in bodies and role in MAY["create_change_request"]:
            assert bodies["other"] == bodies["missing"]


def test_renewal_applications_are_for_agents_and_support_only(portal: SandboxServer) -> None:
    """Listed among an agent's renewal-term documents and downloadable; a policyholder neither sees nor
    fetches the application of their own renewal (404, like a missing document)."""
    with portal.client(portal.token("agent.rivera")) as agent:
        completed = [a for a in _collect(agent, "/renewals/applications") if a["status"] == "completed"]
        application = completed[0]["document"]
        policy_id = completed[0]["policy_id"]
        renewal_docs = _collect(agent, f"/policies/{policy_id}/documents", term="renewal")
        assert application["id"] in {d["id"] for d in renewal_docs}
        assert agent.get(f"/documents/{application['id']}/content").status_code == 200
    with sqlite3.connect(portal.db_path) as conn:
        owner = conn.execute(
            "SELECT u.username FROM users u JOIN policies p ON p.customer_id = u.customer_id "
            "WHERE p.id = ? AND u.role = 'policyholder' ORDER BY u.username LIMIT 1",
            [policy_id],
        ).fetchone()[0]
    assert owner == "dr.patel"
    with portal.client(portal.token(owner)) as policyholder:
        docs = _collect(policyholder, f"/policies/{policy_id}/documents", term="renewal")
        assert docs and application["id"] not in {d["id"] for d in docs}
        hidden = policyholder.get(f"/documents/{application['id']}/content")
        missing = policyholder.get(f"/documents/{MISSING}/content")
        assert hidden.status_code == 404 and hidden.content == missing.content


def test_a_remembered_device_is_revoked_only_by_its_owner(portal: SandboxServer) -> None:
    with sqlite3.connect(portal.db_path) as conn:
        [patels] = conn.execute(
            "SELECT d.id FROM device_tokens d JOIN users u ON u.id = d.user_id "
            "WHERE u.username = 'dr.patel' AND d.label LIKE 'Safari%'"
        ).fetchall()
    with portal.client(portal.token("agent.rivera")) as other:
        refused = other.delete(f"/account/devices/{patels[0]}")
        missing = other.delete(f"/account/devices/{MISSING}")
        assert refused.status_code == 404 and refused.content == missing.content
        assert patels[0] not in {d["id"] for d in _collect(other, "/account/devices")}
    with portal.client(portal.token("dr.patel")) as owner:
        assert patels[0] in {d["id"] for d in _collect(owner, "/account/devices")}
        assert owner.delete(f"/account/devices/{patels[0]}").status_code == 204
        assert patels[0] not in {d["id"] for d in _collect(owner, "/account/devices")}
