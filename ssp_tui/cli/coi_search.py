"""Finding certificates the way the portal's Credentialing page does: search insureds (by policy number or
policyholder, Active/Cancelled/All) and list their certificates for the current or renewal term."""

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


@dataclass(frozen=True, slots=True)
class CertificateQuery:
    text: str | None
    by: SearchBy = SearchBy.POLICYHOLDER
    status: StatusFilter | None = None
    """None: active policies (or, to find certificates by id, every policy)."""
    term: CertificateTerm | None = None
    """None: the current term (or, to find certificates by id, every term)."""


def query_options(command: F) -> F:
    """Adds --query, --by, --status and --term, handed to the command as one ``query: CertificateQuery``."""

    @functools.wraps(command)
    def with_query(
        *args: Any, query_text: str | None, by: str, status: str | None, term: str | None, **kwargs: Any
    ) -> Any:
        query = CertificateQuery(
            text=(query_text or "").strip() or None,
            by=_BY_CHOICES[by],
            status=StatusFilter(status) if status else None,
            term=CertificateTerm(term) if term else None,
        )
        return command(*args, query=query, **kwargs)

    options = [
        click.option(
            "--query", "-q", "query_text", metavar="Q", help="A policy number or policyholder to search."
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
