"""Finding certificates the way the portal's Credentialing page does: search insureds (by policy number or
policyholder, Active/Cancelled/All), then list each policy's certificates for the current or renewal term.
The CLI's ``coi`` commands, the credentialing-season operations and the TUI's Expiring view share it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Certificate, CertificateTerm, SearchBy, StatusFilter


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
    if query.term is not None:
        terms = [query.term]
    elif for_ids:
        terms = [CertificateTerm.CURRENT, CertificateTerm.RENEWAL]
    else:
        terms = [CertificateTerm.CURRENT]
    status = query.status or (StatusFilter.ALL if for_ids else StatusFilter.ACTIVE)
    found = await asyncio.gather(
        *(
            client.credentialing.search_certificates(
                query.text, by=query.by, status=status, term=term
            ).collect()
            for term in terms
        )
    )
    return [cert for certificates in found for cert in certificates]
