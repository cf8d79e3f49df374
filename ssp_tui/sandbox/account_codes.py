"""One-time codes of a login: password reset and invitation codes (by email), and the pending changes of MFA
management (a new phone number, a new authenticator secret), each proven by a code before it takes effect.

Only hashes of codes and tokens are stored. A code is single-use, expires, dies after ``MAX_FAILURES`` wrong
tries, and a new code for the same purpose replaces every earlier one (only the latest is valid).
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from ssp_tui.sandbox.auth_tokens import new_token, token_hash
from ssp_tui.sandbox.http_io import utc_text

MAX_FAILURES = 5
"""Wrong codes one issued code takes before it stops working."""
MAX_PER_HOUR = 5
"""Codes of one purpose a login may be sent in an hour (more would only fill a mailbox)."""


@dataclass(frozen=True, slots=True)
class Issued:
    code: str
    token: str | None
    """For MFA changes: the token that names the pending change in the confirm call."""


def new_code(digits: int = 6) -> str:
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def sent_within_hour(conn: sqlite3.Connection, user_id: str, purpose: str, now: datetime) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM account_codes WHERE user_id = ? AND purpose = ? AND created_at > ?",
        [user_id, purpose, utc_text(now - timedelta(hours=1))],
    ).fetchone()[0]


def issue(
    conn: sqlite3.Connection,
    user_id: str,
    purpose: str,
    now: datetime,
    ttl: timedelta,
    *,
    payload: str | None = None,
    with_token: bool = False,
    code: str | None = None,
) -> Issued:
    """A new code (and token) for ``purpose``; every earlier one of that purpose stops working. Run inside
    the caller's write transaction."""
    code = code or new_code()
    token = new_token() if with_token else None
    conn.execute("UPDATE account_codes SET used = 1 WHERE user_id = ? AND purpose = ?", [user_id, purpose])
    conn.execute(
        "INSERT INTO account_codes (user_id, purpose, token_hash, code_hash, payload, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            user_id,
            purpose,
            token_hash(token) if token else None,
            token_hash(code),
            payload,
            utc_text(now),
            utc_text(now + ttl),
        ],
    )
    return Issued(code, token)


def live_by_token(conn: sqlite3.Connection, token: str, purpose: str, user_id: str, now: datetime):
    """The pending change a token names, while it is the caller's, unused and unexpired (else None)."""
    return conn.execute(
        "SELECT * FROM account_codes WHERE token_hash = ? AND purpose = ? AND user_id = ? AND used = 0 "
        "AND expires_at > ?",
        [token_hash(token), purpose, user_id, utc_text(now)],
    ).fetchone()


def latest_live(conn: sqlite3.Connection, user_id: str, purposes: tuple[str, ...], now: datetime):
    """The latest unused, unexpired code of any of ``purposes`` for the login (else None)."""
    marks = ", ".join("?" * len(purposes))
    return conn.execute(
        f"SELECT * FROM account_codes WHERE user_id = ? AND purpose IN ({marks}) AND used = 0 "
        "AND expires_at > ? ORDER BY id DESC LIMIT 1",
        [user_id, *purposes, utc_text(now)],
    ).fetchone()


def matches(row: sqlite3.Row, code: str) -> bool:
    """Whether ``code`` (spaces ignored) is the row's code; nothing is changed."""
    typed = "".join(code.split())
    return row["code_hash"] is not None and hmac.compare_digest(token_hash(typed), row["code_hash"])


def count_failure(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """A wrong code: one step nearer the code's death (inside the caller's write transaction)."""
    failures = row["failures"] + 1
    conn.execute(
        "UPDATE account_codes SET failures = ?, used = ? WHERE id = ?",
        [failures, int(failures >= MAX_FAILURES), row["id"]],
    )


def use_up(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    conn.execute("UPDATE account_codes SET used = 1 WHERE id = ?", [row["id"]])


def check(conn: sqlite3.Connection, row: sqlite3.Row, code: str) -> bool:
    """True (and the code is used up) when ``code`` is the row's; a wrong one counts toward its death. Run
    inside the caller's write transaction."""
    if matches(row, code):
        use_up(conn, row)
        return True
    count_failure(conn, row)
    return False
