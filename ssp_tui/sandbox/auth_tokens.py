"""Tokens and sessions: random secrets stored only as their SHA-256, expiring, rotated and revocable.

Access, refresh, MFA-challenge and remember-device tokens are all ``secrets.token_urlsafe(32)`` (256 bits);
the database keeps only their hashes, so a copy of it opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from ssp_tui.api.constants import (
    ACCESS_TOKEN_TTL_S,
    MFA_CODE_TTL_S,
    REFRESH_RETRY_GRACE_S,
    REFRESH_TOKEN_TTL_S,
    REMEMBER_DEVICE_DAYS,
)
from ssp_tui.api.models import Role, Session, User
from ssp_tui.sandbox.access import Caller, capabilities
from ssp_tui.sandbox.http_io import utc_text
from ssp_tui.sandbox.ids import new_id
from ssp_tui.sandbox.problems import unauthenticated


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    """The sandbox's security limits; tests may tighten the throttles to exercise them quickly."""

    access_ttl_s: int = ACCESS_TOKEN_TTL_S
    refresh_ttl_s: int = REFRESH_TOKEN_TTL_S
    refresh_grace_s: int = REFRESH_RETRY_GRACE_S
    """How long a rotated refresh token may be presented again by the client that rotated it (same answer)."""
    challenge_ttl_s: int = 10 * 60
    code_ttl_s: int = MFA_CODE_TTL_S
    device_days: int = REMEMBER_DEVICE_DAYS
    challenge_max_failures: int = 5
    """Wrong codes one MFA challenge takes before it dies and the login must start again."""
    free_failures_per_username: int = 5
    """Consecutive failed sign-ins (passwords or codes) for one username before delays begin."""
    free_failures_per_client: int = 50
    """Failed sign-ins from one client address before delays begin (high: many users may share one)."""
    first_delay_s: int = 30
    """The hold after the first failure past the allowance; each further failure doubles it."""
    max_delay_s: int = 15 * 60
    """The longest hold; every hold ends by itself."""
    failure_memory_s: int = 24 * 3600
    """Failures are forgotten after this long without another."""
    lock_hold_s: int = 30 * 60
    """How long a login put on hold (``users.locked_at``) stays locked before it unlocks by itself."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT: read-check-write steps (counters, single-use codes) cannot interleave."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def user_model(conn: sqlite3.Connection, row: sqlite3.Row) -> User:
    caller = caller_from_user(row, session_id="")
    agency = None
    if row["agency_id"]:
        found = conn.execute("SELECT name FROM agencies WHERE id = ?", [row["agency_id"]]).fetchone()
        agency = found["name"] if found else None
    return User(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        email=row["email"],
        role=Role(row["role"]),
        capabilities=capabilities(conn, caller),
        agency=agency,
        customer_id=row["customer_id"],
    )


def caller_from_user(row: sqlite3.Row, session_id: str) -> Caller:
    return Caller(
        user_id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        session_id=session_id,
        customer_id=row["customer_id"],
        insured_id=row["insured_id"],
        agency_id=row["agency_id"],
    )


def open_session(
    conn: sqlite3.Connection,
    user: sqlite3.Row,
    now: datetime,
    policy: SecurityPolicy,
    *,
    device_token: str | None,
) -> Session:
    """A new session for a fully authenticated user; clears the failure count and stamps the last login."""
    access, refresh = new_token(), new_token()
    conn.execute(
        "INSERT INTO sessions (id, user_id, access_hash, access_expires_at, refresh_hash, "
        "refresh_expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            new_id("ses"),
            user["id"],
            token_hash(access),
            utc_text(now + timedelta(seconds=policy.access_ttl_s)),
            token_hash(refresh),
            utc_text(now + timedelta(seconds=policy.refresh_ttl_s)),
        ],
    )
    conn.execute(
        "UPDATE users SET failed_logins = 0, last_login = ? WHERE id = ?", [utc_text(now), user["id"]]
    )
    return Session(
        access_token=access,
        refresh_token=refresh,
        expires_in=policy.access_ttl_s,
        user=user_model(conn, user),
        device_token=device_token,
    )


def remember_device(
    conn: sqlite3.Connection, user_id: str, now: datetime, policy: SecurityPolicy, label: str = ""
) -> str:
    """A new remember-device token; ``label`` is what the user will see in their list of devices."""
    token = new_token()
    conn.execute(
        "INSERT INTO device_tokens (token_hash, user_id, expires_at, id, label, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            token_hash(token),
            user_id,
            utc_text(now + timedelta(days=policy.device_days)),
            new_id("dev"),
            label,
            utc_text(now),
        ],
    )
    return token


def device_is_remembered(conn: sqlite3.Connection, user_id: str, token: str | None, now: datetime) -> bool:
    """True for a live token of this user (and it is marked used now); run inside a write transaction."""
    if not token:
        return False
    found = conn.execute(
        "UPDATE device_tokens SET last_used_at = ? WHERE token_hash = ? AND user_id = ? AND expires_at > ?",
        [utc_text(now), token_hash(token), user_id, utc_text(now)],
    ).rowcount
    return found > 0


def revoke_session(conn: sqlite3.Connection, caller: Caller, refresh_token: str | None) -> None:
    """End the caller's session, and the one a given refresh token belongs to when it is the same user's."""
    conn.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", [caller.session_id])
    if refresh_token:
        conn.execute(
            "UPDATE sessions SET revoked = 1 WHERE refresh_hash = ? AND user_id = ?",
            [token_hash(refresh_token), caller.user_id],
        )


def authenticate_bearer(conn: sqlite3.Connection, authorization: str | None, now: datetime) -> Caller:
    """The caller behind ``Authorization: Bearer <token>``, or 401 with WWW-Authenticate."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated()
    row = conn.execute(
        "SELECT u.*, s.id AS session_id FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.access_hash = ? AND s.revoked = 0 AND s.access_expires_at > ?",
        [token_hash(token.strip()), utc_text(now)],
    ).fetchone()
    if row is None:
        raise unauthenticated("The access token is not valid or has expired.")
    return caller_from_user(row, session_id=row["session_id"])
