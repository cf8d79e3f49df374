"""Policy change requests: each kind filed with an Idempotency-Key, refused at once when the portal would
refuse it, moved through submitted, in review and completed or rejected by the sandbox's clock, and shown on
Home and in support triage."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from auth_fixtures import AuthBench, auth_bench

PATEL = "dr.patel"


def patel_policy(db_path: Path, username: str = PATEL) -> sqlite3.Row:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            'SELECT p.*, t.start, t."end" FROM policies p JOIN users u ON u.customer_id = p.customer_id '
            "JOIN policy_terms t ON t.policy_id = p.id AND t.term = 'current' WHERE u.username = ? "
            "ORDER BY p.rowid LIMIT 1",
            [username],
        ).fetchone()


async def headers(bench: AuthBench, username: str = PATEL) -> dict[str, str]:
    session = await bench.signed_in(username)
    return {"Authorization": f"Bearer {session['access_token']}"}


async def file(bench: AuthBench, me: dict[str, str], body: dict, key: str):  # type: ignore[no-untyped-def]
    return await bench.client.post("/policy-changes", headers={**me, "Idempotency-Key": key}, json=body)


async def test_every_kind_is_filed_and_replayed_by_its_key(fresh_db: Path) -> None:
    policy = patel_policy(fresh_db, "office.lakes")
    soon = (date(2026, 11, 28) + timedelta(days=10)).isoformat()
    async with auth_bench(fresh_db) as bench:
        me = await headers(bench, "office.lakes")
        insureds = (await bench.client.get(f"/policies/{policy['id']}", headers=me)).json()["insureds"]
        changes = [
            {
                "kind": "mailing_address",
                "address": "1 Capitol Mall",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95814",
                "effective_on": soon,
            },
            {
                "kind": "add_insured",
                "name": "Ruth Ames",
                "credentials": "MD",
                "specialty": "Family Medicine",
                "effective_on": soon,
            },
            {
                "kind": "remove_insured",
                "insured_id": insureds[-1]["id"],
                "effective_on": soon,
                "reason": "retired",
            },
            {
                "kind": "change_limits",
                "limit_per_claim_cents": 200000000,
                "limit_aggregate_cents": 400000000,
                "effective_on": soon,
            },
            {"kind": "other", "description": "Please send the declarations to our new billing office too."},
        ]
        for number, change in enumerate(changes):
            body = {"policy_id": policy["id"], "change": change}
            created = await file(bench, me, body, f"kind-{number}")
            assert created.status_code == 201, created.text
            request = created.json()
            assert request["kind"] == change["kind"] and request["status"] == "submitted"
            assert request["change"] == change and request["summary"]
            assert request["submitted_by"] == "Rachel Keller"
            replay = await file(bench, me, body, f"kind-{number}")
            assert replay.status_code == 201 and replay.json()["id"] == request["id"]
        reused = await file(
            bench, me, {"policy_id": policy["id"], "change": changes[4] | {"description": "x"}}, "kind-4"
        )
        assert reused.status_code == 422 and reused.json()["title"] == "Idempotency key reused"
        listed = (
            await bench.client.get("/policy-changes", headers=me, params={"status": "submitted"})
        ).json()
        assert len([c for c in listed["items"] if c["id"].startswith("pc_")]) >= 5
        assert (
            await bench.client.post(
                "/policy-changes", headers=me, json={"policy_id": policy["id"], "change": changes[4]}
            )
        ).status_code == 400


async def test_the_portal_refuses_what_it_cannot_do(fresh_db: Path) -> None:
    policy = patel_policy(fresh_db)
    inside = date.fromisoformat(policy["start"]) + timedelta(days=1)
    async with auth_bench(fresh_db) as bench:
        me = await headers(bench)
        detail = (await bench.client.get(f"/policies/{policy['id']}", headers=me)).json()
        current = next(t for t in detail["terms"] if t["term"] == "current")
        cases = {
            "change.effective_on": {
                "kind": "mailing_address",
                "address": "1 Main St",
                "city": "Davis",
                "state": "CA",
                "zip": "95616",
                "effective_on": "2019-01-01",
            },
            "change.limit_per_claim_cents": {
                "kind": "change_limits",
                "limit_per_claim_cents": 123400,
                "limit_aggregate_cents": 567800,
                "effective_on": inside.isoformat(),
            },
            "change.name": {
                "kind": "add_insured",
                "name": detail["insureds"][0]["name"],
                "credentials": "MD",
                "specialty": "Family Medicine",
                "effective_on": inside.isoformat(),
            },
        }
        cases["already"] = {
            "kind": "change_limits",
            "limit_per_claim_cents": current["limit_per_claim_cents"],
            "limit_aggregate_cents": current["limit_aggregate_cents"],
            "effective_on": inside.isoformat(),
        }
        for number, (field, change) in enumerate(cases.items()):
            answer = await file(bench, me, {"policy_id": policy["id"], "change": change}, f"bad-{number}")
            assert answer.status_code == 422, (field, answer.text)
            if field != "already":
                assert answer.json()["errors"][0]["field"] == field
        last = await file(
            bench,
            me,
            {
                "policy_id": policy["id"],
                "change": {
                    "kind": "remove_insured",
                    "insured_id": detail["insureds"][0]["id"],
                    "effective_on": inside.isoformat(),
                    "reason": "left",
                },
            },
            "bad-last",
        )
        assert last.status_code == 422 and "at least one insured" in last.json()["detail"]
        missing = await file(
            bench,
            me,
            {
                "policy_id": policy["id"],
                "change": {
                    "kind": "remove_insured",
                    "insured_id": "in_missing000000",
                    "effective_on": inside.isoformat(),
                    "reason": "left",
                },
            },
            "bad-missing",
        )
        assert missing.status_code == 404
        control = await file(
            bench,
            me,
            {"policy_id": policy["id"], "change": {"kind": "other", "description": "line one\u0000"}},
            "bad-nul",
        )
        assert control.status_code == 422 and control.json()["errors"][0]["field"] in {
            "change.description",
            "body",
        }


async def test_requests_move_on_the_sandbox_clock(fresh_db: Path) -> None:
    policy = patel_policy(fresh_db)
    async with auth_bench(fresh_db) as bench:
        me = await headers(bench)
        created = (
            await file(
                bench,
                me,
                {
                    "policy_id": policy["id"],
                    "change": {"kind": "other", "description": "Add our new office to the policy."},
                },
                "clock",
            )
        ).json()
        path = f"/policy-changes/{created['id']}"
        assert (await bench.client.get(path, headers=me)).json()["status"] == "submitted"
        bench.clock.advance(2 * 3600)
        me = await headers(bench)  # access tokens last 15 minutes
        assert (await bench.client.get(path, headers=me)).json()["status"] == "in_review"
        bench.clock.advance(5 * 86400)
        me = await headers(bench)
        decided = (await bench.client.get(path, headers=me)).json()
        assert decided["status"] == "completed" and decided["decided_at"] and decided["decision"]
        assert decided["decided_at"] <= decided["expected_by"]


async def test_raising_limits_with_an_open_claim_is_rejected_and_shown_on_home(fresh_db: Path) -> None:
    policy = patel_policy(fresh_db)
    with sqlite3.connect(fresh_db) as conn:
        insured = conn.execute(
            "SELECT insured_id FROM policy_insureds WHERE policy_id = ?", [policy["id"]]
        ).fetchone()
        conn.execute(
            "INSERT INTO claims (id, insured_id, policy_id, claim_number, status, incident_on, reported_on, "
            "allegation) VALUES ('cl_test', ?, ?, 'CL-2026-99999', 'open', '2026-05-01', '2026-06-01', "
            "'test')",
            [insured[0], policy["id"]],
        )
    effective = (date.fromisoformat(policy["start"]) + timedelta(days=300)).isoformat()
    async with auth_bench(fresh_db) as bench:
        me = await headers(bench)
        created = (
            await file(
                bench,
                me,
                {
                    "policy_id": policy["id"],
                    "change": {
                        "kind": "change_limits",
                        "limit_per_claim_cents": 500000000,
                        "limit_aggregate_cents": 1000000000,
                        "effective_on": effective,
                    },
                },
                "limits",
            )
        ).json()
        bench.clock.advance(6 * 86400)
        me = await headers(bench)
        decided = (await bench.client.get(f"/policy-changes/{created['id']}", headers=me)).json()
        assert decided["status"] == "rejected" and "claim is open" in decided["decision"]
        attention = (await bench.client.get("/home", headers=me)).json()["attention"]
        rejected = [a for a in attention if a["kind"] == "change_requests" and a["ref_id"] == policy["id"]]
        assert rejected and "rejected" in rejected[0]["message"]


async def test_home_counts_open_requests_and_support_sees_an_overdue_one(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        me = await headers(bench)
        items = (await bench.client.get("/home", headers=me)).json()["attention"]
        assert any(a["kind"] == "change_requests" and "in progress" in a["message"] for a in items)
        support = await headers(bench, "support.morgan")
        hits = (
            await bench.client.get("/support/accounts", headers=support, params={"q": "credentialing.mercy"})
        ).json()["items"]
        flags = [f for f in hits[0]["flags"] if f["kind"] == "overdue_change_request"]
        assert flags and "days old" in flags[0]["message"]
        account = (await bench.client.get(f"/support/accounts/{hits[0]['id']}", headers=support)).json()
        assert [c["status"] for c in account["change_requests"]] == ["in_review"]
        agent = await headers(bench, "agent.rivera")
        agent_items = (await bench.client.get("/home", headers=agent)).json()["attention"]
        missing = [a for a in agent_items if a["kind"] == "renewal_application_missing"]
        assert (
            missing
            and missing[0]["term"] == "renewal"
            and "Renewal application missing" in missing[0]["message"]
        )


async def test_an_integral_float_is_an_integer_as_json_schema_says(fresh_db: Path) -> None:
    """schemathesis found 371142.0 for a cents field refused (422); JSON Schema counts it an integer."""
    policy = patel_policy(fresh_db, "office.lakes")
    effective = (date.fromisoformat(policy["start"]) + timedelta(days=30)).isoformat()
    async with auth_bench(fresh_db) as bench:
        me = await headers(bench, "office.lakes")
        change = {
            "kind": "change_limits",
            "limit_per_claim_cents": 200000000.0,
            "limit_aggregate_cents": 400000000.0,
            "effective_on": effective,
        }
        created = await file(bench, me, {"policy_id": policy["id"], "change": change}, "float")
        assert created.status_code == 201, created.text
        assert created.json()["change"]["limit_per_claim_cents"] == 200000000
        fraction = await file(
            bench,
            me,
            {"policy_id": policy["id"], "change": change | {"limit_per_claim_cents": 2000.5}},
            "fraction",
        )
        assert fraction.status_code == 422
