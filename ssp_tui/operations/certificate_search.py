"""Finding certificates the way the portal's Credentialing page does: search insureds (by policy number or
policyholder, Active/Cancelled/All), then list each policy's certificates for the current or renewal term.
The CLI's ``coi`` commands, the credentialing-season operations and the TUI's Expiring view share it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Certificate, CertificateSort, CertificateTerm, SearchBy, StatusFilter
from ssp_tui.api.pagination import Paginator
from ssp_tui.operations.sorted_merge import merge_sorted_pages


@dataclass(frozen=True, slots=True)
class CertificateQuery:
    text: str | None
    by: SearchBy = SearchBy.POLICYHOLDER
    status: StatusFilter | None = None
    """None: active policies (or, to find certificates by id, every policy)."""
    term: CertificateTerm | None = None
    """None: the current term (or, to find certificates by id, every term)."""


async def find_certificates(
    client: PortalClient, query: CertificateQuery, *, for_ids: bool = False
) -> list[Certificate]:
    """The certificates of the insureds the search finds, in the order the portal lists them (by insured,
    policy and holder). ``for_ids``: the caller looks for certificates by id, so whatever the options leave
    open is searched in full. One certificate search per term, however many policies it spans."""
    listings = _listings(client, query, for_ids=for_ids)
    found = await asyncio.gather(*(listing.collect() for listing in listings))
    return [cert for certificates in found for cert in certificates]


def _listings(
    client: PortalClient, query: CertificateQuery, *, for_ids: bool, sort: CertificateSort | None = None
) -> list[Paginator[Certificate]]:
    """The certificate searches ``query`` stands for: one per term."""
    if query.term is not None:
        terms = [query.term]
    elif for_ids:
        terms = [CertificateTerm.CURRENT, CertificateTerm.RENEWAL]
    else:
        terms = [CertificateTerm.CURRENT]
    status = query.status or (StatusFilter.ALL if for_ids else StatusFilter.ACTIVE)
    return [
        client.credentialing.search_certificates(query.text, by=query.by, status=status, term=term, sort=sort)
        for term in terms
    ]


def portal_order(sort: CertificateSort) -> Callable[[Certificate], tuple[str, ...]]:
    """The order the portal lists certificates in for ``sort`` (docs/api.md), as a sort key."""
    if sort is CertificateSort.HOLDER:
        return lambda c: (
            c.holder_name.casefold(), c.insured_name.casefold(), c.policy_number,
            c.insured_name, c.holder_name, c.id,
        )  # fmt: skip
    return lambda c: (
        c.insured_name.casefold(), c.policy_number, c.holder_name.casefold(),
        c.insured_name, c.holder_name, c.id,
    )  # fmt: skip


async def certificate_pages(
    client: PortalClient, queries: Sequence[CertificateQuery], sort: CertificateSort
) -> AsyncIterator[list[Certificate]]:
    """The certificates the queries find, each once, in ``sort``'s order, a page at a time as the portal
    sends them (the next page asked for while the caller prints this one): the portal sorts, so nothing
    waits for the last page. Several searches are merged page by page (each comes in the same order)."""
    listings = [each for query in queries for each in _listings(client, query, for_ids=False, sort=sort)]
    if len(listings) == 1:
        async for page in listings[0].pages():
            yield page.items
        return
    seen: set[str] = set()
    streams = [(page.items async for page in listing.pages()) for listing in listings]
    async for batch in merge_sorted_pages(streams, portal_order(sort)):
        fresh: list[Certificate] = []
        for cert in batch:
            if cert.id not in seen:  # found by two of the searches: the same key, so in the same batch
                seen.add(cert.id)
                fresh.append(cert)
        yield fresh
