"""``ssp-tui coi request-holders FILE``: certificate-holder requests for a whole list at once.

Every row is checked (its fields, then its policy and insured on the portal) before anything is sent; with a
bad row nothing is sent unless ``--skip-invalid`` says to send the good ones. Each row carries an
Idempotency-Key derived from its content, so running the same file again, after an interruption or a partial
failure, creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.exit_codes import CommandFailed, ExitCode
from ssp_tui.cli.output import Column, Output, when
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.formatting import plural
from ssp_tui.operations.season.holder_batch import ResolvedRow, RowOutcome, resolve_rows, submit_rows
from ssp_tui.operations.season.holder_rows import HolderFileError, read_holder_file
from ssp_tui.settings.config import MAX_CONCURRENCY


@dataclass(frozen=True, slots=True)
class _Line:
    """One row of the report, whatever became of it."""

    row: int
    status: str
    request_id: str
    holder: str
    insured: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "status": self.status,
            "request_id": self.request_id or None,
            "holder": self.holder,
            "insured": self.insured,
            "detail": self.detail or None,
        }


_COLUMNS: list[Column[_Line]] = [
    Column("Row", lambda r: r.row, "right"),
    Column("Status", lambda r: r.status),
    Column("Request", lambda r: r.request_id),
    Column("Holder", lambda r: r.holder),
    Column("Insured", lambda r: r.insured),
    Column("Detail", lambda r: r.detail),
]


@click.command("request-holders")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row against the portal; send nothing.")
@click.option("--skip-invalid", is_flag=True, help="Send the good rows even when some rows are bad.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, MAX_CONCURRENCY),
    default=4,
    show_default=True,
    help="Requests in flight at once.",
)
@output_options(listing=False)
@click.pass_context
def coi_request_holders(
    ctx: click.Context, file: Path, dry_run: bool, skip_invalid: bool, concurrency: int
) -> None:
    """Ask for certificate holders from a .csv or .xlsx file: one row per insured x holder.

    Columns (header row, any order): policy, insured (name or id), holder name, address, city, state, zip,
    and optionally contact and contact email. Rerunning the same file creates nothing twice.

    \b
    Examples:
      ssp-tui coi list --export holders.xlsx
      ssp-tui coi request-holders holders.xlsx --dry-run
      ssp-tui coi request-holders holders.xlsx --json
    """
    output = make_output(ctx, fields=("row", "status", "request_id", "holder", "insured", "detail"))
    workers = concurrency
    try:
        holder_file = read_holder_file(file)  # the whole file is checked before any network work
    except HolderFileError as exc:
        raise CommandFailed.of(exc) from None
    lines = [_Line(r.line, "invalid", "", "", "", r.reason) for r in holder_file.rejected]

    async def body(run: CliRun) -> tuple[list[ResolvedRow], list[RowOutcome]]:
        resolved = await resolve_rows(run.client, holder_file.rows, concurrency=workers)
        unresolved = [item for item in resolved if item.insured is None]
        if dry_run or ((unresolved or lines) and not skip_invalid):
            return resolved, []
        return resolved, await submit_rows(
            run.client, [item for item in resolved if item.insured], concurrency=workers
        )

    resolved, outcomes = run_portal(ctx, body, output=output, needs=Capability.CREDENTIALING)
    lines += [
        _Line(item.row.line, "invalid", "", item.row.holder_name, item.row.insured, item.error or "")
        for item in resolved
        if item.insured is None
    ]
    sent = {outcome.row.line: outcome for outcome in outcomes}
    blocked = bool(lines) and not skip_invalid and not dry_run
    for item in resolved:
        if item.insured is None:
            continue
        outcome = sent.get(item.row.line)
        if outcome is None:
            status = "checked" if dry_run else "not sent"
            lines.append(_Line(item.row.line, status, "", item.row.holder_name, item.insured.name, ""))
        elif outcome.request is not None:
            request = outcome.request
            detail = f"expected by {when(request.expected_by)}"
            lines.append(
                _Line(
                    item.row.line,
                    request.status.value,
                    request.id,
                    request.holder_name,
                    request.insured_name,
                    detail,
                )
            )
        else:
            lines.append(
                _Line(
                    item.row.line, "failed", "", item.row.holder_name, item.insured.name, outcome.error or ""
                )
            )
    lines.sort(key=lambda line: line.row)
    _report(output, lines, as_json=output.as_json)
    _finish(output, lines, outcomes, blocked=blocked, dry_run=dry_run, file=file)


def _report(output: Output, lines: list[_Line], *, as_json: bool) -> None:
    if as_json:
        output.json([line.as_json() for line in lines])
    else:
        output.table(_COLUMNS, lines)


def _finish(
    output: Output,
    lines: list[_Line],
    outcomes: list[RowOutcome],
    *,
    blocked: bool,
    dry_run: bool,
    file: Path,
) -> None:
    invalid = sum(line.status == "invalid" for line in lines)
    if blocked:
        raise CommandFailed(
            f"{invalid} of {len(lines)} rows are not valid, so nothing was sent. Fix them in {file.name} "
            "and run it again, or add --skip-invalid to send the others."
        )
    if dry_run:
        output.info(
            f"Dry run: {len(lines) - invalid} rows would be sent, {invalid} are not valid; nothing sent."
        )
        if invalid:
            raise CommandFailed("Some rows are not valid (listed above).", ExitCode.PARTIAL)
        return
    failed = [o for o in outcomes if not o.ok]
    done = len(outcomes) - len(failed)
    output.info(f"Sent {done} of {plural(len(lines), 'row')}.")
    if failed or invalid:
        hint = " Run the same file again to retry: rows already sent are not sent twice."
        raise CommandFailed(f"{len(failed) + invalid} rows were not sent.{hint}", ExitCode.PARTIAL)
