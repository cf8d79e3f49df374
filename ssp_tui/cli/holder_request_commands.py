"""``ssp-tui coi request-holder``: ask for a new certificate holder, with an Idempotency-Key, and say how to
resubmit only when the request may really have reached the portal."""

from __future__ import annotations

import uuid

import click
import msgspec

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import PortalError, StatusError, ValidationFailed
from ssp_tui.api.models import (
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
    SearchBy,
    StatusFilter,
)
from ssp_tui.api.models.credentialing import USPS_STATE_CODES
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.output import Output, when
from ssp_tui.cli.output_options import make_output, output_options


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


@click.command("request-holder")
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
                raise CommandFailed.of(exc) from None
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
