"""The ledger: a local record of every certificate downloaded, drafted or sent, to whom, when, and which bytes
(sha256), in SQLite in the platform data folder (readable by the user only).

"Changed since sent" is a comparison of digests: a certificate whose latest known sha256 differs from the
one that went to a holder must be sent again (after a policy change, a new limit, a corrected name).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ssp_tui.errors import SspError
from ssp_tui.operations.downloads.private_files import PRIVATE_FILE, make_private_folders

LEDGER_NAME = "ledger.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    portal TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('downloaded', 'drafted', 'sent')),
    certificate_id TEXT NOT NULL,
    policy_number TEXT NOT NULL,
    insured_name TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_certificate ON events(portal, certificate_id, id);
"""
DELIVERED = ("drafted", "sent")
"""A draft counts as delivered: the coordinator sends it from their own mail client."""


class LedgerAction(StrEnum):
    DOWNLOADED = "downloaded"
    DRAFTED = "drafted"
    SENT = "sent"


class LedgerError(SspError):
    """Fit to show: its message says what is wrong."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    at: datetime
    action: LedgerAction
    certificate_id: str
    policy_number: str
    insured_name: str
    holder_name: str
    sha256: str
    recipient: str = ""
    file: str = ""


@dataclass(frozen=True, slots=True)
class ChangedCertificate:
    delivered: LedgerEntry
    """The last time these certificate bytes went to the holder."""
    latest_sha256: str


def default_ledger_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("ssp-tui", appauthor=False) / LEDGER_NAME


class Ledger:
    """``with Ledger.open(portal_key) as ledger: ledger.record(...)``. ``portal_key`` keeps the sandbox's
    history apart from a real portal's."""

    def __init__(self, conn: sqlite3.Connection, portal: str) -> None:
        self._conn = conn
        self.portal = portal

    @classmethod
    @contextlib.contextmanager
    def open(cls, portal: str, path: Path | None = None) -> Iterator[Ledger]:
        where = path or default_ledger_path()
        try:
            make_private_folders(where.parent)
            if not where.exists():
                # Created 0600 before SQLite opens it: the ledger names insureds and holders.
                os.close(
                    os.open(where, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
                )
            conn = sqlite3.connect(where, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"Cannot open the ledger at {where}: {exc}.") from None
        try:
            conn.executescript(_SCHEMA)
            yield cls(conn, portal)
            conn.commit()
        except sqlite3.Error as exc:
            raise LedgerError(f"The ledger at {where} could not be used: {exc}.") from None
        finally:
            conn.close()

    def record(self, entries: Iterable[LedgerEntry]) -> int:
        rows = [
            (
                e.at.isoformat(),
                self.portal,
                e.action.value,
                e.certificate_id,
                e.policy_number,
                e.insured_name,
                e.holder_name,
                e.recipient,
                e.sha256,
                e.file,
            )
            for e in entries
        ]
        with self._conn:
            self._conn.executemany(
                "INSERT INTO events (at, portal, action, certificate_id, policy_number, insured_name, "
                "holder_name, recipient, sha256, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def history(self, *, holder: str | None = None, certificate_id: str | None = None) -> list[LedgerEntry]:
        """Every event, newest first; ``holder`` matches part of the holder's name, case-insensitively."""
        where, args = ["portal = ?"], [self.portal]
        if holder:
            where.append("lower(holder_name) LIKE ?")
            args.append(f"%{holder.casefold()}%")
        if certificate_id:
            where.append("certificate_id = ?")
            args.append(certificate_id)
        rows = self._conn.execute(
            f"SELECT * FROM events WHERE {' AND '.join(where)} ORDER BY id DESC", args
        ).fetchall()
        return [_entry(row) for row in rows]

    def changed_since_delivered(self) -> list[ChangedCertificate]:
        """Certificates whose newest known bytes differ from the bytes last drafted or sent to the holder."""
        rows = self._conn.execute(
            "SELECT d.*, (SELECT k.sha256 FROM events k WHERE k.portal = d.portal "
            "AND k.certificate_id = d.certificate_id ORDER BY k.id DESC LIMIT 1) AS latest "
            "FROM events d WHERE d.portal = ? AND d.action IN (?, ?) "
            "AND d.id = (SELECT max(x.id) FROM events x WHERE x.portal = d.portal "
            "AND x.certificate_id = d.certificate_id AND x.action IN (?, ?)) "
            "ORDER BY d.holder_name, d.insured_name",
            [self.portal, *DELIVERED, *DELIVERED],
        ).fetchall()
        return [ChangedCertificate(_entry(row), row[-1]) for row in rows if row[-1] != row[9]]


def _entry(row: tuple[object, ...]) -> LedgerEntry:
    _, at, _, action, certificate_id, policy, insured, holder, recipient, sha256, file = row[:11]
    return LedgerEntry(
        at=datetime.fromisoformat(str(at)),
        action=LedgerAction(str(action)),
        certificate_id=str(certificate_id),
        policy_number=str(policy),
        insured_name=str(insured),
        holder_name=str(holder),
        sha256=str(sha256),
        recipient=str(recipient),
        file=str(file),
    )
