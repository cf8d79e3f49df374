"""``ssp-tui sandbox serve | reset | accounts | outbox | registrations | approve``: run and inspect the
sandbox portal, and play its portal team (verify registrations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from ssp_tui.api.models import OutboxMessage
from ssp_tui.cli.context import make_output
from ssp_tui.cli.output import Column, json_option
from ssp_tui.cli.root import cli

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The sandbox database file (default: in the platform data folder).",
)
large_book_option = click.option(
    "--large-book",
    is_flag=True,
    help="Add an agency with a large book (agent `bigbook`: 2,000+ policies, 100,000 documents; ~1 minute).",
)


def _db_path(db_path: Path | None) -> Path:
    from ssp_tui.sandbox.db import default_db_path

    return db_path if db_path is not None else default_db_path()


def _open(db_path: Path | None) -> sqlite3.Connection:
    from ssp_tui.sandbox.db import SandboxDatabaseError, open_db

    try:
        return open_db(_db_path(db_path))
    except SandboxDatabaseError as error:
        raise click.ClickException(str(error)) from None


@cli.group()
def sandbox() -> None:
    """The sandbox portal: a real portal API over a local demo database."""


@sandbox.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port."
)
@click.option(
    "--scale",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="Data multiplier when the database is created (100: benchmark size).",
)
@click.option(
    "--with-parent",
    is_flag=True,
    help="Stop when standard input closes (the TUI starts its embedded sandbox so, to outlive it never).",
)
@large_book_option
@db_option
def serve(port: int, scale: int, with_parent: bool, large_book: bool, db_path: Path | None) -> None:
    """Serve the portal on 127.0.0.1; the first line printed is its base URL."""
    from ssp_tui.sandbox.db import SandboxDatabaseError
    from ssp_tui.sandbox.seed_book import LARGE_BOOK
    from ssp_tui.sandbox.server import serve as run_server

    try:
        run_server(
            _db_path(db_path),
            port=port,
            scale=scale,
            with_parent=with_parent,
            book=LARGE_BOOK if large_book else None,
        )
    except SandboxDatabaseError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}") from None


@sandbox.command()
@click.option("--scale", type=click.IntRange(1, 1000), default=1, show_default=True, help="Data multiplier.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of the demo data.")
@large_book_option
@db_option
@click.pass_context
def reset(ctx: click.Context, scale: int, seed: int, large_book: bool, db_path: Path | None) -> None:
    """Rebuild the sandbox database from scratch (sessions, requests and cached PDFs are lost)."""
    from ssp_tui.sandbox.db import reset_db
    from ssp_tui.sandbox.seed_book import LARGE_BOOK

    path = reset_db(_db_path(db_path), seed=seed, scale=scale, book=LARGE_BOOK if large_book else None)
    make_output(ctx).info(f"Sandbox database rebuilt: {path}")


@sandbox.command()
@json_option
@db_option
@click.pass_context
def accounts(ctx: click.Context, as_json: bool, db_path: Path | None) -> None:
    """The demo logins: username, role, password and TOTP secret."""
    from ssp_tui.sandbox.db import DemoAccount, demo_accounts

    conn = _open(db_path)
    try:
        rows = demo_accounts(conn)
    finally:
        conn.close()
    columns: list[Column[DemoAccount]] = [
        Column("Username", lambda a: a.username),
        Column("Role", lambda a: a.role.value),
        Column("Password", lambda a: a.password),
        Column("TOTP secret", lambda a: a.totp_secret or "(not enrolled)"),
        Column("Shows", lambda a: a.note),
    ]
    make_output(ctx, as_json=as_json).listing(rows, columns, title="Sandbox demo logins")


@sandbox.command()
@json_option
@db_option
@click.pass_context
def outbox(ctx: click.Context, as_json: bool, db_path: Path | None) -> None:
    """The SMS and voice codes the sandbox has 'sent', oldest first."""
    from ssp_tui.sandbox.db import outbox as read_outbox

    conn = _open(db_path)
    try:
        rows = read_outbox(conn)
    finally:
        conn.close()
    columns: list[Column[OutboxMessage]] = [
        Column("Sent", lambda m: m.sent_at),
        Column("Username", lambda m: m.username),
        Column("By", lambda m: m.factor.value),
        Column("To", lambda m: m.to),
        Column("Subject", lambda m: m.subject),
        Column("Code", lambda m: m.code),
    ]
    output = make_output(ctx, as_json=as_json)
    output.listing(rows, columns, title="Sandbox outbox", empty="Nothing sent yet.")
    emails = [m for m in rows if m.body and m.factor.value == "email"]
    if emails and not output.as_json and output.stdout_is_terminal:
        output.blank()
        output.line(f"Latest email, to {emails[-1].to}: {emails[-1].subject}")
        output.line(emails[-1].body)


@sandbox.command()
@json_option
@db_option
@click.pass_context
def registrations(ctx: click.Context, as_json: bool, db_path: Path | None) -> None:
    """Requests for a login: pending ones wait for `sandbox approve`; refused ones say why."""
    from ssp_tui.sandbox.registrations import Registration
    from ssp_tui.sandbox.registrations import registrations as read_registrations

    conn = _open(db_path)
    try:
        rows = read_registrations(conn)
    finally:
        conn.close()
    columns: list[Column[Registration]] = [
        Column("Registration", lambda r: r.id),
        Column("Status", lambda r: r.status),
        Column("Type", lambda r: r.user_type.value.replace("_", " ")),
        Column("Name", lambda r: r.name),
        Column("Email", lambda r: r.email),
        Column("Policy", lambda r: r.policy_number),
        Column("Submitted", lambda r: r.submitted_at),
        Column("Username", lambda r: r.username or ""),
        Column("Reason", lambda r: r.reason),
    ]
    make_output(ctx, as_json=as_json).listing(
        rows, columns, title="Sandbox registrations", empty="No registrations yet."
    )


@sandbox.command()
@click.argument("registration_id", metavar="REGISTRATION")
@click.option("--reject", "reason", metavar="REASON", help="Refuse it instead, telling the applicant why.")
@db_option
@click.pass_context
def approve(ctx: click.Context, registration_id: str, reason: str | None, db_path: Path | None) -> None:
    """Verify a pending registration as the portal team would: the login is made and the invitation (its
    username and a code to set the password) goes to the outbox. With --reject, refuse it."""
    from ssp_tui import clock
    from ssp_tui.sandbox.registrations import RegistrationError, reject
    from ssp_tui.sandbox.registrations import approve as approve_registration

    conn = _open(db_path)
    conn.isolation_level = None  # the registration code opens its own write transaction
    output = make_output(ctx)
    try:
        if reason is not None:
            reject(conn, registration_id, reason.strip() or "not verified", clock.now())
            output.info(f"Registration {registration_id} is rejected; the applicant was emailed.")
            return
        username = approve_registration(conn, registration_id, clock.now())
    except RegistrationError as error:
        raise click.ClickException(str(error)) from None
    finally:
        conn.close()
    output.info(
        f"Registration {registration_id} is approved: login {username}. The invitation is in "
        "`ssp-tui sandbox outbox`; set the password with `ssp-tui account reset-password -u "
        f"{username} --code CODE`."
    )
