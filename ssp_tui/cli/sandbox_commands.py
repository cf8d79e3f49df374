"""``ssp-tui sandbox serve | reset | accounts | outbox``: run and inspect the sandbox portal."""

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
        Column("Code", lambda m: m.code),
    ]
    make_output(ctx, as_json=as_json).listing(
        rows, columns, title="Sandbox outbox", empty="No codes sent yet."
    )
