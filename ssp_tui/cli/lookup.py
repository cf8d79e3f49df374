"""Turning what a person types (a policy number, an id, a date) into what the client needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import click

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import NotFound
from ssp_tui.api.models import PolicyDetail, StatusFilter
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.operations.dates import DateParseError, parse_date


class NoSuchPolicy(CommandFailed):
    """The caller has no policy by this number or id (exit 1 alone; in a batch, that item fails)."""


async def resolve_policy(client: PortalClient, reference: str) -> PolicyDetail:
    """A policy by id or by policy number (any status); a clear error when the caller has no such policy."""
    text = reference.strip()
    if not text:
        raise NoSuchPolicy("A policy number or id is needed.")
    try:
        return await client.policies.get(text)
    except NotFound:
        pass  # not an id this caller may see; try it as a policy number
    async for summary in client.policies.list(status=StatusFilter.ALL, q=text):
        if summary.policy_number.casefold() == text.casefold():
            return await client.policies.get(summary.id)
    raise NoSuchPolicy(
        f"No policy {text!r}: use a policy number or id from `ssp-tui policies list --status all`."
    )


async def resolve_each(
    client: PortalClient, references: Sequence[str]
) -> tuple[list[PolicyDetail], list[tuple[str, str]]]:
    """Every policy of a batch that exists, and ``(reference, message)`` for each that does not: one bad
    policy number fails that item, not the batch."""
    found: list[PolicyDetail] = []
    failed: list[tuple[str, str]] = []
    seen: set[str] = set()
    for reference in references:
        try:
            policy = await resolve_policy(client, reference)
        except NoSuchPolicy as exc:
            failed.append((reference, exc.format_message()))
            continue
        if policy.id not in seen:  # the same policy by number and by id is one policy
            seen.add(policy.id)
            found.append(policy)
    return found, failed


def date_option_value(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A click callback: ISO and the common US forms; a bad date is a usage error (exit 2)."""
    if value is None or not value.strip():
        return None
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param=param) from None
