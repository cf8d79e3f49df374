"""Seeded money adds up, on every billing account and every policy, for both terms, as the portal shows it:
the installments sum to the term amount, the applied payments to the installments paid, and the balance to
what is left. (A policy's figures are a share of its account's; rounding each piece down once left a current
term $0.10 short and a previous term at a $0.00 balance with $0.09 unpaid.)"""

from __future__ import annotations

import httpx2
import msgspec
import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.models import BillingDetail, BillingSummary, InstallmentStatus, Page, Role
from ssp_tui.sandbox.routes_billing import shares


def _all(client: httpx2.Client, path: str) -> list[BillingSummary]:
    items: list[BillingSummary] = []
    cursor: str | None = None
    while True:
        params = {"limit": "1000", **({"cursor": cursor} if cursor else {})}
        answer = client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        page = msgspec.json.decode(answer.content, type=Page[BillingSummary])
        items += page.items
        if not page.next_cursor:
            return items
        cursor = page.next_cursor


def _problems(detail: BillingDetail) -> list[str]:
    where = f"{detail.kind.value} {detail.number} ({detail.term.value})"
    installments = sum(i.amount_cents for i in detail.installments)
    paid = sum(i.amount_cents for i in detail.installments if i.status is InstallmentStatus.PAID)
    applied = sum(p.amount_cents for p in detail.payments)
    problems = []
    if installments != detail.term_amount_cents:
        problems.append(f"{where}: installments {installments} != term amount {detail.term_amount_cents}")
    if applied != paid:
        problems.append(f"{where}: payments applied {applied} != installments paid {paid}")
    if detail.balance_cents != detail.term_amount_cents - applied:
        left = detail.term_amount_cents - applied
        problems.append(f"{where}: balance {detail.balance_cents} != {left} left of the term amount")
    if not 0 <= detail.amount_due_cents <= detail.balance_cents:
        problems.append(f"{where}: amount due {detail.amount_due_cents} outside 0..{detail.balance_cents}")
    return problems


def test_every_seeded_term_adds_up(sandbox: SandboxServer) -> None:
    # Support reads every account, with the payments applied (payment history is the policyholder's and
    # support's), so it sees every seeded term.
    support = sandbox.account(Role.SUPPORT)
    problems: list[str] = []
    checked = 0
    with sandbox.client(sandbox.token(support.username)) as client:
        for kind in ("accounts", "policies"):
            for summary in _all(client, f"/billing/{kind}"):
                for term in ("previous", "current"):
                    answer = client.get(f"/billing/{kind}/{summary.id}", params={"term": term})
                    assert answer.status_code == 200, answer.text
                    detail = msgspec.json.decode(answer.content, type=BillingDetail)
                    problems += _problems(detail)
                    checked += 1
                    if detail.payments:
                        assert detail.payments[0].reference, "support sees the payments applied"
    assert checked > 200  # every account and every policy, two terms each
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize(
    ("amounts", "share"),
    [
        ([33_33, 33_33, 33_34], (1, 3)),
        ([10_001] * 12, (7, 13)),
        ([5], (1, 2)),
        ([], (1, 1)),
        ([99, 1], (2, 2)),
    ],
)
def test_shares_add_up_like_the_whole(amounts: list[int], share: tuple[int, int]) -> None:
    part, whole = share
    pieces = shares(amounts, share)
    for n in range(len(amounts) + 1):
        assert sum(pieces[:n]) == sum(amounts[:n]) * part // whole
