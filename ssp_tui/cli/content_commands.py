"""``ssp-tui seminars list|activity``: the seminar catalog and activity history (with Excel or CSV export)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import click

from ssp_tui.api.models import Seminar, SeminarActivity
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.lookup import date_option_value
from ssp_tui.cli.output import Column, Output
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.formatting import plural

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


@click.group("seminars")
def seminars_group() -> None:
    """Seminars: the catalog and the activity history (with Excel or CSV export)."""


@seminars_group.command("list")
@output_options()
@click.pass_context
def seminars_list(ctx: click.Context) -> None:
    """The seminar catalog: title, format, CME credits and the link to take it.

    \b
    Examples:
      ssp-tui seminars list
      ssp-tui seminars list --jq '.[] | select(.format == "online") | .url'
    """
    output = make_output(ctx, fields=Seminar)

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
@output_options()
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
) -> None:
    """Seminar activity, filtered; printed, or exported exactly as filtered to Excel or CSV.

    \b
    Examples:
      ssp-tui seminars activity --from 2026-01-01 --to 12/31/2026
      ssp-tui seminars activity --policyholder Patel --xlsx activity.xlsx
      ssp-tui seminars activity --format csv > activity.csv
    """
    if xlsx is not None and csv_path is not None:
        raise click.UsageError("Give --xlsx or --csv, not both.")
    if date_from and date_to and date_to < date_from:
        raise click.UsageError(f"--to {date_to} is before --from {date_from}.")
    output = make_output(ctx, fields=SeminarActivity)
    if (xlsx or csv_path) and (output.as_json or not output.header):
        raise click.UsageError("--xlsx and --csv write a file: --json, --jq and --no-header do not apply.")
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
    _export(output, rows, target, "xlsx" if xlsx else "csv")


def _export(output: Output, rows: list[SeminarActivity], path: Path, fmt: str) -> None:
    from ssp_tui.operations import export  # xlsxwriter: only for an export
    from ssp_tui.operations.export_columns import SEMINAR_ACTIVITY_COLUMNS

    try:
        result = export.export_rows(rows, SEMINAR_ACTIVITY_COLUMNS, path.expanduser(), fmt)
    except export.ExportError as exc:
        raise CommandFailed.of(exc) from None
    output.line(str(result.path.resolve()))
    output.info(f"Exported {plural(result.rows, 'row')} to {result.path}.")
