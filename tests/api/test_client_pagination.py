"""Pagination and the query each resource sends."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx2
import pytest
from client_helpers import Harness, json_response

from ssp_tui.api.errors import ProtocolError
from ssp_tui.api.models import (
    AgentCategory,
    CertificateSort,
    CertificateTerm,
    Page,
    SearchBy,
    StatusFilter,
    Term,
)
from ssp_tui.api.pagination import Paginator


def policy(n: int) -> dict:
    return {
        "id": f"p{n}",
        "policy_number": f"NC-{n:05d}",
        "policyholder": f"Holder {n}",
        "insurer": "NORCAL",
        "coverage_type": "physician",
        "status": "active",
        "term_start": "2026-01-01",
        "term_end": "2027-01-01",
    }


class PagedPortal:
    def __init__(self, total: int, page_size: int) -> None:
        self.total = total
        self.page_size = page_size
        self.requests: list[httpx2.Request] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        start = int(request.url.params.get("cursor", "0"))
        end = min(start + self.page_size, self.total)
        next_cursor = str(end) if end < self.total else None
        return json_response(
            200, {"items": [policy(n) for n in range(start, end)], "next_cursor": next_cursor}
        )


async def test_async_for_follows_next_cursor(harness: Harness) -> None:
    portal = PagedPortal(total=250, page_size=100)
    async with harness.client(portal.handle) as client:
        numbers = [p.policy_number async for p in client.policies.list(status=StatusFilter.ALL, q="NC")]
    assert numbers == [f"NC-{n:05d}" for n in range(250)]
    cursors = [r.url.params.get("cursor") for r in portal.requests]
    assert cursors == [None, "100", "200"]
    assert all(r.url.params["status"] == "all" and r.url.params["q"] == "NC" for r in portal.requests)
    assert all(r.url.params["limit"] == "1000" for r in portal.requests)  # the API's largest page


async def test_pages_report_progress_and_collect_stops_early(harness: Harness) -> None:
    portal = PagedPortal(total=250, page_size=100)
    async with harness.client(portal.handle, page_size=100) as client:
        sizes = [len(page.items) async for page in client.policies.list().pages()]
        assert sizes == [100, 100, 50]
        portal.requests.clear()
        first = await client.policies.list().collect(limit=120)
    assert len(first) == 120
    assert len(portal.requests) == 2  # the third page was never asked for


async def test_the_next_page_is_asked_for_while_the_caller_works_on_this_one(harness: Harness) -> None:
    """Prefetching: the portal prepares page 2 while the caller prints or shows page 1."""
    portal = PagedPortal(total=250, page_size=100)
    async with harness.client(portal.handle, page_size=100) as client:
        seen_when_given: list[int] = []
        pages = client.policies.list().pages()
        async for _page in pages:
            for _ in range(5):
                await asyncio.sleep(0)  # the caller busy with the page
            seen_when_given.append(len(portal.requests))
        assert seen_when_given == [2, 3, 3]  # page 2 asked for during page 1, page 3 during page 2
        portal.requests.clear()
        async for _page in client.policies.list().pages():
            break  # a caller that stops after one page
        await asyncio.sleep(0.01)
        assert len(portal.requests) <= 2  # the one prefetched page at most, and nothing after it


async def test_the_first_page_is_asked_for_in_the_callers_own_step() -> None:
    """Not in a task of its own a turn later: Policy Services gathers a policy's documents with the policy,
    and the documents' request went out only after a frame of the screen the loop had ready meanwhile (one
    layout, 15-47 ms on the large book, added to the open; docs/performance.md)."""
    asked: list[str | None] = []

    async def fetch_page(cursor: str | None, wanted: int | None = None) -> Page[int]:
        asked.append(cursor)
        return Page(items=[1], next_cursor=None)

    collecting = asyncio.ensure_future(Paginator(fetch_page, endpoint="GET /x").collect())
    await asyncio.sleep(0)  # one turn of the loop: the collecting task's first step, then this one
    assert asked == [None]
    assert await collecting == [1]


async def test_a_repeated_cursor_is_a_protocol_error_not_an_endless_loop(harness: Harness) -> None:
    def looping(request: httpx2.Request) -> httpx2.Response:
        return json_response(200, {"items": [policy(1)], "next_cursor": "same"})

    async with harness.client(looping) as client:
        with pytest.raises(ProtocolError, match="repeated a page cursor"):
            await client.policies.list().collect()


async def test_resources_send_the_contract_paths_and_queries(harness: Harness) -> None:
    seen: list[httpx2.Request] = []

    def empty_page(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return json_response(200, {"items": [], "next_cursor": None})

    async with harness.client(empty_page) as client:
        await client.documents.list("pol/1", term=Term.RENEWAL).collect()
        await client.credentialing.insureds("smith", by=SearchBy.POLICY_NUMBER).collect()
        await client.credentialing.certificates("p1", term=CertificateTerm.RENEWAL, insured_id="i1").collect()
        await client.credentialing.holder_requests().collect()
        await client.risk.list(q="consent").collect()
        await client.seminars.catalog().collect()
        await client.seminars.activity(
            participant="Lee", date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)
        ).collect()
        await client.agent.resources(category=AgentCategory.BULLETINS).collect()
        await client.support.search("past due").collect()
        await client.billing.accounts().collect()
        await client.billing.policies().collect()
        await client.credentialing.search_certificates(
            "NCP1", by=SearchBy.POLICY_NUMBER, status=StatusFilter.ACTIVE, term=CertificateTerm.RENEWAL
        ).collect()
        await client.credentialing.search_certificates(sort=CertificateSort.HOLDER).collect()
        await client.credentialing.certificates("p1", sort=CertificateSort.INSURED).collect()
    paths = [r.url.raw_path.decode().split("?")[0] for r in seen]
    assert paths == [
        "/api/v1/policies/pol%2F1/documents",  # an id never escapes its path segment
        "/api/v1/credentialing/insureds",
        "/api/v1/credentialing/certificates",
        "/api/v1/credentialing/holder-requests",
        "/api/v1/risk/resources",
        "/api/v1/seminars",
        "/api/v1/seminars/activity",
        "/api/v1/agent/resources",
        "/api/v1/support/accounts",
        "/api/v1/billing/accounts",
        "/api/v1/billing/policies",
        "/api/v1/credentialing/certificates",  # the search: no policy_id
        "/api/v1/credentialing/certificates",
        "/api/v1/credentialing/certificates",
    ]
    params = [dict(r.url.params) for r in seen]
    assert params[0]["term"] == "renewal"
    assert params[1] == {"q": "smith", "by": "policy_number", "status": "all", "limit": "1000"}
    # Every listing asks for the largest page the API allows: 100,000 rows are 100 requests, not 1,000.
    assert all(page["limit"] == "1000" for page in params)
    assert (
        params[2]["policy_id"] == "p1" and params[2]["term"] == "renewal" and params[2]["insured_id"] == "i1"
    )
    assert "category" not in params[4] and params[4]["q"] == "consent"
    assert (
        params[6]["from"] == "2026-01-01"
        and params[6]["to"] == "2026-06-30"
        and params[6]["participant"] == "Lee"
    )
    assert params[7]["category"] == "bulletins"
    assert params[8]["q"] == "past due"
    assert params[11] == {
        "q": "NCP1",
        "by": "policy_number",
        "status": "active",
        "term": "renewal",
        "limit": "1000",
    }  # no sort: the portal's default order
    assert params[12]["sort"] == "holder" and params[13]["sort"] == "insured"


def test_pdf_paths() -> None:
    from ssp_tui.api.resources import CredentialingResource, DocumentsResource

    assert DocumentsResource.content_path("d1") == "/documents/d1/content"
    assert CredentialingResource.certificate_pdf_path("c1") == "/credentialing/certificates/c1/pdf"
    assert (
        CredentialingResource.claims_history_path("i 1", "p&1")
        == "/credentialing/insureds/i%201/claims-history?policy_id=p%261"
    )


async def test_collect_with_a_limit_asks_for_no_more_than_it_keeps(harness: Harness) -> None:
    """The first 501 of a broad search: one page of 501, not a full page of 1,000 (issue 23: Support's
    search asked the portal for twice what it showed)."""
    portal = PagedPortal(total=2500, page_size=1000)
    async with harness.client(portal.handle) as client:
        first = await client.policies.list().collect(limit=501)
    assert len(first) == 501
    assert [r.url.params["limit"] for r in portal.requests] == ["501"]


async def test_later_pages_of_a_limited_collect_ask_only_for_what_is_still_wanted(harness: Harness) -> None:
    portal = PagedPortal(total=2500, page_size=100)  # a portal that gives less than asked for
    async with harness.client(portal.handle) as client:
        first = await client.policies.list().collect(limit=250)
    assert [p.policy_number for p in first] == [f"NC-{n:05d}" for n in range(250)]
    assert [r.url.params["limit"] for r in portal.requests] == ["250", "150", "50"]
