"""``ssp-tui seminars list|activity``, ``risk list`` and ``agent resources``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import click

from ssp_tui.api.models import (
    AgentCategory,
    AgentResource,
    RiskCategory,
    RiskResource,
    Seminar,
    SeminarActivity,
)
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.lookup import date_option_value
from ssp_tui.cli.output import Column, Output, json_option
from ssp_tui.cli.root import cli
from ssp_tui.operations import export
from ssp_tui.operations.export_columns import SEMINAR_ACTIVITY_COLUMNS

SEMINAR_COLUMNS: list[Column[Seminar]] = [
    Column("Title", lambda s: s.title),
    Column("Format", lambda s: s.format.value),
    Column("CME credits", lambda s: s.cme_credits, "right"),
    Column("Date", lambda s: s.event_on),
    Column("Link", lambda s: s.url),
]
ACTIVITY_COLUMNS: list[Column[SeminarActivity]] = [
    Column("Participant", lambda a: a.participant),
    Column("Policy", lambda a: a.policy_number),
    Column("Policyholder", lambda a: a.policyholder),
    Column("Seminar", lambda a: a.title),
    Column("Format", lambda a: a.format.value),
    Column("Completed", lambda a: a.completed_on),
    Column("Credits", lambda a: a.credits, "right"),
]
RISK_COLUMNS: list[Column[RiskResource]] = [
    Column("Title", lambda r: r.title),
    Column("Category", lambda r: r.category.value.replace("_", " ")),
    Column("Published", lambda r: r.published_on),
    Column("Coverage", lambda r: r.coverage_types),
    Column("Document or link", lambda r: r.document_id or r.url),
]
AGENT_COLUMNS: list[Column[AgentResource]] = [
    Column("Title", lambda r: r.title),
    Column("Category", lambda r: r.category.value.replace("_", " ")),
    Column("Published", lambda r: r.published_on),
    Column("Document or link", lambda r: r.document_id or r.url),
]


@cli.group("seminars")
def seminars_group() -> None:
    """Seminars: the catalog and the activity history (with Excel or CSV export)."""


@seminars_group.command("list")
@json_option
@click.pass_context
def seminars_list(ctx: click.Context, as_json: bool) -> None:
    """The seminar catalog: title, format, CME credits and the link to take it.

    \b
    Examples:
      ssp-tui seminars list
      ssp-tui seminars list --json | jq -r '.[] | select(.format == "online") | .url'
    """
    output = make_output(ctx, as_json=as_json)

    async def body(run: CliRun) -> list[Seminar]:
        return await run.client.seminars.catalog().collect()

    output.listing(run_portal(ctx, body, output=output), SEMINAR_COLUMNS, empty="No seminars.")


@seminars_group.command("activity")
@click.option("--participant", metavar="P")
@click.option("--policy-number", metavar="N")
@click.option("--policyholder", metavar="H")
@click.option("--title", metavar="T", help="Part of the seminar title.")
@click.option(
    "--from", "date_from", metavar="DATE", callback=date_option_value, help="2026-01-31 or 1/31/2026."
)
@click.option("--to", "date_to", metavar="DATE", callback=date_option_value, help="Inclusive.")
@click.option("--xlsx", type=click.Path(path_type=Path, dir_okay=False), help="Export to this Excel file.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False), help="Export to CSV.")
@json_option
@click.pass_context
def seminars_activity(
    ctx: click.Context,
    participant: str | None,
    policy_number: str | None,
    policyholder: str | None,
    title: str | None,
    date_from: date | None,
    date_to: date | None,
    xlsx: Path | None,
    csv_path: Path | None,
    as_json: bool,
) -> None:
    """Seminar activity, filtered; printed, or exported exactly as filtered to Excel or CSV.

    \b
    Examples:
      ssp-tui seminars activity --from 2026-01-01 --to 12/31/2026
      ssp-tui seminars activity --policyholder "Bay Area" --xlsx activity.xlsx
    """
    if xlsx is not None and csv_path is not None:
        raise click.UsageError("Give --xlsx or --csv, not both.")
    if date_from and date_to and date_to < date_from:
        raise click.UsageError(f"--to {date_to} is before --from {date_from}.")
    output = make_output(ctx, as_json=as_json)
    target = xlsx or csv_path
    credits = [Decimal(0)]

    def add_credits(rows: Sequence[SeminarActivity]) -> None:
        credits[0] += sum((row.credits for row in rows), start=Decimal(0))

    # Printed rows stream page by page (nothing is held); an export needs them all.
    stream = ListingStream(
        output, ACTIVITY_COLUMNS, empty="No seminar activity matches.", on_rows=add_credits
    )

    def activity(run: CliRun) -> Paginator[SeminarActivity]:
        return run.client.seminars.activity(
            participant=participant,
            policy_number=policy_number,
            policyholder=policyholder,
            title=title,
            date_from=date_from,
            date_to=date_to,
        )

    async def print_body(run: CliRun) -> int:
        return await stream.write(activity(run))

    async def export_body(run: CliRun) -> list[SeminarActivity]:
        return await activity(run).collect()

    if target is None:
        count = run_portal(ctx, print_body, output=output, needs=Capability.SEMINAR_ACTIVITY)
        stream.finish()
        if count and not output.as_json:
            output.info(f"{count} completions, {credits[0].normalize():f} credits.")
        return
    rows = run_portal(ctx, export_body, output=output, needs=Capability.SEMINAR_ACTIVITY)
    _export(output, rows, target, export.ExportFormat.XLSX if xlsx else export.ExportFormat.CSV)


def _export(output: Output, rows: list[SeminarActivity], path: Path, fmt: export.ExportFormat) -> None:
    try:
        result = export.export_rows(rows, SEMINAR_ACTIVITY_COLUMNS, path.expanduser(), fmt)
    except export.ExportError as exc:
        raise CommandFailed(exc.user_message) from None
    output.line(str(result.path.resolve()))
    output.info(f"Exported {result.rows} rows to {result.path}.")


@cli.group("risk")
def risk_group() -> None:
    """Risk management resources for your coverage types."""


@risk_group.command("list")
@click.option("--category", type=click.Choice([c.value for c in RiskCategory]))
@click.option("--query", "-q", metavar="Q", help="Words in the title or summary.")
@json_option
@click.pass_context
def risk_list(ctx: click.Context, category: str | None, query: str | None, as_json: bool) -> None:
    """Risk-management resources: in-portal documents (an id) or public links.

    \b
    Examples:
      ssp-tui risk list --category toolkits
      ssp-tui risk list --query consent --json
    """
    output = make_output(ctx, as_json=as_json)

    async def body(run: CliRun) -> list[RiskResource]:
        chosen = RiskCategory(category) if category else None
        return await run.client.risk.list(category=chosen, q=query).collect()

    output.listing(run_portal(ctx, body, output=output), RISK_COLUMNS, empty="No resources match.")


@cli.group("agent")
def agent_group() -> None:
    """The agent resource library (agents only)."""


@agent_group.command("resources")
@click.option("--category", type=click.Choice([c.value for c in AgentCategory]))
@click.option("--query", "-q", metavar="Q", help="Words in the title or summary.")
@json_option
@click.pass_context
def agent_resources(ctx: click.Context, category: str | None, query: str | None, as_json: bool) -> None:
    """The agent library, newest first: newsletters, marketing, applications, manuals, bulletins.

    \b
    Examples:
      ssp-tui agent resources --category bulletins
      ssp-tui agent resources --json
    """
    output = make_output(ctx, as_json=as_json)

    async def body(run: CliRun) -> list[AgentResource]:
        chosen = AgentCategory(category) if category else None
        return await run.client.agent.resources(category=chosen, q=query).collect()

    resources = run_portal(ctx, body, output=output, needs=Capability.AGENT_LIBRARY)
    resources.sort(key=lambda r: r.published_on, reverse=True)
    output.listing(resources, AGENT_COLUMNS, empty="No resources match.")
