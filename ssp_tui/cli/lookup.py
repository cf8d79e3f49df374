"""Turning what a person types (a policy number, an id, a date) into what the client needs."""

from __future__ import annotations

from datetime import date

import click

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import NotFound
from ssp_tui.api.models import PolicyDetail, StatusFilter
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.operations.dates import DateParseError, parse_date


async def resolve_policy(client: PortalClient, reference: str) -> PolicyDetail:
    """A policy by id or by policy number (any status); a clear error when the caller has no such policy."""
    text = reference.strip()
    if not text:
        raise CommandFailed("A policy number or id is needed.")
    try:
        return await client.policies.get(text)
    except NotFound:
        pass  # not an id this caller may see; try it as a policy number
    async for summary in client.policies.list(status=StatusFilter.ALL, q=text):
        if summary.policy_number.casefold() == text.casefold():
            return await client.policies.get(summary.id)
    raise CommandFailed(
        f"No policy {text!r}: use a policy number or id from `ssp-tui policies list --status all`."
    )


def date_option_value(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A click callback: ISO and the common US forms; a bad date is a usage error (exit 2)."""
    if value is None or not value.strip():
        return None
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param=param) from None
