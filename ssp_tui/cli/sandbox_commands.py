"""``ssp-tui sandbox serve | stop | reset | accounts | outbox | registrations | approve``: run and inspect
the sandbox portal, and play its portal team (verify registrations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from ssp_tui.api.models import OutboxMessage
from ssp_tui.cli.output import Column
from ssp_tui.cli.output_options import make_output, output_options

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


@click.group()
def sandbox() -> None:
    """The sandbox portal: a real portal API over a local demo database.

    Commands run with no portal configured share one embedded sandbox in the background, started by the
    first and ended after 15 idle minutes (SSP_SANDBOX_IDLE_TIMEOUT seconds) or by `sandbox stop`.
    """


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
@click.option("--lease", type=click.Path(path_type=Path), hidden=True)
@click.option("--lock", type=click.Path(path_type=Path), hidden=True)
@click.option("--token", hidden=True)
@click.option("--idle-timeout", type=click.FloatRange(min=1), default=900.0, hidden=True)
def serve(
    port: int,
    scale: int,
    with_parent: bool,
    db_path: Path | None,
    lease: Path | None,
    lock: Path | None,
    token: str | None,
    idle_timeout: float,
    large_book: bool,
) -> None:
    """Serve the portal on 127.0.0.1; the first line printed is its base URL.

    (--lease, --lock, --token and --idle-timeout are how commands start the shared embedded sandbox.)
    """
    from ssp_tui.sandbox.db import SandboxDatabaseError
    from ssp_tui.sandbox.lease import Lease
    from ssp_tui.sandbox.seed_book import LARGE_BOOK
    from ssp_tui.sandbox.server import serve as run_server

    held = None
    if lease is not None:
        if lock is None or not token:
            raise click.UsageError("--lease needs --lock and --token.")
        held = Lease(lease, lock, token, idle_timeout)
    try:
        run_server(
            _db_path(db_path),
            port=port,
            scale=scale,
            with_parent=with_parent,
            book=LARGE_BOOK if large_book else None,
            lease=held,
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
    from ssp_tui.sandbox.db import default_db_path, reset_db
    from ssp_tui.sandbox.seed_book import LARGE_BOOK

    path = _db_path(db_path)
    if path == default_db_path():
        _stop_shared()  # it serves the file about to be replaced
    path = reset_db(path, seed=seed, scale=scale, book=LARGE_BOOK if large_book else None)
    make_output(ctx).info(f"Sandbox database rebuilt: {path}")


def _stop_shared() -> bool:
    from ssp_tui.portal.shared_sandbox import shared_sandbox_available, stop_shared_sandbox

    return shared_sandbox_available() and stop_shared_sandbox()


@sandbox.command()
@output_options(listing=False)
@click.pass_context
def stop(ctx: click.Context) -> None:
    """Stop the embedded sandbox that commands share (the next command starts it again).

    \b
    Example:
      ssp-tui sandbox stop
    """
    output = make_output(ctx)
    output.info("Stopped the embedded sandbox." if _stop_shared() else "The embedded sandbox is not running.")


@sandbox.command()
@output_options()
@db_option
@click.pass_context
def accounts(ctx: click.Context, db_path: Path | None) -> None:
    """The demo logins: username, role, password and TOTP secret.

    \b
    Examples:
      ssp-tui sandbox accounts
      ssp-tui sandbox accounts --jq '.[] | select(.role == "agent") | .username'
    """
    from ssp_tui.sandbox.db import DemoAccount, demo_accounts

    output = make_output(ctx, fields=DemoAccount)
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
    output.listing(rows, columns, title="Sandbox demo logins")


@sandbox.command()
@output_options()
@db_option
@click.pass_context
def outbox(ctx: click.Context, db_path: Path | None) -> None:
    """The codes and emails the sandbox has 'sent' (SMS, voice, email), oldest first.

    \b
    Example:
      ssp-tui sandbox outbox --format csv
    """
    from ssp_tui.sandbox.db import outbox as read_outbox

    output = make_output(ctx, fields=OutboxMessage)
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
    output.listing(rows, columns, title="Sandbox outbox", empty="Nothing sent yet.")
    emails = [m for m in rows if m.body and m.factor.value == "email"]
    if emails and not output.as_json and output.stdout_is_terminal:
        output.blank()
        output.line(f"Latest email, to {emails[-1].to}: {emails[-1].subject}")
        output.line(emails[-1].body)


@sandbox.command()
@output_options()
@db_option
@click.pass_context
def registrations(ctx: click.Context, db_path: Path | None) -> None:
    """Requests for a login: pending ones wait for `sandbox approve`; refused ones say why."""
    from ssp_tui.sandbox.registrations import Registration
    from ssp_tui.sandbox.registrations import registrations as read_registrations

    output = make_output(ctx, fields=Registration)
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
    output.listing(rows, columns, title="Sandbox registrations", empty="No registrations yet.")


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
