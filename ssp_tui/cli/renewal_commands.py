"""``ssp-tui renewals list | download``: the completed renewal applications of an agent's clients."""

from __future__ import annotations

from pathlib import Path

import click

from ssp_tui.api.models import ApplicationFilter, ApplicationStatus, RenewalApplication
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.download_run import check_concurrency, destination, report, run_plan
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.output import Column
from ssp_tui.cli.output_options import output_options
from ssp_tui.operations.downloads import BulkResult, DownloadPlan
from ssp_tui.operations.downloads.jobs import combined_title, document_job
from ssp_tui.operations.safe_names import TemplateError

COLUMNS: list[Column[RenewalApplication]] = [
    Column("Policy", lambda a: a.policy_number),
    Column("Policyholder", lambda a: a.policyholder),
    Column("Renewal term", lambda a: f"{a.renewal_start} to {a.renewal_end}"),
    Column("Application", lambda a: "completed" if a.status is ApplicationStatus.COMPLETED else "MISSING"),
    Column("Completed on", lambda a: a.completed_on),
    Column("Document", lambda a: a.document.id if a.document else ""),
]


@click.group("renewals")
def renewals_group() -> None:
    """Renewal applications of your clients' renewal terms (agents)."""


@renewals_group.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in ApplicationFilter]),
    default=ApplicationFilter.ALL.value,
    show_default=True,
    help="completed, missing (still to chase) or all.",
)
@click.option("--query", "-q", metavar="Q", help="Matches a policy number or a policyholder.")
@output_options()
@click.pass_context
def list_applications(ctx: click.Context, status: str, query: str | None) -> None:
    """Each renewal term of your clients and its application: completed (with the date), or MISSING.

    \b
    Examples:
      ssp-tui renewals list --status missing
      ssp-tui renewals list --json | jq -r '.[] | select(.status == "completed") | .document.id'
    """
    output = make_output(ctx, fields=RenewalApplication)

    async def body(run: CliRun) -> list[RenewalApplication]:
        return await run.client.renewals.applications(ApplicationFilter(status), q=query).collect()

    applications = run_portal(ctx, body, output=output, needs=Capability.RENEWAL_APPLICATIONS)
    output.listing(applications, COLUMNS, empty="No renewal terms match.")


@renewals_group.command("download")
@click.argument("policies", metavar="[POLICY...]", nargs=-1)
@click.option("--query", "-q", metavar="Q", help="Every completed application this search finds.")
@click.option(
    "--combine", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark per application."
)
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs here.")
@click.option("--concurrency", type=int, help="Parallel downloads (default: the profile's, 6).")
@output_options(listing=False)
@click.pass_context
def download(
    ctx: click.Context,
    policies: tuple[str, ...],
    query: str | None,
    combine: Path | None,
    folder: Path | None,
    concurrency: int | None,
) -> None:
    """Download completed renewal applications (by policy number, or all a --query finds), verified,
    through the shared cache; named by the profile's filename template. Exit 4 when some failed.

    \b
    Examples:
      ssp-tui renewals download NCP1513214 --dir ~/renewals
      ssp-tui renewals download --query "" --combine renewal-applications.pdf
    """
    output = make_output(ctx)
    where = destination(combine, folder, combined_flag="--combine", folder_flag="--dir")
    if not policies and query is None:
        raise click.UsageError('Name the policies, or give --query ("" for every client).')

    async def body(run: CliRun) -> BulkResult:
        found = await run.client.renewals.applications(ApplicationFilter.ALL, q=query).collect()
        if policies:
            wanted = {p.casefold() for p in policies}
            found = [
                a for a in found if a.policy_number.casefold() in wanted or a.policy_id.casefold() in wanted
            ]
            unknown = (
                wanted - {a.policy_number.casefold() for a in found} - {a.policy_id.casefold() for a in found}
            )
            if unknown:
                raise CommandFailed(f"No renewal term of {', '.join(sorted(unknown))} among your clients'.")
        for missing in (a for a in found if a.document is None):
            output.warn(f"{missing.policy_number}: the renewal application is still missing; skipped.")
        completed = [a for a in found if a.document is not None]
        if not completed:
            raise CommandFailed("No completed renewal application to download.")
        try:
            jobs = [
                document_job(a.document, template=run.profile.filename_template, policy_in_title=True)
                for a in completed
                if a.document is not None
            ]
        except TemplateError as exc:
            raise CommandFailed(f"The profile's filename template cannot be used: {exc}") from None
        numbers = [a.policy_number for a in completed]
        plan = DownloadPlan(
            jobs,
            where,
            concurrency=check_concurrency(concurrency, run.profile.concurrency),
            title=combined_title("Renewal applications", numbers),
            labels=tuple(numbers),
        )
        return await run_plan(run, plan)

    report(output, run_portal(ctx, body, output=output, needs=Capability.RENEWAL_APPLICATIONS))
