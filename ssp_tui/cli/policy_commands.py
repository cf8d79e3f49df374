"""``ssp-tui policies list`` and ``policies show`` (Policy Services)."""

from __future__ import annotations

import click

from ssp_tui.api.models import InsuredRef, PolicyDetail, PolicySummary, PolicyTerm, StatusFilter
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column, Output, money_column
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.operations.policy_lookup import resolve_policy

POLICY_COLUMNS: list[Column[PolicySummary]] = [
    Column("Policy", lambda p: p.policy_number),
    Column("Id", lambda p: p.id),
    Column("Policyholder", lambda p: p.policyholder),
    Column("Insurer", lambda p: p.insurer),
    Column("Coverage", lambda p: p.coverage_type),
    Column("Status", lambda p: p.status.value),
    Column("Term", lambda p: f"{p.term_start} to {p.term_end}"),
    Column("Renewal", lambda p: p.has_renewal),
]
TERM_COLUMNS: list[Column[PolicyTerm]] = [
    Column("Term", lambda t: t.term.value),
    Column("Start", lambda t: t.start),
    Column("End", lambda t: t.end),
    Column("Retro date", lambda t: t.retro_date),
    money_column("Per claim", lambda t: t.limit_per_claim_cents),
    money_column("Aggregate", lambda t: t.limit_aggregate_cents),
    money_column("Premium", lambda t: t.premium_cents),
]


INSURED_COLUMNS: list[Column[InsuredRef]] = [
    Column("Insured", lambda i: i.name),
    Column("Id", lambda i: i.id),
]


@click.group("policies")
def policies_group() -> None:
    """Policies you may see (Policy Services)."""


@policies_group.command("list")
@click.option(
    "--status",
    type=click.Choice([status.value for status in StatusFilter]),
    default=StatusFilter.ACTIVE.value,
    show_default=True,
)
@click.option("--query", metavar="Q", help="Matches a policy number or a policyholder.")
@output_options()
@click.pass_context
def policies_list(ctx: click.Context, status: str, query: str | None) -> None:
    """List policies.

    \b
    Examples:
      ssp-tui policies list
      ssp-tui policies list --status all --query Patel --json policy_number,status
      ssp-tui policies list --format csv --no-header
    """
    output = make_output(ctx, fields=PolicySummary)
    rows = ListingStream(output, POLICY_COLUMNS, empty="No policies match.")

    async def body(run: CliRun) -> int:
        return await rows.write(run.client.policies.list(status=StatusFilter(status), q=query))

    run_portal(ctx, body, output=output, needs=Capability.POLICY_DOCUMENTS)
    rows.finish()


@policies_group.command("show")
@click.argument("policy")
@output_options(listing=False)
@click.pass_context
def policies_show(ctx: click.Context, policy: str) -> None:
    """One policy: its terms (limits, premium, retro date) and its insureds. POLICY is a number or an id.

    \b
    Examples:
      ssp-tui policies show NCP1513214
      ssp-tui policies show NCP1513214 --jq '.terms[] | .term'
    """
    output = make_output(ctx, fields=PolicyDetail)

    async def body(run: CliRun) -> PolicyDetail:
        found = await resolve_policy(run.client, policy)
        if found is None:
            raise CommandFailed(
                f"No policy {policy!r}: use a policy number or id from `ssp-tui policies list --status all`."
            )
        return await run.client.policies.get(found.id)

    detail = run_portal(ctx, body, output=output, needs=Capability.POLICY_DOCUMENTS)
    if output.as_json:
        output.json(detail)
        return
    show_policy(output, detail)


def show_policy(output: Output, detail: PolicyDetail) -> None:
    output.fields(
        [
            ("Policy", detail.policy_number),
            ("Id", detail.id),
            ("Policyholder", detail.policyholder),
            ("Insurer", detail.insurer),
            ("Coverage", detail.coverage_type),
            ("Status", detail.status.value),
            ("Claims-made", detail.claims_made),
            ("Agency", detail.agency),
            ("Cancelled on", detail.cancelled_on),
        ],
        title=f"Policy {detail.policy_number}",
    )
    output.blank()
    output.table(TERM_COLUMNS, detail.terms, title="Terms")
    if detail.insureds:
        output.blank()
        output.table(INSURED_COLUMNS, detail.insureds, title="Insureds")
