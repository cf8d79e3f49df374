"""``ssp-tui coi ...``: certificates of insurance, claims histories and certificate-holder requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import click
import msgspec

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import PortalError, StatusError, ValidationFailed
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
from ssp_tui.cli.batch_input import from_file_option, gather
from ssp_tui.cli.coi_search import CertificateQuery, find_certificates, query_options
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
from ssp_tui.cli.output import Column, Output, when
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.operations.downloads.jobs import coi_jobs, combined_title
from ssp_tui.operations.downloads.plan import DownloadJob
from ssp_tui.operations.safe_names import TEMPLATE_FIELDS

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


@click.group("coi")
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
@output_options()
@click.pass_context
def coi_list(ctx: click.Context, query: CertificateQuery, group: str) -> None:
    """Search insureds and list their certificates, one row per insured and certificate holder.

    \b
    Examples:
      ssp-tui coi list --query "Patel Family Medicine" --by policyholder
      ssp-tui coi list --query NCP1513214 --query NCP8081940 --by policy-number --group coi
      ssp-tui coi list --query NCP1513214 --by policy-number --term renewal --json id,holder_name
    """
    output = make_output(ctx, fields=Certificate)

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
    query: CertificateQuery,
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

        found = await find_certificates(run.client, query, for_ids=bool(wanted_ids))
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
@click.option("--dry-run", is_flag=True, help="Check everything and show the request; send nothing.")
@output_options(listing=False)
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
    dry_run: bool,
) -> None:
    """Ask for a new certificate holder (answered within 48 hours).

    Sent with an Idempotency-Key, so a retry never makes a second request. When the request may have
    reached the portal but its answer did not come back, the key to resubmit it is printed.

    \b
    Examples:
      ssp-tui coi request-holder --policy NCP1513214 --insured "Priya Patel" \\
        --name "Mercy General Hospital" --address "4001 J St" --city Sacramento --state CA --zip 95819 \\
        --dry-run
      ssp-tui coi request-holder --policy NCP1513214 --insured "Priya Patel" \\
        --name "Mercy General Hospital" --address "4001 J St" --city Sacramento --state CA --zip 95819
    """
    output = make_output(ctx, fields=HolderRequestCreate if dry_run else HolderRequest)
    # Made once, before any network call, so the repeat after a re-login sends the same key.
    key = idempotency_key or uuid.uuid4().hex
    sent = _Sent()

    async def body(run: CliRun) -> HolderRequest | HolderRequestCreate:
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
        if dry_run:
            return request
        sent.maybe = True
        try:
            return await run.client.credentialing.create_holder_request(request, idempotency_key=key)
        except StatusError as exc:
            # The portal answered, and a 4xx answer means it refused: nothing was made, nothing to resubmit.
            sent.maybe = exc.status >= 500
            if isinstance(exc, ValidationFailed):
                raise CommandFailed(exc.user_message) from None
            raise
        except PortalError:
            raise  # no answer, or one not understood: the request may have been made

    try:
        outcome = run_portal(ctx, body, output=output, needs=Capability.CREDENTIALING)
    except CommandFailed:
        if sent.maybe:
            # The portal may have committed a request whose answer was lost: the key is what lets the user
            # resubmit it without making a second one.
            output.warn(f"The request may have reached the portal. To resubmit it without making a second "
                        f"one, add: --idempotency-key {key}")  # fmt: skip
        raise
    if isinstance(outcome, HolderRequestCreate):
        _show_planned(output, outcome, policy_ref, insured_ref)
        return
    if output.as_json:
        output.json(outcome)
        return
    _show_request(output, outcome)
    output.info(f"Submitted; expect it by {when(outcome.expected_by)}. Idempotency key: {key}")


class _Sent:
    """Whether the POST may have reached the portal (it was sent, and no answer said it was refused)."""

    maybe = False


def _show_planned(output: Output, request: HolderRequestCreate, policy_ref: str, insured_ref: str) -> None:
    if output.as_json:
        output.json(request)
    else:
        output.fields(
            [
                ("Policy", policy_ref),
                ("Insured", insured_ref),
                ("Holder", request.holder_name),
                ("Address", f"{request.address}, {request.city}, {request.state} {request.zip}"),
                ("Contact", " ".join(part for part in (request.contact_name, request.contact_email) if part)),
            ],
            title="Certificate-holder request (dry run)",
        )
    output.info("Dry run: the request above was checked and not sent.")


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
        Column("Overdue", lambda r: "OVERDUE" if is_overdue(r, now) else ""),
        Column("Holder", lambda r: r.holder_name),
        Column("Policy", lambda r: r.policy_number),
        Column("Insured", lambda r: r.insured_name),
        Column("Submitted", lambda r: r.submitted_at),
        Column("Expected by", lambda r: r.expected_by),
    ]
    output.listing(requests, columns, empty="No certificate-holder requests.")
