"""``ssp-tui changes request | list | show``: policy change requests (policyholders; agents for clients)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import click
import msgspec

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import ValidationFailed
from ssp_tui.api.models import (
    OPEN_CHANGE_STATUSES,
    ChangeKind,
    ChangeRequest,
    ChangeRequestCreate,
    ChangeStatus,
    PolicyDetail,
)
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.lookup import date_option_value
from ssp_tui.cli.output import Column, Output, when
from ssp_tui.cli.output_options import output_options
from ssp_tui.operations.change_requests import dollars_to_cents, request_age
from ssp_tui.operations.policy_lookup import resolve_policy

KIND_OPTIONS: dict[str, ChangeKind] = {kind.value.replace("_", "-"): kind for kind in ChangeKind}
NEEDS: dict[ChangeKind, tuple[str, ...]] = {
    ChangeKind.MAILING_ADDRESS: ("address", "city", "state", "zip", "effective"),
    ChangeKind.ADD_INSURED: ("name", "credentials", "specialty", "effective"),
    ChangeKind.REMOVE_INSURED: ("insured", "reason", "effective"),
    ChangeKind.CHANGE_LIMITS: ("per_claim", "aggregate", "effective"),
    ChangeKind.OTHER: ("description",),
}
"""The options each kind of change needs (as click names them)."""


@click.group("changes")
def changes_group() -> None:
    """Policy change requests: ask for a change on a policy and follow it."""


def _insured_id(policy: PolicyDetail, reference: str) -> str:
    text = reference.strip().casefold()
    found = [i for i in policy.insureds if text in (i.id.casefold(), i.name.casefold())]
    if len(found) != 1:
        names = "; ".join(f"{i.name} ({i.id})" for i in policy.insureds)
        raise CommandFailed(f"{reference!r} is not one insured on {policy.policy_number}. Insureds: {names}.")
    return found[0].id


async def _policy_detail(client: PortalClient, reference: str) -> PolicyDetail:
    """The policy a number or id names (one search, as every command resolves policies), in detail."""
    found = await resolve_policy(client, reference)
    if found is None:
        raise CommandFailed(
            f"No policy {reference.strip()!r}: use a policy number or id from "
            "`ssp-tui policies list --status all`."
        )
    return await client.policies.get(found.id)


def _change(kind: ChangeKind, values: dict[str, Any], policy: PolicyDetail) -> dict[str, Any]:
    effective: date | None = values.get("effective")
    match kind:
        case ChangeKind.MAILING_ADDRESS:
            fields = {k: values[k].strip() for k in ("address", "city", "zip")}
            return {**fields, "state": values["state"].strip().upper(), "effective_on": effective}
        case ChangeKind.ADD_INSURED:
            fields = {k: values[k].strip() for k in ("name", "credentials", "specialty")}
            return {**fields, "effective_on": effective}
        case ChangeKind.REMOVE_INSURED:
            return {
                "insured_id": _insured_id(policy, values["insured"]),
                "reason": values["reason"].strip(),
                "effective_on": effective,
            }
        case ChangeKind.CHANGE_LIMITS:
            return {
                "limit_per_claim_cents": values["per_claim"],
                "limit_aggregate_cents": values["aggregate"],
                "effective_on": effective,
            }
    return {"description": values["description"].strip()}


def _money(_ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return dollars_to_cents(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


@changes_group.command("request")
@click.option("--policy", "policy_ref", required=True, metavar="P", help="Policy number or id.")
@click.option("--kind", type=click.Choice(list(KIND_OPTIONS)), required=True, help="What to change.")
@click.option("--effective", callback=date_option_value, metavar="DATE", help="When the change takes effect.")
@click.option("--address", metavar="A", help="mailing-address: street.")
@click.option("--city", metavar="C", help="mailing-address.")
@click.option("--state", metavar="S", help="mailing-address: two-letter USPS code.")
@click.option("--zip", "zip", metavar="Z", help="mailing-address: five digits or ZIP+4.")
@click.option("--name", metavar="N", help="add-insured: full name.")
@click.option("--credentials", metavar="C", help="add-insured: e.g. MD, DO, NP.")
@click.option("--specialty", metavar="S", help="add-insured.")
@click.option("--insured", metavar="I", help="remove-insured: the insured's id or full name.")
@click.option("--reason", metavar="R", help="remove-insured: e.g. retired.")
@click.option("--per-claim", callback=_money, metavar="$", help="change-limits: e.g. 2000000 or 2M.")
@click.option("--aggregate", callback=_money, metavar="$", help="change-limits: e.g. 4000000 or 4M.")
@click.option("--description", metavar="TEXT", help="other: the change in your words.")
@click.option("--note", default="", metavar="TEXT", help="Anything the underwriter should know.")
@click.option(
    "--idempotency-key", metavar="KEY", help="Resubmit an earlier attempt without a second request."
)
@output_options(listing=False)
@click.pass_context
def request(
    ctx: click.Context,
    policy_ref: str,
    kind: str,
    note: str,
    idempotency_key: str | None,
    **values: Any,
) -> None:
    """Ask for a change on a policy (answered within three business days).

    Sent with an Idempotency-Key, so a retry never files it twice. An insured cannot request changes.

    \b
    Examples:
      ssp-tui changes request --policy NCP1513214 --kind add-insured --name "Hannah Cole" \\
        --credentials NP --specialty "Nurse Practitioner" --effective 2026-12-15
      ssp-tui changes request --policy NCP1513214 --kind change-limits --per-claim 2M --aggregate 4M \\
        --effective 2027-01-01
      ssp-tui changes request --policy NCP1513214 --kind other --description "Add our new office"
    """
    output = make_output(ctx, fields=ChangeRequest)
    change_kind = KIND_OPTIONS[kind]
    missing = [name for name in NEEDS[change_kind] if values.get(name) in (None, "")]
    if missing:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise click.UsageError(f"A {kind} change needs {flags}.")
    key = idempotency_key or uuid.uuid4().hex  # made once, so a repeat after a re-login sends the same key

    async def body(run: CliRun) -> ChangeRequest:
        policy = await _policy_detail(run.client, policy_ref)
        fields = {
            "policy_id": policy.id,
            "change": {"kind": change_kind.value, **_change(change_kind, values, policy)},
            "note": note.strip(),
        }
        try:
            create = msgspec.convert(fields, type=ChangeRequestCreate)
        except msgspec.ValidationError as exc:
            raise click.UsageError(f"The change is not complete: {exc}") from None
        try:
            return await run.client.changes.create(create, idempotency_key=key)
        except ValidationFailed as exc:
            raise CommandFailed.of(exc) from None

    try:
        created = run_portal(ctx, body, output=output, needs=Capability.POLICY_CHANGES)
    except CommandFailed:
        output.warn(f"To resubmit without a second request, add: --idempotency-key {key}")
        raise
    if output.as_json:
        output.json(created)
        return
    _show(output, created)
    output.info(f"Submitted; expect an answer by {when(created.expected_by)}. Idempotency key: {key}")


def _show(output: Output, change: ChangeRequest) -> None:
    output.fields(
        [
            ("Request", change.id),
            ("Policy", f"{change.policy_number} ({change.policyholder})"),
            ("Change", change.summary),
            ("Status", change.status.value.replace("_", " ")),
            ("Submitted", change.submitted_at),
            ("By", change.submitted_by),
            ("Expected by", change.expected_by),
            ("Decided", change.decided_at),
            ("Decision", change.decision),
            ("Note", change.note),
        ]
    )


@changes_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in ChangeStatus]), help="Only this status.")
@click.option("--policy", "policy_ref", metavar="P", help="Only this policy (number or id).")
@click.option("--open", "only_open", is_flag=True, help="Only requests still submitted or in review.")
@output_options()
@click.pass_context
def list_changes(ctx: click.Context, status: str | None, policy_ref: str | None, only_open: bool) -> None:
    """Your policy change requests with status and age, newest first; open ones past their promised answer
    are marked OVERDUE.

    \b
    Examples:
      ssp-tui changes list --open
      ssp-tui changes list --jq '.[] | select(.status == "rejected") | .decision'
    """
    output = make_output(ctx, fields=ChangeRequest)

    async def body(run: CliRun) -> list[ChangeRequest]:
        policy_id = (await _policy_detail(run.client, policy_ref)).id if policy_ref else None
        found = await run.client.changes.list(
            status=ChangeStatus(status) if status else None, policy_id=policy_id
        ).collect()
        return [c for c in found if c.status in OPEN_CHANGE_STATUSES] if only_open else found

    changes = run_portal(ctx, body, output=output, needs=Capability.POLICY_CHANGES)
    now = clock.now()
    columns: list[Column[ChangeRequest]] = [
        Column("Request", lambda c: c.id),
        Column("Status", lambda c: c.status.value.replace("_", " ")),
        Column("Age", lambda c: request_age(c.submitted_at, now), "right"),
        Column(
            "Overdue", lambda c: "OVERDUE" if c.status in OPEN_CHANGE_STATUSES and now > c.expected_by else ""
        ),
        Column("Policy", lambda c: c.policy_number),
        Column("Change", lambda c: c.summary),
        Column("Expected by", lambda c: c.expected_by),
        Column("Decision", lambda c: c.decision),
    ]
    output.listing(changes, columns, empty="No policy change requests.")


@changes_group.command("show")
@click.argument("request_id", metavar="REQUEST")
@output_options(listing=False)
@click.pass_context
def show(ctx: click.Context, request_id: str) -> None:
    """One change request (an id from `changes list`).

    \b
    Example:
      ssp-tui changes show pc_5me62k1d42m6ss97
    """
    output = make_output(ctx, fields=ChangeRequest)

    async def body(run: CliRun) -> ChangeRequest:
        return await run.client.changes.get(request_id)

    change = run_portal(ctx, body, output=output, needs=Capability.POLICY_CHANGES)
    if output.as_json:
        output.json(change)
    else:
        _show(output, change)
