"""The sandbox's post office: every text, voice call and email it 'sends' lands in the ``outbox`` table.

``ssp-tui sandbox outbox`` shows it, so a person trying the sandbox reads their codes, reset emails and
invitations there; tests read it the same way. Codes are stored in plain text here only because nothing is
really sent: the tables that check codes keep only their hashes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ssp_tui.sandbox.http_io import utc_text

PORTAL_NAME = "ProAssurance Secure Services Portal"
SIGNATURE = f"\n\n-- The {PORTAL_NAME} team (sandbox: nothing was really sent)"


def send_email(
    conn: sqlite3.Connection,
    *,
    username: str,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    code: str = "",
) -> None:
    """Put an email in the outbox (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO outbox (username, factor, code, sent_at, address, subject, body) "
        "VALUES (?, 'email', ?, ?, ?, ?, ?)",
        [username, code, utc_text(now), to, subject, body + SIGNATURE],
    )


def send_phone_code(
    conn: sqlite3.Connection, *, username: str, factor: str, to: str, code: str, purpose: str, now: datetime
) -> None:
    """A code by text message or voice call (``factor`` sms or voice) to the masked number ``to``."""
    conn.execute(
        "INSERT INTO outbox (username, factor, code, sent_at, address, subject, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [username, factor, code, utc_text(now), to, purpose, f"Your {PORTAL_NAME} code is {code}."],
    )


def mask_email(email: str) -> str:
    """j***@example.com: enough for the owner to recognise, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
