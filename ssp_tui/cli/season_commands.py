"""Credentialing season over the whole book: ``coi expiring``, ``coi renewal-pack`` and ``coi history``.

The renewal pack goes through the one download engine (its cache: a rerun fetches only what changed) and is
written to the ledger, which ``coi history --changed`` compares against what was drafted or sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ssp_tui import clock
from ssp_tui.api.models import Certificate, CertificateTerm
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, cache_dir, run_portal
from ssp_tui.cli.download_run import check_concurrency
from ssp_tui.cli.exit_codes import CommandFailed, ExitCode
from ssp_tui.cli.output import Column, Output
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.formatting import plural
from ssp_tui.operations.certificate_search import CertificateQuery, find_certificates
from ssp_tui.operations.downloads.engine import DownloadEngine
from ssp_tui.operations.downloads.placement import DestinationUnusable
from ssp_tui.operations.season.expiring import Lapsing, WindowError, expiring, parse_window
from ssp_tui.operations.season.ledger import Ledger, LedgerAction, LedgerEntry, LedgerError
from ssp_tui.operations.season.renewal_pack import (
    PackLayout,
    RenewalPack,
    build_renewal_pack,
    group_by_holder,
)
from ssp_tui.settings.config import MAX_CONCURRENCY

_LAPSING: list[Column[Lapsing]] = [
    Column("Ends", lambda x: x.ends_on),
    Column("Days", lambda x: x.days_left, "right"),
    Column("Policy", lambda x: x.certificate.policy_number),
    Column("Insured", lambda x: x.certificate.insured_name),
    Column("Holder", lambda x: x.certificate.holder_name),
    Column("Renewal offered", lambda x: "yes" if x.certificate.renewal_offered else "no"),
    Column("Certificate", lambda x: x.certificate.id),
]
_HISTORY: list[Column[LedgerEntry]] = [
    Column("When", lambda e: e.at),
    Column("Action", lambda e: e.action.value),
    Column("Holder", lambda e: e.holder_name),
    Column("Recipient", lambda e: e.recipient),
    Column("Insured", lambda e: e.insured_name),
    Column("Policy", lambda e: e.policy_number),
    Column("Certificate", lambda e: e.certificate_id),
    Column("SHA-256", lambda e: e.sha256[:12]),
]


def _window(_ctx: click.Context, param: click.Parameter, value: str) -> Any:
    try:
        return parse_window(value)
    except WindowError as exc:
        raise click.BadParameter(exc.full_message, param=param) from None


@click.command("expiring")
@click.option("--within", default="30d", show_default=True, callback=_window, help="e.g. 30d, 6w, 2m.")
@output_options()
@click.pass_context
def coi_expiring(ctx: click.Context, within: Any) -> None:
    """Certificates whose policy term ends within a window, across the whole book, soonest first.

    \b
    Examples:
      ssp-tui coi expiring --within 30d
      ssp-tui coi expiring --within 2m --jq '.[] | .certificate.holder_name'
    """
    output = make_output(ctx, fields=("ends_on", "days_left", "certificate"))

    async def body(run: CliRun) -> list[Certificate]:
        return await find_certificates(run.client, CertificateQuery(None, term=CertificateTerm.CURRENT))

    found = expiring(
        run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES), clock.today(), within
    )
    if output.as_json:
        output.json(
            [{"ends_on": x.ends_on, "days_left": x.days_left, "certificate": x.certificate} for x in found]
        )
        return
    output.listing(found, _LAPSING, empty=f"No certificate lapses within {within.days} days.")
    if found:
        offered = sum(x.certificate.renewal_offered for x in found)
        output.info(
            f"{plural(len(found), 'certificate')} {'lapses' if len(found) == 1 else 'lapse'} within "
            f"{plural(within.days, 'day')}; {offered} with a renewal offered."
        )


async def renewal_certificates(run: CliRun, policies: tuple[str, ...]) -> list[Certificate]:
    """The renewal-term certificates of the whole book, or of the policies named (numbers or ids)."""
    found = await find_certificates(run.client, CertificateQuery(None, term=CertificateTerm.RENEWAL))
    if not policies:
        return found
    wanted = {p.strip().casefold() for p in policies}
    chosen = [c for c in found if wanted & {c.policy_number.casefold(), c.policy_id.casefold()}]
    missing = wanted - {c.policy_number.casefold() for c in chosen} - {c.policy_id.casefold() for c in chosen}
    if missing:
        raise CommandFailed(
            f"No renewal certificates for {', '.join(sorted(missing))}: `ssp-tui coi expiring` shows which "
            "policies have a renewal offered."
        )
    return chosen


async def make_pack(
    run: CliRun, folder: Path, layout: PackLayout, policies: tuple[str, ...], concurrency: int
) -> RenewalPack:
    certificates = await renewal_certificates(run, policies)
    if not certificates:
        raise CommandFailed("No policy in your book has a renewal term on offer yet.")
    if run.download_engine is None:
        run.download_engine = DownloadEngine(run.client, cache_dir())
    try:
        return await build_renewal_pack(
            run.download_engine, group_by_holder(certificates), folder, layout, concurrency=concurrency
        )
    except DestinationUnusable as exc:
        raise CommandFailed.of(exc) from None


def record_pack(portal_key: str, pack: RenewalPack) -> None:
    """Each certificate's bytes into the ledger, so "changed since sent" can be told later."""
    now = clock.now()
    entries = [
        LedgerEntry(
            now,
            LedgerAction.DOWNLOADED,
            c.id,
            c.policy_number,
            c.insured_name,
            c.holder_name,
            holder.certificate_sha256[c.id],
            file=str(packed_file.path),
        )
        for holder in pack.holders
        for packed_file in holder.files
        for c in packed_file.certificates
        if c.id in holder.certificate_sha256
    ]
    with Ledger.open(portal_key) as ledger:
        ledger.record(entries)


def pack_option(command: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--dir",
                "folder",
                required=True,
                type=click.Path(path_type=Path, file_okay=False),
                help="The pack's folder (its own: changed files are replaced).",
            ),
            click.option(
                "--layout",
                type=click.Choice([m.value for m in PackLayout]),
                default="per-holder",
                show_default=True,
                help="One PDF per holder, or a file per insured.",
            ),
            click.option(
                "--policy",
                "policies",
                multiple=True,
                metavar="P",
                help="Only these policies (repeatable); default: every policy with a renewal.",
            ),
            click.option(
                "--concurrency",
                type=click.IntRange(1, MAX_CONCURRENCY),
                default=None,
                help="Downloads in flight (default 6).",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command("renewal-pack")
@pack_option
@output_options(listing=False)
@click.pass_context
def coi_renewal_pack(
    ctx: click.Context,
    folder: Path,
    layout: str,
    policies: tuple[str, ...],
    concurrency: int | None,
) -> None:
    """Every holder's renewal-term certificates: one combined PDF per holder, or a file per insured.

    Rerunning fetches only certificates that changed; a changed file replaces the old one in the pack folder.

    \b
    Examples:
      ssp-tui coi renewal-pack --dir renewal-2027
      ssp-tui coi renewal-pack --dir renewal-2027 --layout per-insured --policy NCP1513214
    """
    output = make_output(ctx, fields=PACK_FIELDS)
    workers = check_concurrency(concurrency, 6)

    async def body(run: CliRun) -> tuple[str, RenewalPack]:
        return run.portal_key, await make_pack(run, folder, PackLayout(layout), policies, workers)

    portal_key, pack = run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    _record(portal_key, pack)
    report_pack(output, pack)


def _record(portal_key: str, pack: RenewalPack) -> None:
    try:
        record_pack(portal_key, pack)
    except LedgerError as exc:
        raise CommandFailed(f"The pack is saved, but {exc.user_message}", next_step=exc.next_step) from None


PACK_FIELDS = ("folder", "layout", "complete", "fetched", "holders")
"""What ``--json FIELDS`` may name for a renewal pack."""


def pack_json(pack: RenewalPack) -> dict[str, Any]:
    return {
        "folder": str(pack.folder),
        "layout": pack.layout.value,
        "complete": pack.complete,
        "fetched": pack.fetched,
        "holders": [
            {
                "holder": h.group.holder_name,
                "contact_email": h.group.contact_email or None,
                "certificates": [c.id for c in h.group.certificates],
                "files": [
                    {"path": str(f.path), "sha256": f.sha256, "status": f.status.value} for f in h.files
                ],
                "failures": h.failures,
            }
            for h in pack.holders
        ],
    }


def report_pack(output: Output, pack: RenewalPack) -> None:
    for holder in pack.holders:
        for line in holder.failures:
            output.warn(f"failed: {holder.group.holder_name}: {line}")
    if output.as_json:
        output.json(pack_json(pack))
    else:
        for holder in pack.holders:
            for packed_file in holder.files:
                output.line(f"{packed_file.status.value}\t{packed_file.path}")
    files = [f for h in pack.holders for f in h.files]
    changed = sum(f.status.value != "unchanged" for f in files)
    output.info(
        f"{plural(pack.certificates, 'certificate')} for {plural(len(pack.holders), 'holder')} in "
        f"{plural(len(files), 'file')} "
        f"({changed} new or updated, {pack.fetched} downloaded) in {pack.folder}."
    )
    if not pack.complete:
        raise CommandFailed("Some certificates are missing (listed above); run it again.", ExitCode.PARTIAL)


@click.command("history")
@click.option("--holder", metavar="TEXT", help="Only holders whose name contains TEXT.")
@click.option("--changed", is_flag=True, help="Only certificates whose bytes changed since they were sent.")
@output_options()
@click.pass_context
def coi_history(ctx: click.Context, holder: str | None, changed: bool) -> None:
    """What was downloaded, drafted or sent, to whom and when (the local ledger).

    \b
    Examples:
      ssp-tui coi history --holder mercy
      ssp-tui coi history --changed
    """
    output = make_output(ctx, fields=LedgerEntry)

    async def body(run: CliRun) -> str:
        return run.portal_key

    portal_key = run_portal(ctx, body, output=output, require_session=False)
    try:
        with Ledger.open(portal_key) as ledger:
            if changed:
                entries = [c.delivered for c in ledger.changed_since_delivered()]
                if holder:
                    entries = [e for e in entries if holder.casefold() in e.holder_name.casefold()]
            else:
                entries = ledger.history(holder=holder)
    except LedgerError as exc:
        raise CommandFailed.of(exc) from None
    empty = "Nothing changed since it was sent." if changed else "The ledger is empty."
    output.listing(entries, _HISTORY, empty=empty)
    if changed and entries:
        output.info(
            f"{plural(len(entries), 'certificate')} changed since sent: run `ssp-tui coi drafts` again."
        )
