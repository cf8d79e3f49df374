"""``ssp-tui calendar export FILE.ics``: the dates to keep, for any calendar app (RFC 5545)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from ssp_tui import clock
from ssp_tui.api.errors import Forbidden
from ssp_tui.api.models import BillingDetail, BillingTerm, StatusFilter
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.formatting import plural
from ssp_tui.operations.season.calendar_export import (
    CalendarEvent,
    build_calendar,
    holder_request_events,
    installment_events,
    policy_events,
    write_calendar,
)

_PARALLEL = 6


@click.group("calendar")
def calendar_group() -> None:
    """Dates to keep: installments due, term ends and renewals, holder requests."""


async def _events(run: CliRun) -> list[CalendarEvent]:
    """What this login may see: billing needs the billing capability, policies the documents one."""
    session = run.client.auth.session
    can = set(session.user.capabilities) if session is not None else set()
    events: list[CalendarEvent] = []
    if Capability.POLICY_DOCUMENTS in can:
        events += policy_events(await run.client.policies.list(status=StatusFilter.ACTIVE).collect())
    if Capability.BILLING in can:
        accounts = await run.client.billing.accounts().collect()
        gate = asyncio.Semaphore(_PARALLEL)

        async def detail(account_id: str) -> BillingDetail | None:
            async with gate:
                try:
                    return await run.client.billing.account(account_id, BillingTerm.CURRENT)
                except Forbidden:
                    return None  # an agent sees summaries, not every account's schedule

        details = [d for d in await asyncio.gather(*(detail(a.id) for a in accounts)) if d is not None]
        events += installment_events(details)
    if Capability.CERTIFICATES in can:
        events += holder_request_events(await run.client.credentialing.holder_requests().collect())
    return events


@calendar_group.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def calendar_export(ctx: click.Context, file: Path) -> None:
    """Write the calendar to FILE (.ics); importing it again updates its events rather than doubling them.

    \b
    Examples:
      ssp-tui calendar export portal-dates.ics
    """
    if file.suffix.lower() != ".ics":
        raise click.BadParameter("use a file name ending in .ics.", param_hint="FILE")
    output = make_output(ctx)
    events = run_portal(ctx, _events, output=output)
    data = build_calendar(events, clock.now())
    try:
        written = write_calendar(file.expanduser(), data)
    except OSError as exc:
        raise CommandFailed(f"Could not write {file}: {exc.strerror or type(exc).__name__}.") from None
    output.line(str(written))
    output.info(f"{plural(len(events), 'event')} in {written}.")
