"""``ssp-tui docs list`` and ``docs download``: policy documents, as separate PDFs or one combined PDF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

from ssp_tui.api.models import Document, DocumentType, Term
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
from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.operations.policy_lookup import (
    PolicyRef,
    policy_document_lists,
    policy_documents,
    resolve_policies,
)

ALL_TERMS = "all"
_TERM_CHOICES = [*(term.value for term in Term), ALL_TERMS]

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


@click.group("docs")
def docs_group() -> None:
    """Policy documents: list them, download them as separate PDFs or one combined PDF."""


def _terms_for(wanted: str) -> Callable[[PolicyRef], list[Term]]:
    """The terms to list for each policy: all it has, or the one asked for when it has it."""

    def terms(policy: PolicyRef) -> list[Term]:
        if wanted == ALL_TERMS:
            return list(policy.terms)
        return [Term(wanted)] if Term(wanted) in policy.terms else []

    return terms


NO_SUCH_POLICY = "No policy {!r}: use a policy number or id from `ssp-tui policies list --status all`."


async def _resolve(
    run: CliRun, references: Sequence[str], concurrency: int
) -> tuple[list[PolicyRef], list[tuple[str, str]]]:
    """Every policy named, resolved concurrently (one request each), and ``(reference, message)`` for each
    that does not exist: in a batch, that item fails and the others go on."""
    resolved = await resolve_policies(run.client, references, concurrency)
    return resolved.found, [(reference, NO_SUCH_POLICY.format(reference)) for reference in resolved.unknown]


@docs_group.command("list")
@click.argument("policy")
@click.option("--term", type=click.Choice(_TERM_CHOICES), default=Term.CURRENT.value, show_default=True)
@output_options()
@click.pass_context
def docs_list(ctx: click.Context, policy: str, term: str) -> None:
    """List a policy's documents. POLICY is a policy number or id.

    \b
    Examples:
      ssp-tui docs list NCP1513214
      ssp-tui docs list NCP1513214 --term all --json id,type,title
    """
    output = make_output(ctx, fields=Document)
    stream = ListingStream(output, DOCUMENT_COLUMNS, empty="No documents.")

    async def body(run: CliRun) -> int:
        found, unknown = await _resolve(run, [policy], run.profile.concurrency)
        if unknown:
            raise CommandFailed(unknown[0][1])
        if term != ALL_TERMS and Term(term) not in found[0].terms:
            raise CommandFailed(f"Policy {found[0].policy_number} has no {term} term.")
        # Each term's documents are printed as soon as they (and the terms before) are in.
        lists = policy_document_lists(run.client, found, _terms_for(term), run.profile.concurrency)
        return await stream.write(lists)

    run_portal(ctx, body, output=output, needs=Capability.POLICY_DOCUMENTS)
    stream.finish()


@docs_group.command("download")
@click.argument("policies", metavar="[POLICY...]", nargs=-1)
@from_file_option("policy numbers or ids")
@click.option("--term", type=click.Choice(_TERM_CHOICES), default=Term.CURRENT.value, show_default=True)
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice([kind.value for kind in DocumentType]),
    help="Only documents of this type (repeatable: every value counts).",
)
@click.option(
    "--combine", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark per document."
)
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs here.")
@download_options(combined_flag="--combine")
@output_options(listing=False)
@click.pass_context
def docs_download(
    ctx: click.Context,
    policies: tuple[str, ...],
    from_file: str | None,
    term: str,
    types: tuple[str, ...],
    combine: Path | None,
    folder: Path | None,
    options: DownloadOptions,
) -> None:
    """Download policy documents, verified, through the shared cache (a second run fetches nothing).

    POLICY is a policy number or id; '-' reads them from standard input, one a line (or --from-file).
    Separate files are named by the profile's filename template and listed in DIR/manifest.json.
    Exit 4 when some items failed (a policy that does not exist, a file that did not arrive): the others
    are complete and the failed ones are named on stderr and in the manifest. Ctrl+C stops cleanly (exit
    130): what was saved stays, and the next run resumes from the cache.

    \b
    Examples:
      ssp-tui docs download NCP1513214 --dir policy-docs
      ssp-tui docs download NCP1513214 NCP8081940 --term all --type declarations \\
        --combine decs.pdf --overwrite
      ssp-tui docs download NCP1513214 --dir policy-docs --dry-run
    """
    output = make_output(ctx, fields=PLAN_FIELDS if options.dry_run else RESULT_FIELDS)
    references = gather(policies, from_file, what="policy")
    where = destination(combine, folder, options, combined_flag="--combine", folder_flag="--dir")
    if where is None:
        output.info(f"{combine} already exists; left as it is (--skip).")
        return
    wanted_types = {DocumentType(kind) for kind in types}

    async def body(run: CliRun) -> None:
        from ssp_tui.operations.downloads import DownloadPlan
        from ssp_tui.operations.downloads.jobs import combined_title, document_job

        workers = concurrency_for(run, options)
        found, unresolved = await _resolve(run, references, workers)
        if term != ALL_TERMS:
            for policy in found:
                if Term(term) not in policy.terms:
                    # Among many policies, one without (say) a renewal is skipped, not a reason to stop.
                    output.warn(f"Policy {policy.policy_number} has no {term} term; skipped.")
        listed = await policy_documents(run.client, found, _terms_for(term), workers)
        documents = [d for d in listed if not wanted_types or d.type in wanted_types]
        policies_for = list(dict.fromkeys(d.policy_number or "" for d in documents))
        if not documents:
            for reference, message in unresolved:
                output.warn(f"failed: {reference}: {message}")
            raise CommandFailed("No documents match.")
        template = run.profile.filename_template
        jobs = [document_job(document, template=template, policy_in_title=True) for document in documents]
        plan = DownloadPlan(
            jobs,
            where,
            concurrency=workers,
            allow_missing=options.allow_missing,
            title=combined_title("Policy documents", policies_for),
            labels=tuple(dict.fromkeys(policies_for)),
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
        needs=Capability.POLICY_DOCUMENTS,
        check_profile=template_check(DOCUMENT_FIELDS),
    )
