"""The baselines of the large benchmarks: the same data fetched and decoded with only httpx and msgspec.

Every listing is fetched at the API's largest page (limit=1000) and each page decoded into the contract's own
models; lists that are independent of each other are fetched concurrently, as a careful script would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar

import httpx2
import msgspec

from ssp_tui.api.constants import MAX_PAGE_LIMIT
from ssp_tui.api.models import (
    AgentResource,
    BillingSummary,
    Certificate,
    CredentialedInsured,
    Document,
    Home,
    Page,
    PolicyDetail,
    PolicySummary,
    RiskResource,
    Seminar,
    SeminarActivity,
    SupportAccountHit,
    User,
)

T = TypeVar("T")
_DECODERS: dict[type, msgspec.json.Decoder[Any]] = {}


def decoder(model: type[T]) -> msgspec.json.Decoder[T]:
    if model not in _DECODERS:
        _DECODERS[model] = msgspec.json.Decoder(model)
    return _DECODERS[model]


async def get(http: httpx2.AsyncClient, path: str, model: type[T], **params: Any) -> T:
    answer = await http.get(path, params={k: v for k, v in params.items() if v is not None})
    answer.raise_for_status()
    return decoder(model).decode(answer.content)


async def listing(http: httpx2.AsyncClient, path: str, item: type[T], **params: Any) -> list[T]:
    """Every page of a listing, at limit=1000, each page decoded as it arrives."""
    items: list[T] = []
    cursor: str | None = None
    page_type = Page[item]  # type: ignore[valid-type]
    while True:
        page = await get(http, path, page_type, limit=MAX_PAGE_LIMIT, cursor=cursor, **params)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


async def gathered(limit: int, work: Sequence[Any]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    return list(await asyncio.gather(*(one(c) for c in work)))


# -- what each screen needs on its first open --


async def home(http: httpx2.AsyncClient) -> tuple[User, Home]:
    return await get(http, "/me", User), await get(http, "/home", Home)


async def payments(http: httpx2.AsyncClient) -> int:
    return len(await listing(http, "/billing/accounts", BillingSummary))


async def policy_services(http: httpx2.AsyncClient) -> int:
    policies = await listing(http, "/policies", PolicySummary, status="active")
    first = policies[0].id
    detail, documents = await asyncio.gather(
        get(http, f"/policies/{first}", PolicyDetail),
        listing(http, f"/policies/{first}/documents", Document, term="current"),
    )
    return len(policies) + len(documents) + len(detail.terms)


async def credentialing(http: httpx2.AsyncClient) -> int:
    """The whole book: every insured of an active policy and their current certificates (one search each)."""
    insureds, certificates = await asyncio.gather(
        listing(http, "/credentialing/insureds", CredentialedInsured, status="active", by="policyholder"),
        listing(
            http,
            "/credentialing/certificates",
            Certificate,
            status="active",
            by="policyholder",
            term="current",
        ),
    )
    return len(insureds) + len(certificates)


async def seminars(http: httpx2.AsyncClient) -> int:
    catalog, activity = await asyncio.gather(
        listing(http, "/seminars", Seminar), listing(http, "/seminars/activity", SeminarActivity)
    )
    return len(catalog) + len(activity)


async def risk(http: httpx2.AsyncClient) -> int:
    return len(await listing(http, "/risk/resources", RiskResource))


async def agent(http: httpx2.AsyncClient) -> int:
    return len(await listing(http, "/agent/resources", AgentResource))


async def support_search(http: httpx2.AsyncClient, query: str, limit: int) -> int:
    page = await get(http, "/support/accounts", Page[SupportAccountHit], q=query, limit=limit)
    return len(page.items)
