"""Resolving many policies and listing their documents: concurrent, one request a policy, order kept."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator

import httpx2
import pytest

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role, Session, Term, User
from ssp_tui.operations import policy_lookup
from ssp_tui.operations.policy_lookup import (
    PolicyRef,
    policy_document_lists,
    policy_documents,
    resolve_policies,
)

POLICIES = {f"NCP{n:07d}": f"po_{n:04d}" for n in range(1, 41)}


def summary(number: str) -> dict[str, object]:
    n = int(number[3:])
    return {
        "id": POLICIES[number],
        "policy_number": number,
        "policyholder": f"Holder {n}",
        "insurer": "NORCAL",
        "coverage_type": "physician",
        "status": "active",
        "term_start": "2026-01-01",
        "term_end": "2027-01-01",
        "has_renewal": n % 2 == 0,
    }


def document(policy_id: str, term: str, n: int) -> dict[str, object]:
    return {
        "id": f"do_{policy_id}_{term}_{n}",
        "title": f"Document {n}",
        "type": "endorsement",
        "issued_on": "2026-02-01",
        "pages": 1,
        "bytes": 1000,
        "sha256": "0" * 64,
        "policy_id": policy_id,
        "policy_number": None,  # an older portal: filled in from the policy
        "term": None,
    }


class _Body(httpx2.AsyncByteStream):
    """A body as a network peer sends it (a MockTransport response built from bytes is pre-read)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data


def reply(status: int, payload: object) -> httpx2.Response:
    headers = {"content-type": "application/problem+json" if status >= 400 else "application/json"}
    return httpx2.Response(status, headers=headers, stream=_Body(json.dumps(payload).encode()))


class Portal:
    """Answers the policy search, the policy detail and document lists; counts requests and how many were
    in flight at once. ``search_matches_ids``: False for a portal whose search does not (an older one)."""

    def __init__(self, *, search_matches_ids: bool = True) -> None:
        self.search_matches_ids = search_matches_ids
        self.requests: list[httpx2.Request] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.005)  # long enough for the others to start if they are allowed to
            return self.answer(request)
        finally:
            self.in_flight -= 1

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/policies":
            q = request.url.params.get("q", "")
            # As the portal's search: part of a number (any case), or an id exactly.
            by_id = {policy_id: n for n, policy_id in POLICIES.items()} if self.search_matches_ids else {}
            items = [summary(n) for n in POLICIES if q.upper() in n or by_id.get(q) == n]
            # Pages of 16 (the cursor is where the next starts), so a whole listing takes several.
            start = int(request.url.params.get("cursor") or 0)
            following = str(start + 16) if start + 16 < len(items) else None
            return reply(200, {"items": items[start : start + 16], "next_cursor": following})
        if path.startswith("/policies/") and path.endswith("/documents"):
            policy_id, term = path.split("/")[2], request.url.params["term"]
            items = [document(policy_id, term, n) for n in range(2)]
            return reply(200, {"items": items, "next_cursor": None})
        if path.startswith("/policies/"):
            policy_id = path.split("/")[2]
            number = next((k for k, v in POLICIES.items() if v == policy_id), None)
            if number is None:
                return reply(404, {"title": "Not found", "status": 404})
            detail = {k: v for k, v in summary(number).items() if k not in ("term_start", "term_end")}
            start = {"start": "2026-01-01", "end": "2027-01-01", "retro_date": "2020-01-01"}
            money = {"limit_per_claim_cents": 1, "limit_aggregate_cents": 1, "premium_cents": 1}
            detail.pop("has_renewal")
            detail |= {"claims_made": True, "insureds": [], "terms": [{"term": "current", **start, **money}]}
            return reply(200, detail)
        return reply(500, {"title": "Unexpected", "status": 500})


@pytest.fixture
def portal() -> Portal:
    return Portal()


def client_for(portal: Portal) -> PortalClient:
    client = PortalClient("http://portal.test", transport=httpx2.MockTransport(portal.handle))
    user = User(id="u1", username="agent", display_name="Agent", email="a@example.test", role=Role.AGENT)
    client.auth.set_session(Session(access_token="a", refresh_token="r", expires_in=900, user=user))
    return client


async def test_many_policy_numbers_cost_one_request_each_run_concurrently_and_keep_their_order(
    portal: Portal,
) -> None:
    numbers = list(POLICIES)[::-1]  # not the portal's order
    async with client_for(portal) as client:
        resolved = await resolve_policies(client, [n.lower() for n in numbers], concurrency=6)
    assert [p.policy_number for p in resolved.found] == numbers
    assert resolved.unknown == []
    assert len(portal.requests) == len(numbers)  # one search each: no 404 lookup, no detail
    assert all(r.url.path == "/api/v1/policies" for r in portal.requests)
    assert 1 < portal.most_in_flight <= 6
    # From the search alone: the renewal term only where one is offered (even numbers here).
    assert resolved.found[0].terms == (Term.PREVIOUS, Term.CURRENT, Term.RENEWAL)  # NCP0000040
    assert resolved.found[1].terms == (Term.PREVIOUS, Term.CURRENT)  # NCP0000039


REFERENCES = ["po_0007", "NCP0000003", "nope-1", "NCP0000007", "nope-2"]


def asked_per_reference(portal: Portal) -> Counter[str]:
    return Counter(r.url.params.get("q") or r.url.path.rsplit("/", 1)[-1] for r in portal.requests)


async def test_an_id_or_a_number_costs_one_search_and_the_unknown_are_named_together(portal: Portal) -> None:
    async with client_for(portal) as client:
        resolved = await resolve_policies(client, REFERENCES, concurrency=3)
    # NCP0000007 is po_0007 named again: kept once, where it was first named.
    assert [(p.reference, p.policy_number) for p in resolved.found] == [
        ("po_0007", "NCP0000007"),
        ("NCP0000003", "NCP0000003"),
    ]
    assert resolved.found[0].terms == (Term.PREVIOUS, Term.CURRENT)  # no renewal offered on NCP0000007
    assert resolved.unknown == ["nope-1", "nope-2"]
    # Found: one search each, no detail. Not found: the search, then a lookup as an id (404).
    assert asked_per_reference(portal) == {
        "po_0007": 1, "NCP0000003": 1, "NCP0000007": 1, "nope-1": 2, "nope-2": 2
    }  # fmt: skip


async def test_a_portal_whose_search_does_not_match_ids_still_finds_an_id() -> None:
    portal = Portal(search_matches_ids=False)
    async with client_for(portal) as client:
        resolved = await resolve_policies(client, REFERENCES, concurrency=3)
    assert [(p.reference, p.policy_number) for p in resolved.found] == [
        ("po_0007", "NCP0000007"),
        ("NCP0000003", "NCP0000003"),
    ]
    assert resolved.found[0].terms == (Term.CURRENT,)  # from the detail: the terms it really has
    assert resolved.unknown == ["nope-1", "nope-2"]
    assert asked_per_reference(portal)["po_0007"] == 2


async def test_documents_of_many_policies_are_listed_concurrently_in_policy_and_term_order(
    portal: Portal,
) -> None:
    policies = [
        PolicyRef(number, POLICIES[number], number, (Term.PREVIOUS, Term.CURRENT)) for number in POLICIES
    ]
    async with client_for(portal) as client:
        documents = await policy_documents(client, policies, lambda p: p.terms, concurrency=4)
    assert len(portal.requests) == 2 * len(policies)
    assert 1 < portal.most_in_flight <= 4
    expected = [(p.policy_number, term) for p in policies for term in p.terms for _ in range(2)]
    assert [(d.policy_number, d.term) for d in documents] == expected


async def test_document_lists_are_handed_on_in_order_before_the_last_is_fetched(portal: Portal) -> None:
    policies = [PolicyRef(n, POLICIES[n], n, (Term.PREVIOUS, Term.CURRENT)) for n in list(POLICIES)[:4]]
    async with client_for(portal) as client:
        lists = policy_document_lists(client, policies, lambda p: p.terms, concurrency=2)
        first = await anext(lists)
        asked_by_then = len(portal.requests)
        rest = [documents async for documents in lists]
    assert [(d.policy_number, d.term) for d in first] == [(policies[0].policy_number, Term.PREVIOUS)] * 2
    assert asked_by_then < 8 == len(portal.requests)
    assert [(d.policy_number, d.term) for documents in rest for d in documents[:1]] == [
        (p.policy_number, term) for p in policies for term in p.terms
    ][1:]


async def test_many_references_read_the_book_once_instead_of_a_search_each(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policy_lookup, "WHOLE_BOOK_FROM", 10)
    numbers = list(POLICIES)[::-1]
    references = [n.lower() for n in numbers] + ["po_0007", "nope-1"]
    async with client_for(portal) as client:
        resolved = await resolve_policies(client, references, concurrency=6)
    # The same answer as one search each: order kept, the id found, the unknown named.
    assert [p.policy_number for p in resolved.found] == numbers  # po_0007 is NCP0000007 again: kept once
    assert resolved.unknown == ["nope-1"]
    assert resolved.found[0].terms == (Term.PREVIOUS, Term.CURRENT, Term.RENEWAL)
    # Three pages (40 policies, 16 a page) answer every number and id; only the unknown is looked up.
    listings = [r for r in portal.requests if r.url.path == "/api/v1/policies"]
    assert len(listings) == 3 and not any("q" in r.url.params for r in listings)
    assert [r.url.path for r in portal.requests if r not in listings] == ["/api/v1/policies/nope-1"]
