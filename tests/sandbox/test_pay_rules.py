"""Pay only where the FAQ puts it: the current term, for a role and an account that may pay, with something
left to pay. (Once Pay on a previous term with nothing due still issued an InvoiceCloud link.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auth_fixtures import AuthBench, auth_bench

PATEL = "dr.patel"


async def _bearer(bench: AuthBench) -> dict[str, str]:
    session = await bench.signed_in(PATEL)
    return {"Authorization": f"Bearer {session['access_token']}"}


async def test_a_previous_term_never_offers_pay(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        auth = await _bearer(bench)
        [account] = (await bench.client.get("/billing/accounts", headers=auth)).json()["items"]
        for kind, object_id in (("accounts", account["id"]), ("policies", None)):
            if object_id is None:
                object_id = (await bench.client.get("/billing/policies", headers=auth)).json()["items"][0][
                    "id"
                ]
            path = f"/billing/{kind}/{object_id}"
            previous = (await bench.client.get(path, params={"term": "previous"}, headers=auth)).json()
            current = (await bench.client.get(path, headers=auth)).json()
            assert previous["can_pay_online"] is False
            assert current["can_pay_online"] is True and current["balance_cents"] > 0


async def test_nothing_left_to_pay_means_no_pay_link(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        auth = await _bearer(bench)
        [account] = (await bench.client.get("/billing/accounts", headers=auth)).json()["items"]
        assert (
            await bench.client.post(f"/billing/accounts/{account['id']}/pay-link", headers=auth)
        ).status_code == 200
        with sqlite3.connect(fresh_db) as conn:
            conn.execute("UPDATE installments SET status = 'paid' WHERE account_id = ?", [account["id"]])
        refused = await bench.client.post(f"/billing/accounts/{account['id']}/pay-link", headers=auth)
        assert refused.status_code == 409
        assert "Nothing is left to pay" in refused.json()["detail"]
        account_policy = (await bench.client.get("/billing/policies", headers=auth)).json()["items"][0]
        assert account_policy["can_pay_online"] is False
        by_policy = await bench.client.post(
            f"/billing/policies/{account_policy['id']}/pay-link", headers=auth
        )
        assert by_policy.status_code == 409
        detail = (await bench.client.get(f"/billing/accounts/{account['id']}", headers=auth)).json()
        assert detail["can_pay_online"] is False
        [summary] = (await bench.client.get("/billing/accounts", headers=auth)).json()["items"]
        assert summary["can_pay_online"] is False
