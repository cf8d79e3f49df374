"""The authorization matrix: every role x every endpoint x (own object, another customer's, a missing id).

The oracles (the published role table and each role's scope from the database) are in authz_oracle.py.
Another customer's object must answer exactly like a missing one. The rules beyond the matrix (what each
role sees inside an answer) are in test_authz_rules.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from authz_oracle import (
    MAY,
    MISSING,
    POLICY_DOCUMENT_ROLES,
    ROLE_USERS,
    collect,
    oracle,
    private_portal,
)
from sandbox_harness import SandboxServer

from ssp_tui.api.contract import ROUTES
from ssp_tui.api.roles import Role, role_may
from ssp_tui.sandbox.access import ROUTE_CAPABILITIES


def test_the_matrix_covers_every_signed_in_route_and_agrees_with_the_role_table() -> None:
    signed_in = {route.name for route in ROUTES if not route.public}
    assert set(MAY) == signed_in
    for name, roles in MAY.items():
        capability = ROUTE_CAPABILITIES[name]
        enforced = {r for r in ROLE_USERS if capability is None or role_may(Role(r), capability)}
        assert enforced == roles, name


@pytest.fixture(scope="module")
def portal(sandbox_template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    with private_portal(sandbox_template_db, tmp_path_factory.mktemp("authz")) as server:
        yield server


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


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_no_list_shows_another_customers_data(portal: SandboxServer, role: str) -> None:
    scope = oracle(portal.db_path, ROLE_USERS[role])
    with portal.client(portal.token(ROLE_USERS[role])) as client:
        if role in MAY["billing_accounts"]:
            assert {a["id"] for a in collect(client, "/billing/accounts")} == scope.accounts
            assert {p["id"] for p in collect(client, "/billing/policies")} == scope.policies
        if role in MAY["policies"]:
            assert {p["id"] for p in collect(client, "/policies")} == scope.policies
            assert {p["id"] for p in collect(client, "/policies", q="a")} <= scope.policies
        insureds = collect(client, "/credentialing/insureds")
        assert {i["policy_id"] for i in insureds} == scope.policies
        requests = collect(client, "/credentialing/holder-requests")
        assert {r["policy_id"] for r in requests} <= scope.policies
        assert {a["id"] for a in collect(client, "/seminars/activity")} == scope.activity
        certificates = collect(client, "/credentialing/certificates", policy_id=scope.own["policy"])
        assert certificates
        if role == "insured":
            assert {i["id"] for i in insureds} == {scope.insured_id}
            assert {r["insured_id"] for r in requests} <= {scope.insured_id}
            assert {c["insured_id"] for c in certificates} == {scope.insured_id}
        attention = client.get("/home").json()["attention"]
        assert {a["ref_id"] for a in attention if a["ref_id"]} <= scope.accounts | scope.policies
        if scope.other and role in MAY["policies"]:
            leaked = json.dumps(collect(client, "/policies"))
            assert scope.other["policy"] not in leaked
        if role in MAY["change_requests"]:
            changes = collect(client, "/policy-changes")
            assert changes and {c["policy_id"] for c in changes} <= scope.policies
        if role in MAY["renewal_applications"]:
            renewals = collect(client, "/renewals/applications")
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
