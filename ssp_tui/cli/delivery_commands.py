"""Delivering certificates: ``coi drafts`` (one .eml per holder, for any mail client), ``coi send`` (through
the user's own SMTP server, opt-in, a dry run unless ``--yes``) and ``coi smtp-password``.

Both build the renewal pack first (the same engine, cache and ledger), and write what they drafted or sent
to the ledger with each certificate's sha256.
"""

from __future__ import annotations

import asyncio
import os
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import click

from ssp_tui import clock
from ssp_tui.api.roles import Capability
from ssp_tui.cli.context import CliRun, global_options, run_portal
from ssp_tui.cli.download_run import check_concurrency
from ssp_tui.cli.exit_codes import CommandFailed, ExitCode
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.cli.season_commands import make_pack, pack_option, record_pack
from ssp_tui.errors import ConfigError, SecretStoreError
from ssp_tui.formatting import plural
from ssp_tui.operations.season.drafts import CoverTemplate, DraftError, Sender, build_message, write_draft
from ssp_tui.operations.season.ledger import Ledger, LedgerAction, LedgerEntry, LedgerError
from ssp_tui.operations.season.renewal_pack import PackedHolder, PackLayout, RenewalPack
from ssp_tui.operations.season.smtp_send import SmtpError, SmtpSecurity, SmtpSettings, send_messages
from ssp_tui.settings.mail_config import MailSettings, load_mail_settings
from ssp_tui.settings.secrets import SecretStore

PASSWORD_ENV = "SSP_SMTP_PASSWORD"
DRAFTS_FOLDER = "drafts"


def _mail_settings(ctx: click.Context) -> tuple[str, MailSettings]:
    profile = global_options(ctx).profile
    try:
        settings = load_mail_settings(profile)
        settings.require_sender(profile or "default")
    except ConfigError as exc:
        raise CommandFailed.of(exc) from None
    return profile or "default", settings


def _template(path: Path | None) -> CoverTemplate:
    try:
        return CoverTemplate.load(path)
    except DraftError as exc:
        raise CommandFailed.of(exc) from None


def _messages(
    pack: RenewalPack, template: CoverTemplate, sender: Sender
) -> tuple[list[tuple[PackedHolder, EmailMessage]], list[str]]:
    """A message per holder that has files and a contact address; the reasons for the others."""
    now = clock.now()
    messages, skipped = [], []
    for holder in pack.holders:
        if not holder.files:
            skipped.append(f"{holder.group.holder_name}: no certificates were saved")
            continue
        try:
            messages.append((holder, build_message(holder, template, sender, when=now)))
        except DraftError as exc:
            skipped.append(exc.full_message)
    return messages, skipped


def _ledger_entries(holder: PackedHolder, action: LedgerAction, file: str = "") -> list[LedgerEntry]:
    now = clock.now()
    return [
        LedgerEntry(
            now,
            action,
            c.id,
            c.policy_number,
            c.insured_name,
            c.holder_name,
            holder.certificate_sha256[c.id],
            recipient=holder.group.contact_email,
            file=file,
        )
        for c in holder.group.certificates
        if c.id in holder.certificate_sha256
    ]


def _record(portal_key: str, entries: list[LedgerEntry]) -> None:
    try:
        with Ledger.open(portal_key) as ledger:
            ledger.record(entries)
    except LedgerError as exc:
        said = f"The messages are done, but {exc.user_message}"
        raise CommandFailed(said, next_step=exc.next_step) from None


def _template_option(command: Any) -> Any:
    return click.option(
        "--template",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="Cover text: a 'Subject: ...' line, then the body, with $holder_name, $contact_name, $count, "
        "$certificates, $insureds, $policies, $sender, $date.",
    )(command)


@click.command("drafts")
@pack_option
@_template_option
@output_options(listing=False)
@click.pass_context
def coi_drafts(
    ctx: click.Context,
    folder: Path,
    layout: str,
    policies: tuple[str, ...],
    concurrency: int | None,
    template: Path | None,
) -> None:
    """A ready-to-send .eml draft per holder, addressed to its contact, with its certificates attached.

    The pack goes to DIR, the drafts to DIR/drafts; open a draft in your mail client and press Send.

    \b
    Examples:
      ssp-tui coi drafts --dir renewal-2027
      ssp-tui coi drafts --dir renewal-2027 --policy NCP1513214
    """
    output = make_output(ctx, fields=("drafts", "skipped"))
    workers = check_concurrency(concurrency, 6)
    profile, settings = _mail_settings(ctx)
    cover = _template(template)

    async def body(run: CliRun) -> tuple[str, RenewalPack]:
        return run.portal_key, await make_pack(run, folder, PackLayout(layout), policies, workers)

    portal_key, pack = run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    record_pack(portal_key, pack)
    messages, skipped = _messages(pack, cover, Sender(settings.from_name, settings.from_email))
    written, entries = [], []
    for holder, message in messages:
        path = write_draft(message, pack.folder / DRAFTS_FOLDER, holder.group.holder_name)
        written.append(
            {"holder": holder.group.holder_name, "to": holder.group.contact_email, "path": str(path)}
        )
        entries += _ledger_entries(holder, LedgerAction.DRAFTED, str(path))
    _record(portal_key, entries)
    if output.as_json:
        output.json({"drafts": written, "skipped": skipped})
    else:
        for item in written:
            output.line(item["path"])
    for reason in skipped:
        output.warn(f"skipped: {reason}")
    output.info(f"{plural(len(written), 'draft')} in {pack.folder / DRAFTS_FOLDER} (profile {profile}).")
    if skipped or not pack.complete:
        raise CommandFailed("Some holders have no draft (listed above).", ExitCode.PARTIAL)


def _smtp_password(profile: str, settings: MailSettings) -> str | None:
    if not settings.smtp_username:
        return None
    if password := os.environ.get(PASSWORD_ENV):
        return password
    try:
        password = SecretStore(profile).get_secret(settings.password_key)
    except SecretStoreError as exc:
        raise CommandFailed.of(exc) from None
    if not password:
        raise CommandFailed(
            f"No SMTP password kept for {settings.smtp_username}: run `ssp-tui coi smtp-password`."
        )
    return password


@click.command("send")
@pack_option
@_template_option
@click.option("--yes", is_flag=True, help="Really send; without it, a dry run that shows what would go.")
@output_options(listing=False)
@click.pass_context
def coi_send(
    ctx: click.Context,
    folder: Path,
    layout: str,
    policies: tuple[str, ...],
    concurrency: int | None,
    template: Path | None,
    yes: bool,
) -> None:
    """E-mail each holder its certificates through your SMTP server (a dry run unless --yes).

    Set the server under [profiles.<name>.mail] in config.toml and its password with `coi smtp-password`.

    \b
    Examples:
      ssp-tui coi send --dir renewal-2027
      ssp-tui coi send --dir renewal-2027 --yes
    """
    output = make_output(ctx, fields=("sent", "failed", "skipped", "messages", "dry_run"))
    workers = check_concurrency(concurrency, 6)
    profile, settings = _mail_settings(ctx)
    smtp = SmtpSettings(
        settings.smtp_host, settings.smtp_port, SmtpSecurity(settings.smtp_security), settings.smtp_username
    )
    try:
        smtp.check()
    except SmtpError as exc:
        raise CommandFailed.of(exc) from None
    cover = _template(template)
    password = _smtp_password(profile, settings) if yes else None

    async def body(run: CliRun) -> tuple[str, RenewalPack]:
        return run.portal_key, await make_pack(run, folder, PackLayout(layout), policies, workers)

    portal_key, pack = run_portal(ctx, body, output=output, needs=Capability.CERTIFICATES)
    record_pack(portal_key, pack)
    messages, skipped = _messages(pack, cover, Sender(settings.from_name, settings.from_email))
    plan = [
        {
            "holder": h.group.holder_name,
            "to": h.group.contact_email,
            "attachments": [str(f.path) for f in h.files],
        }
        for h, _ in messages
    ]
    if not yes:
        _show_plan(output, plan, skipped, smtp)
        return
    try:
        outcomes = asyncio.run(asyncio.to_thread(send_messages, smtp, password, [m for _, m in messages]))
    except SmtpError as exc:
        raise CommandFailed.of(exc) from None
    entries, failed = [], []
    for (holder, _), outcome in zip(messages, outcomes, strict=True):
        if outcome.error is None:
            entries += _ledger_entries(holder, LedgerAction.SENT)
        else:
            failed.append(f"{holder.group.holder_name}: {outcome.error}")
    _record(portal_key, entries)
    sent = len(messages) - len(failed)
    if output.as_json:
        output.json({"sent": sent, "failed": failed, "skipped": skipped, "messages": plan})
    for reason in [*failed, *skipped]:
        output.warn(f"not sent: {reason}")
    output.info(f"Sent {sent} of {plural(len(messages) + len(skipped), 'message')} through {smtp.host}.")
    if failed or skipped:
        raise CommandFailed("Some holders were not sent their certificates (listed above).", ExitCode.PARTIAL)


def _show_plan(output: Any, plan: list[dict[str, Any]], skipped: list[str], smtp: SmtpSettings) -> None:
    if output.as_json:
        output.json({"dry_run": True, "messages": plan, "skipped": skipped})
    else:
        for item in plan:
            output.line(f"{item['to']}\t{item['holder']}\t{plural(len(item['attachments']), 'attachment')}")
    for reason in skipped:
        output.warn(f"would skip: {reason}")
    output.info(
        f"Dry run: {plural(len(plan), 'message')} would go through {smtp.host}:{smtp.port}. "
        "Add --yes to send."
    )


@click.command("smtp-password")
@click.pass_context
def coi_smtp_password(ctx: click.Context) -> None:
    """Keep the SMTP password for the profile's mail server in the keyring (asked without echo).

    \b
    Example:
      ssp-tui coi smtp-password
    """
    profile, settings = _mail_settings(ctx)
    if not settings.smtp_username:
        raise CommandFailed(f"Set smtp_username under [profiles.{profile}.mail] first.")
    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        f"SMTP password for {settings.smtp_username}@{settings.smtp_host}", hide_input=True
    )
    try:
        SecretStore(profile).set_secret(settings.password_key, password)
    except SecretStoreError as exc:
        raise CommandFailed.of(exc) from None
    make_output(ctx).info("Kept.")
