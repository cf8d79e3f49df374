"""Finding certificates the way the portal's Credentialing page does: search insureds (by policy number or
policyholder, Active/Cancelled/All), then list each policy's certificates for the current or renewal term."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Certificate, CertificateTerm, SearchBy, StatusFilter

F = TypeVar("F", bound=Callable[..., Any])

_BY_CHOICES = {"policy-number": SearchBy.POLICY_NUMBER, "policyholder": SearchBy.POLICYHOLDER}
_PARALLEL_POLICIES = 6
"""Certificate lists fetched at once; an agent's search can span many policies."""


@dataclass(frozen=True, slots=True)
class CertificateQuery:
    texts: tuple[str, ...]
    """Each ``--query`` given (repeatable: every one is searched); none: every insured the caller may see."""
    by: SearchBy = SearchBy.POLICYHOLDER
    status: StatusFilter | None = None
    """None: active policies (or, to find certificates by id, every policy)."""
    term: CertificateTerm | None = None
    """None: the current term (or, to find certificates by id, every term)."""


def query_options(command: F) -> F:
    """Adds --query, --by, --status and --term, handed to the command as one ``query: CertificateQuery``."""

    @functools.wraps(command)
    def with_query(
        *args: Any, query_texts: tuple[str, ...], by: str, status: str | None, term: str | None, **kwargs: Any
    ) -> Any:
        query = CertificateQuery(
            texts=tuple(dict.fromkeys(text.strip() for text in query_texts if text.strip())),
            by=_BY_CHOICES[by],
            status=StatusFilter(status) if status else None,
            term=CertificateTerm(term) if term else None,
        )
        return command(*args, query=query, **kwargs)

    options = [
        click.option(
            "--query",
            "query_texts",
            metavar="Q",
            multiple=True,
            help="A policy number or policyholder to search (repeatable: every one is searched).",
        ),
        click.option("--by", type=click.Choice(list(_BY_CHOICES)), default="policyholder", show_default=True),
        click.option(
            "--status",
            type=click.Choice([s.value for s in StatusFilter]),
            help="Policy status to search (default: active).",
        ),
        click.option(
            "--term",
            type=click.Choice([t.value for t in CertificateTerm]),
            help="Current (the default) or renewal term.",
        ),
    ]
    wrapped: Any = with_query
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


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
    insureds = []
    for text in query.texts or (None,):
        insureds += await client.credentialing.insureds(q=text, by=query.by, status=status).collect()
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
    # Two queries may find the same insured: each certificate once, in the order first found.
    unique = {cert.id: cert for certificates in found for cert in certificates}
    return list(unique.values())
