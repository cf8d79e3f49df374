"""The sandbox database: where it lives, creating and seeding it atomically, and reading demo logins.

A database is always built complete in a temporary file beside its destination and then moved into place, so
a crash or Ctrl-C mid-seed never leaves a half-seeded file behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from datetime import date
from importlib.resources import files
from pathlib import Path

import msgspec
import platformdirs

from ssp_tui import clock
from ssp_tui.api.models.auth import OutboxMessage
from ssp_tui.api.models.common import Role
from ssp_tui.sandbox.seed import seed_database
from ssp_tui.sandbox.seed_book import BookSize

log = logging.getLogger(__name__)

SCHEMA_VERSION = "7"
"""Bump when schema.sql changes incompatibly. An older default database is rebuilt (it holds only demo data);
an older file named with ``--db`` is refused with a hint to reset it. 2: customers' mailing addresses.
3: the sign-in throttle counts failures with growing delays. 5: certificate holders' credentialing contacts.
6: refresh tokens rotated away from are remembered (a retried refresh, refresh-token reuse). 7: registrations,
account codes (reset, invitation, phone, authenticator), policy change requests, remembered devices with ids
and labels, emails in the outbox."""
APP_NAME = "ssp-tui"
DB_FILENAME = "sandbox.sqlite3"
_BUSY_TIMEOUT_S = 10.0


class SandboxDatabaseError(Exception):
    """The sandbox database cannot be used as it is; the message says what to do."""


class DemoAccount(msgspec.Struct, kw_only=True):
    """A demo login, as ``sandbox accounts`` lists it."""

    username: str
    password: str
    role: Role
    display_name: str
    totp_secret: str | None
    """Base32 authenticator secret; None when the user has not enrolled MFA yet."""
    note: str
    """What this login demonstrates, e.g. "triage: past-due installment"."""


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def schema_sql() -> str:
    return files("ssp_tui.sandbox").joinpath("schema.sql").read_text(encoding="utf-8")


def _build(
    path: Path, seed: int, scale: int, today: date | None, book: BookSize | None = None
) -> Path:
    """Create and seed a complete database in a temporary file beside ``path``; returns that file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".building")
    os.close(fd)
    temp = Path(temp_name)
    try:
        conn = sqlite3.connect(temp)
        try:
            conn.executescript(schema_sql())
            # Nothing else sees this file until it is complete, so no journal or sync is needed while filling.
            conn.executescript(
                "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            )
            seed_database(
                conn,
                seed=seed,
                scale=scale,
                today=today or clock.today(),
                schema_version=SCHEMA_VERSION,
                book=book,
            )
            conn.execute("PRAGMA journal_mode = WAL")  # recorded in the file header
        finally:
            conn.close()
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _remove_sidecars(path: Path) -> None:
    """A WAL left by an earlier database would be replayed into the new one: remove it first."""
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_and_seed(
    path: Path,
    *,
    seed: int = 1,
    scale: int = 1,
    today: date | None = None,
    book: BookSize | None = None,
) -> Path:
    """Create and seed a new database at ``path``; raises FileExistsError if one is already there.
    ``book``: add the large book (``seed_book``) of that size.

    Two processes racing to create the same file both build one; exactly one is installed (a hard link never
    overwrites), the other is discarded.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; use reset to rebuild it")
    temp = _build(path, seed, scale, today, book)
    try:
        if path.exists():  # created meanwhile by another process, which may be using its WAL: keep it all
            raise FileExistsError(f"{path} already exists; use reset to rebuild it")
        _remove_sidecars(path)  # leftovers of a deleted database
        _install_new(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _install_new(temp: Path, path: Path) -> None:
    """Put ``temp`` at ``path`` unless something is already there (FileExistsError)."""
    if not hasattr(os, "link"):
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)  # never overwrites: the loser of a creation race gets FileExistsError
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: a plain rename is still atomic
        os.replace(temp, path)


def reset_db(
    path: Path,
    *,
    seed: int = 1,
    scale: int = 1,
    today: date | None = None,
    book: BookSize | None = None,
) -> Path:
    """Rebuild the database at ``path`` from scratch, replacing what is there (sessions, requests, PDFs)."""
    path = Path(path)
    temp = _build(path, seed, scale, today, book)
    _remove_sidecars(path)
    os.replace(temp, path)
    return path


def connect(path: Path) -> sqlite3.Connection:
    """A connection configured the way the sandbox server uses it (WAL, foreign keys, sqlite3.Row rows)."""
    conn = sqlite3.connect(path, check_same_thread=False, timeout=_BUSY_TIMEOUT_S)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def open_db(path: Path | None = None) -> sqlite3.Connection:
    """Open the sandbox database, creating and seeding it (seed 1, scale 1, today) on first use."""
    path = Path(path) if path is not None else default_db_path()
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            create_and_seed(path)
    try:
        conn = connect(path)
        found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as error:
        raise SandboxDatabaseError(
            f"{path} is not a usable sandbox database ({error}); run `ssp-tui sandbox reset --db {path}`"
        ) from None
    is_default = path.resolve() == default_db_path().resolve()
    if found is None or found[0] != SCHEMA_VERSION:
        seed, scale, book = _built_with(conn)
        conn.close()
        version = found[0] if found else "none"
        if is_default:
            # The default database holds only demo data: rebuild it for this version (same seed and scale)
            # rather than stop an app that was just upgraded. A file named with --db is the user's to reset.
            reset_db(path, seed=seed, scale=scale, book=book)
            return connect(path)
        raise SandboxDatabaseError(
            f"{path} has sandbox schema version {version}, this version needs {SCHEMA_VERSION}; "
            f"run `ssp-tui sandbox reset --db {path}`"
        )
    if is_default:
        # Demo data seeded for another day is seeded again for today, keeping what the user did (rebase.py).
        # A file named with --db keeps the day it was made for (tests pin the clock to it instead).
        from ssp_tui.sandbox.rebase import rebase_to

        report = rebase_to(conn, clock.today())
        if report is not None:
            log.warning("%s", report.describe())
    return conn


def _built_with(conn: sqlite3.Connection) -> tuple[int, int, BookSize | None]:
    """The seed, scale and large book a database was built with (1, 1 and none for what cannot be read)."""
    try:
        found = meta(conn)
    except sqlite3.DatabaseError:
        found = {}
    seed, scale = found.get("seed", "1"), found.get("scale", "1")
    try:
        book = BookSize.from_text(found["book"]) if "book" in found else None
    except (TypeError, ValueError):
        book = None
    return (int(seed) if seed.isdigit() else 1), (int(scale) if scale.isdigit() else 1), book


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    """The seed parameters the database was built with: schema_version, seed, scale, today."""
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM meta")}


def demo_accounts(conn: sqlite3.Connection) -> list[DemoAccount]:
    """The demo logins in their listed order; the first is the policyholder who can pay online."""
    rows = conn.execute(
        """SELECT u.username, u.demo_password, u.role, u.display_name, u.totp_secret, d.note
           FROM demo_accounts d JOIN users u ON u.id = d.user_id ORDER BY d.position"""
    )
    return [
        DemoAccount(
            username=r[0], password=r[1], role=Role(r[2]), display_name=r[3], totp_secret=r[4], note=r[5]
        )
        for r in rows
    ]


def outbox(conn: sqlite3.Connection) -> list[OutboxMessage]:
    """What the sandbox 'sent' (text and voice codes, emails), oldest first."""
    rows = conn.execute(
        "SELECT username, factor, code, sent_at, address, subject, body FROM outbox ORDER BY id"
    )
    return msgspec.convert(
        [
            {
                "username": r[0],
                "factor": r[1],
                "code": r[2],
                "sent_at": r[3],
                "to": r[4],
                "subject": r[5],
                "body": r[6],
            }
            for r in rows
        ],
        list[OutboxMessage],
    )
