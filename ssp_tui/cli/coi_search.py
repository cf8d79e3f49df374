"""The ``coi`` commands' search options (--query, --by, --status, --term), made into one
``CertificateSearch``: a ``CertificateQuery`` per ``--query`` given (the option is repeatable and every
value counts) for ``ssp_tui.operations.certificate_search``, which does the searching."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ssp_tui.api.models import Certificate, CertificateTerm, SearchBy, StatusFilter
from ssp_tui.operations.certificate_search import CertificateQuery, find_certificates

if TYPE_CHECKING:
    from ssp_tui.api.client import PortalClient

__all__ = ["CertificateQuery", "CertificateSearch", "find_all", "find_certificates", "query_options"]

F = TypeVar("F", bound=Callable[..., Any])

_BY_CHOICES = {"policy-number": SearchBy.POLICY_NUMBER, "policyholder": SearchBy.POLICYHOLDER}


@dataclass(frozen=True, slots=True)
class CertificateSearch:
    texts: tuple[str, ...]
    """Each ``--query`` given; none: every insured the caller may see."""
    query: CertificateQuery
    """--by, --status and --term (its ``text`` is filled from ``texts``, one search each)."""

    def queries(self) -> list[CertificateQuery]:
        return [replace(self.query, text=text) for text in self.texts] or [self.query]


async def find_all(
    client: PortalClient, search: CertificateSearch, *, for_ids: bool = False
) -> list[Certificate]:
    """Every certificate any of the queries finds, each once, in the order first found."""
    found: dict[str, Certificate] = {}
    for query in search.queries():
        for certificate in await find_certificates(client, query, for_ids=for_ids):
            found.setdefault(certificate.id, certificate)
    return list(found.values())


def query_options(command: F) -> F:
    """Adds --query (repeatable), --by, --status and --term, handed to the command as one
    ``query: CertificateSearch``."""

    @functools.wraps(command)
    def with_query(
        *args: Any, query_texts: tuple[str, ...], by: str, status: str | None, term: str | None, **kwargs: Any
    ) -> Any:
        search = CertificateSearch(
            texts=tuple(dict.fromkeys(text.strip() for text in query_texts if text.strip())),
            query=CertificateQuery(
                text=None,
                by=_BY_CHOICES[by],
                status=StatusFilter(status) if status else None,
                term=CertificateTerm(term) if term else None,
            ),
        )
        return command(*args, query=search, **kwargs)

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
