"""Finding certificates the way the portal's Credentialing page does: search insureds (by policy number or
policyholder, Active/Cancelled/All), then list each policy's certificates for the current or renewal term.
The CLI's ``coi`` commands, the credentialing-season operations and the TUI's Expiring view share it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Certificate, CertificateTerm, SearchBy, StatusFilter

_PARALLEL_POLICIES = 6
"""Certificate lists fetched at once; an agent's search can span many policies."""


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
    """The certificates of the insureds the search finds, in the order the portal lists them. ``for_ids``:
    the caller looks for certificates by id, so whatever the options leave open is searched in full."""
    if query.term is not None:
        terms = [query.term]
    elif for_ids:
        terms = [CertificateTerm.CURRENT, CertificateTerm.RENEWAL]
    else:
        terms = [CertificateTerm.CURRENT]
    status = query.status or (StatusFilter.ALL if for_ids else StatusFilter.ACTIVE)
    insureds = await client.credentialing.insureds(q=query.text, by=query.by, status=status).collect()
    wanted: dict[str, set[str]] = {}
    renewing: set[str] = set()
    for insured in insureds:
        wanted.setdefault(insured.policy_id, set()).add(insured.id)
        if insured.has_renewal:
            renewing.add(insured.policy_id)
    lists = [
        (policy_id, term)
        for term in terms
        for policy_id in wanted
        if term is not CertificateTerm.RENEWAL or policy_id in renewing
    ]
    gate = asyncio.Semaphore(_PARALLEL_POLICIES)

    async def certificates_of(policy_id: str, term: CertificateTerm) -> list[Certificate]:
        async with gate:
            return [
                cert
                async for cert in client.credentialing.certificates(policy_id, term=term)
                if cert.insured_id in wanted[policy_id]
            ]

    found = await asyncio.gather(*(certificates_of(policy_id, term) for policy_id, term in lists))
    return [cert for certificates in found for cert in certificates]
