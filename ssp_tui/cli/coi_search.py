"""The ``coi`` commands' search options (--query, --by, --status, --term), made into one ``CertificateQuery``
for ``ssp_tui.operations.certificate_search``, which does the searching."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ssp_tui.api.models import CertificateTerm, SearchBy, StatusFilter
from ssp_tui.operations.certificate_search import CertificateQuery, find_certificates

__all__ = ["CertificateQuery", "find_certificates", "query_options"]

F = TypeVar("F", bound=Callable[..., Any])

_BY_CHOICES = {"policy-number": SearchBy.POLICY_NUMBER, "policyholder": SearchBy.POLICYHOLDER}


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
