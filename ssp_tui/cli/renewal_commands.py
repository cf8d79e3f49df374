"""``ssp-tui renewals list | download``: the completed renewal applications of an agent's clients."""

from __future__ import annotations

from pathlib import Path

import click

from ssp_tui.api.models import ApplicationFilter, ApplicationStatus, RenewalApplication
from ssp_tui.api.roles import Capability
from ssp_tui.cli.batch_input import from_file_option, gather
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.download_report import PLAN_FIELDS, RESULT_FIELDS, report, report_dry_run
from ssp_tui.cli.download_run import (
    DOCUMENT_FIELDS,
    DownloadOptions,
    concurrency_for,
    destination,
    download_options,
    run_plan,
    template_check,
)
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.output import Column
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.operations.downloads import DownloadPlan
from ssp_tui.operations.downloads.jobs import combined_title, document_job

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
@click.option("--query", metavar="Q", help="Matches a policy number or a policyholder.")
@output_options()
@click.pass_context
def list_applications(ctx: click.Context, status: str, query: str | None) -> None:
    """Each renewal term of your clients and its application: completed (with the date), or MISSING.

    \b
    Examples:
      ssp-tui renewals list --status missing
      ssp-tui renewals list --jq '.[] | select(.status == "completed") | .document.id'
    """
    output = make_output(ctx, fields=RenewalApplication)

    async def body(run: CliRun) -> list[RenewalApplication]:
        return await run.client.renewals.applications(ApplicationFilter(status), q=query).collect()

    applications = run_portal(ctx, body, output=output, needs=Capability.RENEWAL_APPLICATIONS)
    output.listing(applications, COLUMNS, empty="No renewal terms match.")


@renewals_group.command("download")
@click.argument("policies", metavar="[POLICY...|-]", nargs=-1)
@from_file_option("policy numbers")
@click.option("--query", metavar="Q", help='Every completed application this search finds ("" for all).')
@click.option(
    "--combine", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark per application."
)
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs here.")
@download_options(combined_flag="--combine")
@output_options(listing=False)
@click.pass_context
def download(
    ctx: click.Context,
    policies: tuple[str, ...],
    from_file: str | None,
    query: str | None,
    combine: Path | None,
    folder: Path | None,
    options: DownloadOptions,
) -> None:
    """Download completed renewal applications (by policy number, or all a --query finds), verified,
    through the shared cache; named by the profile's filename template. A policy named that has no renewal
    term among your clients, or whose application is still missing, is a failed item: exit 4, the rest
    complete. What a --query finds with its application still missing is named on stderr and skipped.

    POLICY is a policy number or id; '-' reads them from standard input, one a line (or --from-file).

    \b
    Examples:
      ssp-tui renewals download NCP1513214 --dir renewals
      ssp-tui renewals download --query "" --combine renewal-applications.pdf --overwrite
    """
    output = make_output(ctx, fields=PLAN_FIELDS if options.dry_run else RESULT_FIELDS)
    wanted = gather(policies, from_file, what="policy", required=query is None)
    where = destination(combine, folder, options, combined_flag="--combine", folder_flag="--dir")
    if where is None:
        output.info(f"{combine} already exists; left as it is (--skip).")
        return

    async def body(run: CliRun) -> None:
        found = await run.client.renewals.applications(ApplicationFilter.ALL, q=query).collect()
        unresolved: list[tuple[str, str]] = []
        if wanted:
            by_reference = {key.casefold(): a for a in found for key in (a.policy_number, a.policy_id)}
            chosen: list[RenewalApplication] = []
            for reference in wanted:
                application = by_reference.get(reference.casefold())
                if application is None:
                    unresolved.append((reference, "no renewal term of this policy among your clients"))
                elif application not in chosen:
                    chosen.append(application)
            found = chosen
        for missing in (a for a in found if a.document is None):
            if wanted:  # named, so wanted: a failed item
                unresolved.append((missing.policy_number, "the renewal application is still missing"))
            else:  # what a search found: the ones still to chase are said, not failures
                output.warn(f"{missing.policy_number}: the renewal application is still missing; skipped.")
        completed = [a for a in found if a.document is not None]
        if not completed:
            for reference, why in unresolved:
                output.warn(f"failed: {reference}: {why}")
            raise CommandFailed("No completed renewal application to download (`ssp-tui renewals list`).")
        template = run.profile.filename_template
        jobs = [document_job(a.document, template=template, policy_in_title=True)
                for a in completed if a.document is not None]  # fmt: skip
        numbers = [a.policy_number for a in completed]
        plan = DownloadPlan(
            jobs,
            where,
            concurrency=concurrency_for(run, options),
            allow_missing=options.allow_missing,
            title=combined_title("Renewal applications", numbers),
            labels=tuple(numbers),
            unresolved=tuple(unresolved),
        )
        if options.dry_run:
            report_dry_run(output, plan)
            return
        report(output, await run_plan(run, plan))

    run_portal(
        ctx,
        body,
        output=output,
        needs=Capability.RENEWAL_APPLICATIONS,
        check_profile=template_check(DOCUMENT_FIELDS),
    )
