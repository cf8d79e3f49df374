"""What the endpoints compute: billing figures, pay links, searches and filters, support flags, home."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx2
import pytest
from sandbox_harness import SandboxServer

from ssp_tui import clock


@pytest.fixture(scope="module")
def patel(sandbox: SandboxServer) -> httpx2.Client:
    with sandbox.client(sandbox.token("dr.patel")) as client:
        yield client


@pytest.fixture(scope="module")
def support(sandbox: SandboxServer) -> httpx2.Client:
    with sandbox.client(sandbox.token("support.morgan")) as client:
        yield client


def test_billing_figures_follow_the_installments(patel: httpx2.Client) -> None:
    [account] = patel.get("/billing/accounts").json()["items"]
    for term in ("current", "previous"):
        detail = patel.get(f"/billing/accounts/{account['id']}", params={"term": term}).json()
        installments = detail["installments"]
        past_due = sum(i["amount_cents"] for i in installments if i["status"] == "past_due")
        due = sorted((i for i in installments if i["status"] == "due"), key=lambda i: i["due_on"])
        assert detail["past_due_cents"] == past_due
        assert detail["amount_due_cents"] == past_due + (due[0]["amount_cents"] if due else 0)
        assert detail["balance_cents"] == sum(
            i["amount_cents"] for i in installments if i["status"] != "paid"
        )
        assert detail["term"] == term
        assert detail["can_pay_online"] is (term == "current")  # Pay is on the current term only
    current = patel.get(f"/billing/accounts/{account['id']}").json()
    assert account["amount_due_cents"] == current["amount_due_cents"] > 0


def test_pay_link_is_a_fresh_short_lived_invoicecloud_hand_off(patel: httpx2.Client) -> None:
    [account] = patel.get("/billing/accounts").json()["items"]
    links = [patel.post(f"/billing/accounts/{account['id']}/pay-link") for _ in range(2)]
    assert [link.status_code for link in links] == [200, 200]
    first, second = (link.json() for link in links)
    assert first["url"].startswith("https://www.invoicecloud.com/portal/") and first["url"] != second["url"]
    expires = datetime.fromisoformat(first["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires - clock.now() <= timedelta(minutes=15)


def test_a_policyholder_whose_account_cannot_pay_online_gets_403(sandbox: SandboxServer) -> None:
    with sandbox.client(sandbox.token("office.lakes")) as lakes:
        [account] = lakes.get("/billing/accounts").json()["items"]
        assert account["can_pay_online"] is False
        assert lakes.post(f"/billing/accounts/{account['id']}/pay-link").status_code == 403
        assert "pay" not in lakes.get("/me").json()["capabilities"]


def test_policy_search_and_status_filter(support: httpx2.Client) -> None:
    everything = support.get("/policies", params={"limit": 1000}).json()["items"]
    cancelled = support.get("/policies", params={"status": "cancelled", "limit": 1000}).json()["items"]
    assert cancelled and all(p["status"] == "cancelled" for p in cancelled)
    sample = everything[0]
    by_number = support.get("/policies", params={"q": sample["policy_number"][2:].lower()}).json()["items"]
    assert sample["id"] in {p["id"] for p in by_number}
    holder_word = sample["policyholder"].split()[0].upper()
    by_holder = support.get("/policies", params={"q": holder_word, "limit": 1000}).json()["items"]
    assert sample["id"] in {p["id"] for p in by_holder}
    assert support.get("/policies", params={"q": "%"}).json()["items"] == []
    # An id matches exactly (one request resolves a number or an id), never in part or in another case.
    by_id = support.get("/policies", params={"q": sample["id"]}).json()["items"]
    assert [p["id"] for p in by_id] == [sample["id"]]
    assert support.get("/policies", params={"q": sample["id"][:-1]}).json()["items"] == []
    assert support.get("/policies", params={"q": sample["id"].upper()}).json()["items"] == []


def test_seminar_activity_filters(support: httpx2.Client) -> None:
    rows = support.get("/seminars/activity", params={"limit": 1000}).json()["items"]
    sample = rows[len(rows) // 2]
    day = sample["completed_on"]
    on_day = support.get("/seminars/activity", params={"from": day, "to": day, "limit": 1000}).json()["items"]
    assert sample["id"] in {r["id"] for r in on_day} and {r["completed_on"] for r in on_day} == {day}
    prefix = sample["policy_number"][:4]
    by_prefix = support.get("/seminars/activity", params={"policy_number": prefix, "limit": 1000}).json()
    assert by_prefix["items"] and all(r["policy_number"].startswith(prefix) for r in by_prefix["items"])
    word = sample["participant"].split()[-1].lower()
    by_person = support.get("/seminars/activity", params={"participant": word, "limit": 1000}).json()["items"]
    assert all(word in r["participant"].lower() for r in by_person) and sample["id"] in {
        r["id"] for r in by_person
    }
    assert [r["completed_on"] for r in rows] == sorted((r["completed_on"] for r in rows), reverse=True)


def test_risk_resources_follow_the_callers_coverage(sandbox: SandboxServer, support: httpx2.Client) -> None:
    every = support.get("/risk/resources").json()["items"]
    with sandbox.client(sandbox.token("dr.patel")) as patel:
        mine = patel.get("/risk/resources").json()["items"]
        coverages = {p["coverage_type"] for p in patel.get("/policies").json()["items"]}
    assert mine and len(mine) <= len(every)
    assert all(coverages & set(r["coverage_types"]) for r in mine)
    assert all((r["document_id"] is None) != (r["url"] is None) for r in every)


def test_agent_resources_are_newest_first(sandbox: SandboxServer) -> None:
    with sandbox.client(sandbox.token("agent.rivera")) as agent:
        items = agent.get("/agent/resources").json()["items"]
        bulletins = agent.get("/agent/resources", params={"category": "bulletins"}).json()["items"]
    assert [i["published_on"] for i in items] == sorted((i["published_on"] for i in items), reverse=True)
    assert bulletins and all(i["category"] == "bulletins" for i in bulletins)


@pytest.mark.parametrize(
    ("query", "kind", "pattern"),
    [
        ("coastal", "past_due", r"past due \$[\d,]+\.\d\d since \d{4}-\d\d-\d\d on account \d+"),
        ("dr.lopez", "locked_user", r"user dr\.lopez locked since \d{4}-\d\d-\d\d"),
        ("dr.kim", "mfa_not_enrolled", r"MFA never enrolled for user dr\.kim"),
        ("credentialing.mercy", "overdue_holder_request", r"holder request for .+ \d+ days old"),
        ("dr.abbott", "cancelled_policy", r"policy \w+ cancelled on \d{4}-\d\d-\d\d"),
    ],
)
def test_support_finds_accounts_and_says_what_is_wrong(
    support: httpx2.Client, query: str, kind: str, pattern: str
) -> None:
    hits = support.get("/support/accounts", params={"q": query}).json()["items"]
    flagged = [f for hit in hits for f in hit["flags"] if f["kind"] == kind]
    assert flagged, hits
    assert any(re.fullmatch(pattern, f["message"]) for f in flagged), flagged
    overview = support.get(f"/support/accounts/{hits[0]['id']}").json()
    assert overview["flags"] == hits[0]["flags"]
    assert overview["policies"] and overview["users"]


def test_home_lists_what_needs_attention(patel: httpx2.Client) -> None:
    home = patel.get("/home").json()
    assert home["announcements"] and home["risk_highlights"]
    kinds = {item["kind"] for item in home["attention"]}
    assert "amount_due" in kinds or "past_due" in kinds
    assert "renewal_documents" in kinds
