"""``ssp-tui risk list|download`` and ``agent resources|download``: the risk-management library and the
agent resource library, and their in-portal documents (the ``do_...`` ids the listings show)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

import click

from ssp_tui.api.models import AgentCategory, AgentResource, RiskCategory, RiskResource
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

RISK_COLUMNS: list[Column[RiskResource]] = [
    Column("Title", lambda r: r.title),
    Column("Category", lambda r: r.category.value.replace("_", " ")),
    Column("Published", lambda r: r.published_on),
    Column("Coverage", lambda r: r.coverage_types),
    Column("Document or link", lambda r: r.document_id or r.url),
]
AGENT_COLUMNS: list[Column[AgentResource]] = [
    Column("Title", lambda r: r.title),
    Column("Category", lambda r: r.category.value.replace("_", " ")),
    Column("Published", lambda r: r.published_on),
    Column("Document or link", lambda r: r.document_id or r.url),
]


class LibraryItem(Protocol):
    title: str
    published_on: date
    document_id: str | None
    url: str | None


@click.group("risk")
def risk_group() -> None:
    """Risk management resources for your coverage types."""


@risk_group.command("list")
@click.option("--category", type=click.Choice([c.value for c in RiskCategory]))
@click.option("--query", metavar="Q", help="Words in the title or summary.")
@output_options()
@click.pass_context
def risk_list(ctx: click.Context, category: str | None, query: str | None) -> None:
    """Risk-management resources: in-portal documents (an id) or public links.

    \b
    Examples:
      ssp-tui risk list --category toolkits
      ssp-tui risk list --query consent --json title,url
    """
    output = make_output(ctx, fields=RiskResource)

    async def body(run: CliRun) -> list[RiskResource]:
        chosen = RiskCategory(category) if category else None
        return await run.client.risk.list(category=chosen, q=query).collect()

    output.listing(run_portal(ctx, body, output=output), RISK_COLUMNS, empty="No resources match.")


@click.group("agent")
def agent_group() -> None:
    """The agent resource library (agents only)."""


@agent_group.command("resources")
@click.option("--category", type=click.Choice([c.value for c in AgentCategory]))
@click.option("--query", metavar="Q", help="Words in the title or summary.")
@output_options()
@click.pass_context
def agent_resources(ctx: click.Context, category: str | None, query: str | None) -> None:
    """The agent library, newest first: newsletters, marketing, applications, manuals, bulletins.

    \b
    Examples:
      ssp-tui agent resources --category bulletins
      ssp-tui agent resources --jq '.[] | select(.document_id != null) | .document_id'
    """
    output = make_output(ctx, fields=AgentResource)

    async def body(run: CliRun) -> list[AgentResource]:
        chosen = AgentCategory(category) if category else None
        return await run.client.agent.resources(category=chosen, q=query).collect()

    resources = run_portal(ctx, body, output=output, needs=Capability.AGENT_LIBRARY)
    resources.sort(key=lambda r: r.published_on, reverse=True)
    output.listing(resources, AGENT_COLUMNS, empty="No resources match.")


Lister = Callable[[CliRun], Awaitable[Sequence[LibraryItem]]]


def _download_command(group: click.Group, *, what: str, listing: str, lister: Lister,
                      needs: Capability | None, examples: str) -> None:  # fmt: skip
    """``GROUP download ID... (--dir DIR | --combine FILE.pdf)`` for a library's in-portal documents."""

    @group.command("download")
    @click.argument("document_ids", metavar="[DOCUMENT...]", nargs=-1)
    @from_file_option("document ids")
    @click.option(
        "--combine", type=click.Path(path_type=Path, dir_okay=False), help="One PDF, a bookmark each."
    )
    @click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), help="Separate PDFs.")
    @download_options(combined_flag="--combine")
    @output_options(listing=False)
    @click.pass_context
    def download(
        ctx: click.Context,
        document_ids: tuple[str, ...],
        from_file: str | None,
        combine: Path | None,
        folder: Path | None,
        options: DownloadOptions,
    ) -> None:
        output = make_output(ctx, fields=PLAN_FIELDS if options.dry_run else RESULT_FIELDS)
        wanted = gather(document_ids, from_file, what="document id")
        where = destination(combine, folder, options, combined_flag="--combine", folder_flag="--dir")
        if where is None:
            output.info(f"{combine} already exists; left as it is (--skip).")
            return

        async def body(run: CliRun) -> None:
            from ssp_tui.operations.downloads import DownloadPlan
            from ssp_tui.operations.downloads.jobs import combined_title, resource_job

            by_id = {item.document_id: item for item in await lister(run) if item.document_id}
            hint = f"No such document in the {what} you may see (the ids are in `ssp-tui {listing}`)."
            unresolved = [(doc_id, hint) for doc_id in wanted if doc_id not in by_id]
            items = [by_id[doc_id] for doc_id in wanted if doc_id in by_id]
            if not items:
                for doc_id, message in unresolved:
                    output.warn(f"failed: {doc_id}: {message}")
                raise CommandFailed(f"None of these are documents in the {what}.")
            template = run.profile.filename_template
            jobs = [resource_job(item.document_id or "", item.title, item.published_on, template=template)
                    for item in items]  # fmt: skip
            plan = DownloadPlan(
                jobs,
                where,
                concurrency=concurrency_for(run, options),
                allow_missing=options.allow_missing,
                title=combined_title(what.capitalize(), [item.title for item in items]),
                unresolved=tuple(unresolved),
            )
            if options.dry_run:
                report_dry_run(output, plan)
                return
            report(output, await run_plan(run, plan))

        run_portal(ctx, body, output=output, needs=needs, check_profile=template_check(DOCUMENT_FIELDS))

    download.help = (
        f"Download documents of the {what} by id (the do_... ids `ssp-tui {listing}` shows).\n\n"
        "DOCUMENT is an id; '-' reads ids from standard input, one a line (or --from-file). Public links\n"
        "are not documents: open them in a browser. Exit 4 when some failed; the rest are complete.\n\n"
        f"\b\nExamples:\n{examples}"
    )


async def _risk_documents(run: CliRun) -> Sequence[LibraryItem]:
    return await run.client.risk.list().collect()


async def _agent_documents(run: CliRun) -> Sequence[LibraryItem]:
    return await run.client.agent.resources().collect()


_download_command(
    risk_group,
    what="risk-management library",
    listing="risk list",
    lister=_risk_documents,
    needs=None,
    examples="  ssp-tui risk download do_7c7m66q39yzsghkp do_rp2wmbfqyadnp0dx --dir risk\n"
    "  ssp-tui risk list --jq '.[] | .document_id // empty' | ssp-tui risk download - --combine risk.pdf "
    "--overwrite\n",
)
_download_command(
    agent_group,
    what="agent library",
    listing="agent resources",
    lister=_agent_documents,
    needs=Capability.AGENT_LIBRARY,
    examples="  ssp-tui agent download do_15479nv9gtjcgcv8 --dir agent-library\n",
)
