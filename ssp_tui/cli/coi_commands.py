"""``ssp-tui coi ...``: certificates of insurance, claims histories and certificate-holder requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import click
import msgspec

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import ValidationFailed
from ssp_tui.api.models import (
    Certificate,
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
    HolderRequestStatus,
    SearchBy,
    StatusFilter,
)
from ssp_tui.api.models.credentialing import USPS_STATE_CODES
from ssp_tui.api.roles import Capability
from ssp_tui.cli.coi_search import CertificateQuery, find_certificates, query_options
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.download_run import check_concurrency, destination, report, run_plan
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.output import Column, Output, json_option, when
from ssp_tui.cli.root import cli
from ssp_tui.operations.downloads import BulkResult, DownloadJob, DownloadPlan
from ssp_tui.operations.downloads.jobs import coi_jobs, combined_title

"""Separate certificate files: one folder per policy, term and insured; the holder names the file."""
OPEN_STATUSES = frozenset({HolderRequestStatus.SUBMITTED, HolderRequestStatus.IN_REVIEW})

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


@cli.group("coi")
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
@json_option
@click.pass_context
def coi_list(
    ctx: click.Context, query: CertificateQuery, group: str, export_path: Path | None, as_json: bool
) -> None:
    """Search insureds and list their certificates, one row per insured and certificate holder.

    \b
    Examples:
      ssp-tui coi list --query "Bay Area Surgical" --by policyholder
      ssp-tui coi list --query NC-2041178 --by policy-number --term renewal --group coi --json
      ssp-tui coi list --export holders.xlsx
    """
    if export_path is not None and export_path.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("use a .xlsx or .csv file name.", param_hint="--export")
    output = make_output(ctx, as_json=as_json)

    async def body(run: CliRun) -> list[Certificate]:
        return await find_certificates(run.client, query)

    certificates = run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    if group == "coi":
        certificates.sort(
            key=lambda c: (c.holder_name.casefold(), c.insured_name.casefold(), c.policy_number)
        )
        columns = BY_COI
    else:
        certificates.sort(
            key=lambda c: (c.insured_name.casefold(), c.policy_number, c.holder_name.casefold())
        )
        columns = BY_INSURED
    output.listing(certificates, columns, empty="No certificates match.")
    if export_path is not None:
        _export(output, certificates, export_path.expanduser())


def _export(output: Output, certificates: list[Certificate], path: Path) -> None:
    from ssp_tui.operations.export import ExportError, export_rows
    from ssp_tui.operations.season.certificate_export import CERTIFICATE_EXPORT_COLUMNS

    try:
        result = export_rows(certificates, CERTIFICATE_EXPORT_COLUMNS, path, sheet_name="Certificates")
    except ExportError as exc:
        raise CommandFailed(exc.user_message) from None
    output.info(f"Wrote {result.rows} rows to {result.path}.")


def certificate_jobs(run: CliRun, certificates: list[Certificate], claims_history: bool) -> list[DownloadJob]:
    """A job per certificate, and with ``claims_history`` one claims-history letter per insured and policy.

    Named by the profile's filename template through the same job builders as the Credentialing screen, so
    a certificate has one name and one cache identity whichever front end fetched it.
    """
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
@query_options
@click.option("--claims-history", is_flag=True, help="Also the claims-history letter of each insured.")
@click.option(
    "--single", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark per file."
)
@click.option("--separate", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs here.")
@click.option("--concurrency", type=int, help="Parallel downloads (default: the profile's, 6).")
@click.option("--allow-missing", is_flag=True, help="With --single: write the PDF even if some files fail.")
@json_option
@click.pass_context
def coi_download(
    ctx: click.Context,
    certificate_ids: tuple[str, ...],
    query: CertificateQuery,
    claims_history: bool,
    single: Path | None,
    separate: Path | None,
    concurrency: int | None,
    allow_missing: bool,
    as_json: bool,
) -> None:
    """Download certificates (ids from `coi list`), or every certificate a --query finds.

    With ids, --query (and the other search options) only narrows where they are looked for; without
    --term and --status every term and policy is searched. Exit 4 when some files failed.

    \b
    Examples:
      ssp-tui coi download CERT_8f2k CERT_19ab --claims-history --separate ./coi
      ssp-tui coi download --query "Bay Area Surgical" --term renewal --single renewal-cois.pdf
    """
    output = make_output(ctx, as_json=as_json)
    where = destination(single, separate, combined_flag="--single", folder_flag="--separate")
    if not certificate_ids and not query.text:
        raise click.UsageError("Name the certificates to download, or give --query to download all it finds.")

    async def body(run: CliRun) -> BulkResult:
        found = await find_certificates(run.client, query, for_ids=bool(certificate_ids))
        if certificate_ids:
            by_id = {cert.id: cert for cert in found}
            unknown = [cert_id for cert_id in certificate_ids if cert_id not in by_id]
            if unknown:
                raise CommandFailed(f"No certificate {', '.join(unknown)} among those you may see.")
            found = [by_id[cert_id] for cert_id in dict.fromkeys(certificate_ids)]
        if not found:
            raise CommandFailed("No certificates match.")
        jobs = certificate_jobs(run, found, claims_history)
        workers = check_concurrency(concurrency, run.profile.concurrency)
        insureds = [f"{cert.insured_name} ({cert.policy_number})" for cert in found]
        plan = DownloadPlan(
            jobs,
            where,
            concurrency=workers,
            allow_missing=allow_missing,
            title=combined_title("Certificates of insurance", insureds),
            labels=tuple(dict.fromkeys(insureds)),
        )
        return await run_plan(run, plan)

    report(output, run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES))


def _state(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    code = value.strip().upper()
    if code not in USPS_STATE_CODES:
        raise click.BadParameter(f"{value!r} is not a two-letter USPS state code (e.g. CA).", param=param)
    return code


def _zip(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    text = value.strip()
    digits = text.replace("-", "")
    if not digits.isdigit() or len(digits) not in (5, 9) or text.count("-") > (len(digits) == 9):
        raise click.BadParameter(f"{value!r} is not a ZIP code (five digits, or ZIP+4).", param=param)
    return text


async def _insured_on_policy(client: PortalClient, policy_ref: str, insured_ref: str) -> CredentialedInsured:
    """The insured on the policy (by policy number or id, and insured id or full name), found through
    Credentialing, which every role that may request a certificate can search (an insured only themselves)."""
    policy_text, insured_text = policy_ref.strip().casefold(), insured_ref.strip().casefold()
    rows = await client.credentialing.insureds(
        policy_ref.strip(), by=SearchBy.POLICY_NUMBER, status=StatusFilter.ALL
    ).collect()
    on_policy = [r for r in rows if policy_text in (r.policy_number.casefold(), r.policy_id.casefold())]
    if not on_policy:
        raise CommandFailed(
            f"No policy {policy_ref!r} among your insureds: use a policy number from `ssp-tui coi list`."
        )
    matches = [r for r in on_policy if insured_text in (r.id.casefold(), r.name.casefold())]
    if len(matches) != 1:
        names = "; ".join(f"{r.name} ({r.id})" for r in on_policy)
        problem = "is ambiguous" if matches else "is not an insured"
        raise CommandFailed(f"{insured_ref!r} {problem} on {on_policy[0].policy_number}. Insureds: {names}.")
    return matches[0]


@coi_group.command("request-holder")
@click.option("--policy", "policy_ref", required=True, metavar="P", help="Policy number.")
@click.option("--insured", "insured_ref", required=True, metavar="I", help="Insured id or full name.")
@click.option("--name", "holder_name", required=True, metavar="N", help="Certificate holder's name.")
@click.option("--address", required=True, metavar="A")
@click.option("--city", required=True, metavar="C")
@click.option("--state", required=True, metavar="S", callback=_state, help="Two-letter USPS code.")
@click.option("--zip", "zip_code", required=True, metavar="Z", callback=_zip, help="Five digits, or ZIP+4.")
@click.option("--contact", "contact_name", default="", metavar="NAME", help="Contact person at the holder.")
@click.option("--contact-email", default="", metavar="EMAIL")
@click.option(
    "--idempotency-key", metavar="KEY", help="Resubmit an earlier attempt without a second request."
)
@json_option
@click.pass_context
def coi_request_holder(
    ctx: click.Context,
    policy_ref: str,
    insured_ref: str,
    holder_name: str,
    address: str,
    city: str,
    state: str,
    zip_code: str,
    contact_name: str,
    contact_email: str,
    idempotency_key: str | None,
    as_json: bool,
) -> None:
    """Ask for a new certificate holder (answered within 48 hours).

    Sent with an Idempotency-Key, so a retry never makes a second request.

    \b
    Example:
      ssp-tui coi request-holder --policy NC-2041178 --insured "Dana Whitfield" \\
        --name "Mercy General Hospital" --address "4001 J St" --city Sacramento --state CA --zip 95819
    """
    output = make_output(ctx, as_json=as_json)
    # Made once, before any network call, so the repeat after a re-login sends the same key.
    key = idempotency_key or uuid.uuid4().hex

    async def body(run: CliRun) -> HolderRequest:
        insured = await _insured_on_policy(run.client, policy_ref, insured_ref)
        fields = {
            "policy_id": insured.policy_id,
            "insured_id": insured.id,
            "holder_name": holder_name.strip(),
            "address": address.strip(),
            "city": city.strip(),
            "state": state,
            "zip": zip_code,
            "contact_name": contact_name.strip(),
            "contact_email": contact_email.strip(),
        }
        try:
            request = msgspec.convert(fields, type=HolderRequestCreate)
        except msgspec.ValidationError as exc:
            raise click.UsageError(f"The request is not complete: {exc}") from None
        try:
            return await run.client.credentialing.create_holder_request(request, idempotency_key=key)
        except ValidationFailed as exc:
            raise CommandFailed(exc.user_message) from None

    try:
        created = run_portal(ctx, body, output=output, needs=Capability.CREDENTIALING)
    except CommandFailed:
        # The portal may have committed a request whose answer was lost: the key is what lets the user
        # resubmit it without making a second one.
        output.warn(f"To resubmit without a second request, add: --idempotency-key {key}")
        raise
    if output.as_json:
        output.json(created)
        return
    _show_request(output, created)
    output.info(f"Submitted; expect it by {when(created.expected_by)}. Idempotency key: {key}")


def _show_request(output: Output, request: HolderRequest) -> None:
    output.fields(
        [
            ("Request", request.id),
            ("Status", request.status.value.replace("_", " ")),
            ("Holder", request.holder_name),
            ("Policy", request.policy_number),
            ("Insured", request.insured_name),
            ("Submitted", request.submitted_at),
            ("Expected by", request.expected_by),
        ]
    )


def request_age(request: HolderRequest, now: datetime) -> str:
    hours = max(0, int((now - request.submitted_at).total_seconds() // 3600))
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"


def is_overdue(request: HolderRequest, now: datetime) -> bool:
    return request.status in OPEN_STATUSES and now > request.expected_by


@coi_group.command("requests")
@json_option
@click.pass_context
def coi_requests(ctx: click.Context, as_json: bool) -> None:
    """Your certificate-holder requests with status and age; open ones past 48 hours are marked OVERDUE.

    \b
    Examples:
      ssp-tui coi requests
      ssp-tui coi requests --json | jq '.[] | select(.status == "submitted")'
    """
    output = make_output(ctx, as_json=as_json)

    async def body(run: CliRun) -> list[HolderRequest]:
        return await run.client.credentialing.holder_requests().collect()

    requests = run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    now = clock.now()
    columns: list[Column[HolderRequest]] = [
        Column("Request", lambda r: r.id),
        Column("Status", lambda r: r.status.value.replace("_", " ")),
        Column("Age", lambda r: request_age(r, now), "right"),
        Column("Overdue", lambda r: "OVERDUE" if is_overdue(r, now) else ""),
        Column("Holder", lambda r: r.holder_name),
        Column("Policy", lambda r: r.policy_number),
        Column("Insured", lambda r: r.insured_name),
        Column("Submitted", lambda r: r.submitted_at),
        Column("Expected by", lambda r: r.expected_by),
    ]
    output.listing(requests, columns, empty="No certificate-holder requests.")
