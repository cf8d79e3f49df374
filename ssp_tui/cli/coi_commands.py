"""``ssp-tui coi ...``: certificates of insurance, claims histories and certificate-holder requests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ssp_tui import clock
from ssp_tui.api.models import Certificate, CertificateSort, HolderRequest
from ssp_tui.api.roles import Capability
from ssp_tui.cli.batch_input import from_file_option, gather
from ssp_tui.cli.coi_search import CertificateSearch, find_all, query_options
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.download_report import PLAN_FIELDS, RESULT_FIELDS, report, report_dry_run
from ssp_tui.cli.download_run import (
    DownloadOptions,
    concurrency_for,
    destination,
    download_options,
    run_plan,
    template_check,
)
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.lazy_group import LazyGroup
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column, Output
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.formatting import plural
from ssp_tui.operations.certificate_search import certificate_pages
from ssp_tui.operations.safe_names import TEMPLATE_FIELDS

if TYPE_CHECKING:
    # Loaded by the download command only: `coi list` starts without the download engine (pikepdf and all).
    from ssp_tui.operations.downloads import DownloadJob

BY_INSURED: list[Column[Certificate]] = [
    Column("Insured", lambda c: c.insured_name),
    Column("Policy", lambda c: c.policy_number),
    Column("Term", lambda c: c.term.value),
    Column("Holder", lambda c: c.holder_name),
    Column("Holder city", lambda c: f"{c.holder_city}, {c.holder_state}"),
    Column("Claims history", lambda c: c.claims_history_available),
    Column("Certificate", lambda c: c.id),
]
BY_COI: list[Column[Certificate]] = [
    BY_INSURED[3],
    BY_INSURED[4],
    BY_INSURED[0],
    *BY_INSURED[1:3],
    *BY_INSURED[5:],
]


COI_COMMANDS = {
    "request-holder": "ssp_tui.cli.holder_request_commands:coi_request_holder",
    "request-holders": "ssp_tui.cli.holder_file_commands:coi_request_holders",
    "expiring": "ssp_tui.cli.season_commands:coi_expiring",
    "renewal-pack": "ssp_tui.cli.season_commands:coi_renewal_pack",
    "history": "ssp_tui.cli.season_commands:coi_history",
    "drafts": "ssp_tui.cli.delivery_commands:coi_drafts",
    "send": "ssp_tui.cli.delivery_commands:coi_send",
    "smtp-password": "ssp_tui.cli.delivery_commands:coi_smtp_password",
}
"""The ``coi`` commands defined in modules of their own, loaded when used (as the root loads its commands)."""


@click.group("coi", cls=LazyGroup, lazy_subcommands=COI_COMMANDS)
def coi_group() -> None:
    """Credentialing: certificates of insurance, claims histories, certificate-holder requests."""


@coi_group.command("list")
@query_options
@click.option(
    "--group",
    type=click.Choice(["insured", "coi"]),
    default="insured",
    show_default=True,
    help="Group by insured, or by certificate holder (COI).",
)
@click.option(
    "--export",
    "export_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the rows to FILE.xlsx or FILE.csv, in the columns `coi request-holders` reads.",
)
@output_options()
@click.pass_context
def coi_list(ctx: click.Context, query: CertificateSearch, group: str, export_path: Path | None) -> None:
    """Search insureds and list their certificates, one row per insured and certificate holder.

    \b
    Examples:
      ssp-tui coi list --query "Patel Family Medicine" --by policyholder
      ssp-tui coi list --query NCP1513214 --query NCP8081940 --by policy-number --group coi
      ssp-tui coi list --query NCP1513214 --by policy-number --term renewal --json id,holder_name
      ssp-tui coi list --export holders.xlsx
    """
    if export_path is not None and export_path.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("use a .xlsx or .csv file name.", param_hint="--export")
    output = make_output(ctx, fields=Certificate)
    sort = CertificateSort.HOLDER if group == "coi" else CertificateSort.INSURED
    exported: list[Certificate] = []
    # The portal sorts (by insured or by holder), so each page is printed as it arrives; an export
    # keeps the rows as they go by.
    stream = ListingStream(
        output,
        BY_COI if sort is CertificateSort.HOLDER else BY_INSURED,
        empty="No certificates match.",
        on_rows=exported.extend if export_path is not None else None,
    )

    async def body(run: CliRun) -> int:
        return await stream.write(certificate_pages(run.client, query.queries(), sort))

    run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    stream.finish()
    if export_path is not None:
        _export(output, exported, export_path.expanduser())


def _export(output: Output, certificates: list[Certificate], path: Path) -> None:
    from ssp_tui.operations.export import ExportError, export_rows
    from ssp_tui.operations.season.certificate_export import CERTIFICATE_EXPORT_COLUMNS

    try:
        result = export_rows(certificates, CERTIFICATE_EXPORT_COLUMNS, path, sheet_name="Certificates")
    except ExportError as exc:
        raise CommandFailed.of(exc) from None
    output.info(f"Wrote {plural(result.rows, 'row')} to {result.path}.")


def certificate_jobs(run: CliRun, certificates: list[Certificate], claims_history: bool) -> list[DownloadJob]:
    """A job per certificate, and with ``claims_history`` one claims-history letter per insured and policy.

    Named by the profile's filename template through the same job builders as the Credentialing screen, so
    a certificate has one name and one cache identity whichever front end fetched it.
    """
    from ssp_tui.operations.downloads.jobs import coi_jobs

    planned = coi_jobs(
        certificates,
        wants_claims_history=lambda _certificate: claims_history,
        issued_on=clock.today(),
        template=run.profile.filename_template,
    )
    for cert in planned.without_claims_history:
        run.output.warn(
            f"No claims history is available for {cert.insured_name} on {cert.policy_number}; "
            "ask for it with `ssp-tui coi request-holder`."
        )
    return planned.jobs


@coi_group.command("download")
@click.argument("certificate_ids", metavar="[CERTIFICATE...]", nargs=-1)
@from_file_option("certificate ids")
@query_options
@click.option("--claims-history", is_flag=True, help="Also the claims-history letter of each insured.")
@click.option(
    "--single", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark per file."
)
@click.option("--separate", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs here.")
@download_options(combined_flag="--single")
@output_options(listing=False)
@click.pass_context
def coi_download(
    ctx: click.Context,
    certificate_ids: tuple[str, ...],
    from_file: str | None,
    query: CertificateSearch,
    claims_history: bool,
    single: Path | None,
    separate: Path | None,
    options: DownloadOptions,
) -> None:
    """Download certificates (ids from `coi list`), or every certificate a --query finds.

    CERTIFICATE is an id; '-' reads ids from standard input, one a line (or --from-file). With ids, --query
    (and the other search options) only narrows where they are looked for; without --term and --status
    every term and policy is searched. Exit 4 when some items failed (an id you may not see, a file that
    did not arrive): the others are complete and named in the manifest.

    \b
    Examples:
      ssp-tui coi download ce_b0zt26nkyxk42751 --claims-history --separate coi
      ssp-tui coi download --query NCP1513214 --by policy-number --term renewal \\
        --single renewal-cois.pdf --overwrite
      ssp-tui coi list --query Patel --jq '.[].id' | ssp-tui coi download - --separate coi --dry-run
    """
    output = make_output(ctx, fields=PLAN_FIELDS if options.dry_run else RESULT_FIELDS)
    wanted_ids = gather(certificate_ids, from_file, what="certificate", required=False)
    if not wanted_ids and not query.texts:
        raise click.UsageError("Name the certificates to download, or give --query to download all it finds.")
    where = destination(single, separate, options, combined_flag="--single", folder_flag="--separate")
    if where is None:
        output.info(f"{single} already exists; left as it is (--skip).")
        return

    async def body(run: CliRun) -> None:
        from ssp_tui.operations.downloads import DownloadPlan
        from ssp_tui.operations.downloads.jobs import combined_title

        found = await find_all(run.client, query, for_ids=bool(wanted_ids))
        unresolved: list[tuple[str, str]] = []
        if wanted_ids:
            by_id = {cert.id: cert for cert in found}
            unresolved = [(cert_id, "No such certificate among those you may see (see `ssp-tui coi list`).")
                          for cert_id in wanted_ids if cert_id not in by_id]  # fmt: skip
            found = [by_id[cert_id] for cert_id in wanted_ids if cert_id in by_id]
        if not found:
            for cert_id, message in unresolved:
                output.warn(f"failed: {cert_id}: {message}")
            raise CommandFailed("No certificates match.")
        jobs = certificate_jobs(run, found, claims_history)
        insureds = [f"{cert.insured_name} ({cert.policy_number})" for cert in found]
        plan = DownloadPlan(
            jobs,
            where,
            concurrency=concurrency_for(run, options),
            allow_missing=options.allow_missing,
            title=combined_title("Certificates of insurance", insureds),
            labels=tuple(dict.fromkeys(insureds)),
            unresolved=tuple(unresolved),
        )
        if options.dry_run:
            report_dry_run(output, plan)
            return
        report(output, await run_plan(run, plan))

    run_portal(
        ctx, body, output=output, needs=Capability.CERTIFICATES, check_profile=template_check(TEMPLATE_FIELDS)
    )


def request_age(request: HolderRequest, now: datetime) -> str:
    hours = max(0, int((now - request.submitted_at).total_seconds() // 3600))
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"




@coi_group.command("requests")
@output_options()
@click.pass_context
def coi_requests(ctx: click.Context) -> None:
    """Your certificate-holder requests with status and age; open ones past 48 hours are marked OVERDUE.

    \b
    Examples:
      ssp-tui coi requests
      ssp-tui coi requests --jq '.[] | select(.status == "submitted") | .holder_name'
    """
    output = make_output(ctx, fields=HolderRequest)

    async def body(run: CliRun) -> list[HolderRequest]:
        return await run.client.credentialing.holder_requests().collect()

    requests = run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    now = clock.now()
    columns: list[Column[HolderRequest]] = [
        Column("Request", lambda r: r.id),
        Column("Status", lambda r: r.status.value.replace("_", " ")),
        Column("Age", lambda r: request_age(r, now), "right"),
        Column("Overdue", lambda r: "OVERDUE" if r.is_overdue(now) else ""),
        Column("Holder", lambda r: r.holder_name),
        Column("Policy", lambda r: r.policy_number),
        Column("Insured", lambda r: r.insured_name),
        Column("Submitted", lambda r: r.submitted_at),
        Column("Expected by", lambda r: r.expected_by),
    ]
    output.listing(requests, columns, empty="No certificate-holder requests.")
