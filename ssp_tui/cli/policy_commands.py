"""``ssp-tui policies list``, ``docs list`` and ``docs download``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

from ssp_tui.api.models import Document, DocumentType, PolicySummary, StatusFilter, Term
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.download_run import check_concurrency, destination, report, run_plan
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column, json_option
from ssp_tui.cli.root import cli
from ssp_tui.operations.downloads import BulkResult, DownloadPlan
from ssp_tui.operations.downloads.jobs import combined_title, document_job
from ssp_tui.operations.policy_lookup import PolicyRef, policy_documents, resolve_policies
from ssp_tui.operations.safe_names import TemplateError

ALL_TERMS = "all"
_TERM_CHOICES = [*(term.value for term in Term), ALL_TERMS]

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

DOCUMENT_COLUMNS: list[Column[Document]] = [
    Column("Id", lambda d: d.id),
    Column("Policy", lambda d: d.policy_number),
    Column("Term", lambda d: d.term.value if d.term else ""),
    Column("Type", lambda d: d.type.value),
    Column("Title", lambda d: d.title),
    Column("Issued", lambda d: d.issued_on),
    Column("Pages", lambda d: d.pages, "right"),
    Column("Bytes", lambda d: d.bytes, "right"),
]


@cli.group("policies")
def policies_group() -> None:
    """Policies you may see (Policy Services)."""


@policies_group.command("list")
@click.option(
    "--status",
    type=click.Choice([status.value for status in StatusFilter]),
    default=StatusFilter.ACTIVE.value,
    show_default=True,
)
@click.option("--query", "-q", metavar="Q", help="Matches a policy number or a policyholder.")
@json_option
@click.pass_context
def policies_list(ctx: click.Context, status: str, query: str | None, as_json: bool) -> None:
    """List policies.

    \b
    Examples:
      ssp-tui policies list
      ssp-tui policies list --status all --query "Bay Area" --json
    """
    output = make_output(ctx, as_json=as_json)
    rows = ListingStream(output, POLICY_COLUMNS, empty="No policies match.")

    async def body(run: CliRun) -> int:
        return await rows.write(run.client.policies.list(status=StatusFilter(status), q=query))

    run_portal(ctx, body, output=output, needs=Capability.POLICY_DOCUMENTS)
    rows.finish()


@cli.group("docs")
def docs_group() -> None:
    """Policy documents: list them, download them as separate PDFs or one combined PDF."""


def _terms_for(wanted: str) -> Callable[[PolicyRef], list[Term]]:
    """The terms to list for each policy: all it has, or the one asked for when it has it."""

    def terms(policy: PolicyRef) -> list[Term]:
        if wanted == ALL_TERMS:
            return list(policy.terms)
        return [Term(wanted)] if Term(wanted) in policy.terms else []

    return terms


async def _resolve(run: CliRun, references: Sequence[str], concurrency: int) -> list[PolicyRef]:
    """Every policy named, resolved concurrently (one request each); names the unknown ones together."""
    if not all(reference.strip() for reference in references):
        raise CommandFailed("A policy number or id is needed.")
    resolved = await resolve_policies(run.client, references, concurrency)
    if resolved.unknown:
        names = ", ".join(repr(reference) for reference in resolved.unknown)
        raise CommandFailed(
            f"No policy {names}: use a policy number or id from `ssp-tui policies list --status all`."
        )
    return resolved.found


@docs_group.command("list")
@click.argument("policy")
@click.option("--term", type=click.Choice(_TERM_CHOICES), default=Term.CURRENT.value, show_default=True)
@json_option
@click.pass_context
def docs_list(ctx: click.Context, policy: str, term: str, as_json: bool) -> None:
    """List a policy's documents. POLICY is a policy number or id.

    \b
    Examples:
      ssp-tui docs list NC-2041178
      ssp-tui docs list NC-2041178 --term all --json
    """
    output = make_output(ctx, as_json=as_json)

    async def body(run: CliRun) -> list[Document]:
        (found,) = await _resolve(run, [policy], run.profile.concurrency)
        if term != ALL_TERMS and Term(term) not in found.terms:
            raise CommandFailed(f"Policy {found.policy_number} has no {term} term.")
        return await policy_documents(run.client, [found], _terms_for(term), run.profile.concurrency)

    found = run_portal(ctx, body, output=output, needs=Capability.POLICY_DOCUMENTS)
    output.listing(found, DOCUMENT_COLUMNS, empty="No documents.")


@docs_group.command("download")
@click.argument("policies", metavar="POLICY...", nargs=-1, required=True)
@click.option("--term", type=click.Choice(_TERM_CHOICES), default=Term.CURRENT.value, show_default=True)
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice([kind.value for kind in DocumentType]),
    help="Only documents of this type (repeatable).",
)
@click.option(
    "--combine", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark per document."
)
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs here.")
@click.option("--concurrency", type=int, help="Parallel downloads (default: the profile's, 6).")
@click.option(
    "--allow-missing", is_flag=True, help="With --combine: write the PDF even if some documents fail."
)
@json_option
@click.pass_context
def docs_download(
    ctx: click.Context,
    policies: tuple[str, ...],
    term: str,
    types: tuple[str, ...],
    combine: Path | None,
    folder: Path | None,
    concurrency: int | None,
    allow_missing: bool,
    as_json: bool,
) -> None:
    """Download policy documents, verified, through the shared cache (a second run fetches nothing).

    Separate files are named by the profile's filename template and listed in DIR/manifest.json.
    Exit 4 when some files failed: the others are complete and the failed ones are named on stderr and in
    the manifest.

    \b
    Examples:
      ssp-tui docs download NC-2041178 --dir ~/policy-docs
      ssp-tui docs download NC-2041178 PA-3100452 --term all --type declarations --combine decs.pdf
    """
    output = make_output(ctx, as_json=as_json)
    where = destination(combine, folder, combined_flag="--combine", folder_flag="--dir")
    wanted_types = {DocumentType(kind) for kind in types}

    async def body(run: CliRun) -> BulkResult:
        template = run.profile.filename_template
        workers = check_concurrency(concurrency, run.profile.concurrency)
        found = await _resolve(run, policies, workers)
        if term != ALL_TERMS:
            for policy in found:
                if Term(term) not in policy.terms:
                    # Among many policies, one without (say) a renewal is skipped, not a reason to stop.
                    output.warn(f"Policy {policy.policy_number} has no {term} term; skipped.")
        listed = await policy_documents(run.client, found, _terms_for(term), workers)
        documents = [d for d in listed if not wanted_types or d.type in wanted_types]
        policies_for = list(dict.fromkeys(d.policy_number or "" for d in documents))
        if not documents:
            raise CommandFailed("No documents match.")
        try:
            jobs = [
                document_job(document, template=template, policy_in_title=True) for document in documents
            ]
        except TemplateError as exc:
            raise CommandFailed(f"The profile's filename template cannot be used: {exc}") from None
        plan = DownloadPlan(
            jobs,
            where,
            concurrency=workers,
            allow_missing=allow_missing,
            title=combined_title("Policy documents", policies_for),
            labels=tuple(dict.fromkeys(policies_for)),
        )
        return await run_plan(run, plan)

    report(output, run_portal(ctx, body, output=output, needs=Capability.POLICY_DOCUMENTS))
