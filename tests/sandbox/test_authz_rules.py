"""What each role sees inside the portal's answers, beyond the matrix of routes: an insured's own data only,
an agent's billing without the payments applied, policy change requests, renewal applications, remembered
devices. The oracles are in authz_oracle.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from authz_oracle import MAY, MISSING, ROLE_USERS, collect, oracle, private_portal
from sandbox_harness import SandboxServer


@pytest.fixture(scope="module")
def portal(sandbox_template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    with private_portal(sandbox_template_db, tmp_path_factory.mktemp("authz-rules")) as server:
        yield server


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


def test_an_agent_sees_billing_summaries_but_not_the_payments_applied(portal: SandboxServer) -> None:
    """Agents: billing summaries. The payments applied (methods, check numbers) are the policyholder's."""
    for username, sees_payments in (("agent.rivera", False), ("dr.patel", True), ("support.morgan", True)):
        with portal.client(portal.token(username)) as client:
            accounts = collect(client, "/billing/accounts")
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
        completed = [a for a in collect(agent, "/renewals/applications") if a["status"] == "completed"]
        application = completed[0]["document"]
        policy_id = completed[0]["policy_id"]
        renewal_docs = collect(agent, f"/policies/{policy_id}/documents", term="renewal")
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
        docs = collect(policyholder, f"/policies/{policy_id}/documents", term="renewal")
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
        assert patels[0] not in {d["id"] for d in collect(other, "/account/devices")}
    with portal.client(portal.token("dr.patel")) as owner:
        assert patels[0] in {d["id"] for d in collect(owner, "/account/devices")}
        assert owner.delete(f"/account/devices/{patels[0]}").status_code == 204
        assert patels[0] not in {d["id"] for d in collect(owner, "/account/devices")}
