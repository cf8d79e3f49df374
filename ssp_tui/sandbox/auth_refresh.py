"""POST /auth/refresh: rotation that is safe to retry, and refresh-token reuse that ends the session.

A session (one sign-in) is a family of refresh tokens: each refresh retires the token presented and issues
a successor pair. Two things follow (OAuth 2.0 Security BCP, section 4.14):

- A retried refresh gets the same answer. The successor pair is derived from the presented token and a
  random salt kept with the retired token (HMAC-SHA256), so the portal can give it again without storing it,
  and a copy of the database derives nothing. The retired token is honoured only within
  ``refresh_grace_s`` of its rotation, only from the client address that rotated it, and only while its
  successor is still the session's current token: a client whose answer was lost, or a second process that
  read the same kept session, gets the pair the first one got.
- Any other use of a retired token is reuse (a stolen token raced its owner, or an old copy was replayed):
  the whole session ends, access token and every refresh token with it, and both parties must sign in again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from ssp_tui.api.models import Session
from ssp_tui.sandbox.auth_login import hold_ends
from ssp_tui.sandbox.auth_tokens import SecurityPolicy, token_hash, user_model, write_transaction
from ssp_tui.sandbox.http_io import parse_utc, utc_text
from ssp_tui.sandbox.problems import unauthenticated

SESSION_ENDED = "The session has ended; sign in again."
REUSE_ENDED = (
    "This session was ended because one of its refresh tokens was used again after it had been replaced; "
    "sign in again."
)


def successor_pair(refresh_token: str, salt: str) -> tuple[str, str]:
    """(access, refresh) that rotating ``refresh_token`` with ``salt`` issues: 256 bits each, like
    ``secrets.token_urlsafe(32)``, and reproducible only by whoever holds the token."""
    key = refresh_token.encode("utf-8")

    def derive(label: str) -> str:
        digest = hmac.new(key, f"{label}:{salt}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    return derive("access"), derive("refresh")


@dataclass(frozen=True, slots=True)
class _Issued:
    access: str
    refresh: str
    access_expires_at: datetime
    user_id: str


def rotate_session(
    conn: sqlite3.Connection, refresh_token: str, client: str, now: datetime, policy: SecurityPolicy
) -> Session:
    """The successor pair for ``refresh_token``; 401 when the session has ended (or ends now, on reuse).

    The refresh expiry is not extended: a session lives at most ``refresh_ttl_s`` from its sign-in."""
    presented = token_hash(refresh_token)
    with write_transaction(conn):
        # Decided inside the transaction, raised after it: a revocation must be committed, not rolled back.
        outcome = _rotate_or_replay(conn, presented, refresh_token, client, now, policy)
    if isinstance(outcome, str):
        raise unauthenticated(outcome)
    user = conn.execute("SELECT * FROM users WHERE id = ?", [outcome.user_id]).fetchone()
    return Session(
        access_token=outcome.access,
        refresh_token=outcome.refresh,
        expires_in=max(1, int((outcome.access_expires_at - now).total_seconds())),
        user=user_model(conn, user),
    )


def _rotate_or_replay(
    conn: sqlite3.Connection,
    presented: str,
    refresh_token: str,
    client: str,
    now: datetime,
    policy: SecurityPolicy,
) -> _Issued | str:
    """What to answer: the pair issued, or the reason (a 401 detail) the session is over."""
    current = conn.execute("SELECT * FROM sessions WHERE refresh_hash = ?", [presented]).fetchone()
    if current is not None:
        if not _live(conn, current, now, policy):
            return SESSION_ENDED
        return _rotate(conn, current, refresh_token, client, now, policy)
    retired = conn.execute(
        "SELECT * FROM retired_refresh_tokens WHERE token_hash = ?", [presented]
    ).fetchone()
    if retired is None:
        return SESSION_ENDED
    session = conn.execute("SELECT * FROM sessions WHERE id = ?", [retired["session_id"]]).fetchone()
    if session is None or not _live(conn, session, now, policy):
        return SESSION_ENDED
    access, refresh = successor_pair(refresh_token, retired["successor_salt"])
    in_grace = now - parse_utc(retired["rotated_at"]) <= timedelta(seconds=policy.refresh_grace_s)
    if in_grace and retired["rotated_for"] == client and session["refresh_hash"] == token_hash(refresh):
        # The same request again (its answer was lost, or another process of the same client sent it too).
        return _Issued(access, refresh, parse_utc(session["access_expires_at"]), session["user_id"])
    conn.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", [session["id"]])
    return REUSE_ENDED


def _live(conn: sqlite3.Connection, session: sqlite3.Row, now: datetime, policy: SecurityPolicy) -> bool:
    """Not revoked, not past its refresh expiry, and its user not on hold (a hold ends the session)."""
    if session["revoked"] or parse_utc(session["refresh_expires_at"]) <= now:
        return False
    user = conn.execute("SELECT locked_at FROM users WHERE id = ?", [session["user_id"]]).fetchone()
    if user is None or hold_ends(user, now, policy) is not None:
        conn.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", [session["id"]])
        return False
    return True


def _rotate(
    conn: sqlite3.Connection,
    session: sqlite3.Row,
    refresh_token: str,
    client: str,
    now: datetime,
    policy: SecurityPolicy,
) -> _Issued:
    salt = secrets.token_urlsafe(16)
    access, refresh = successor_pair(refresh_token, salt)
    access_expires_at = now + timedelta(seconds=policy.access_ttl_s)
    conn.execute(
        "INSERT INTO retired_refresh_tokens "
        "(token_hash, session_id, rotated_at, rotated_for, successor_salt) VALUES (?, ?, ?, ?, ?)",
        [session["refresh_hash"], session["id"], utc_text(now), client, salt],
    )
    conn.execute(
        "UPDATE sessions SET access_hash = ?, access_expires_at = ?, refresh_hash = ? WHERE id = ?",
        [token_hash(access), utc_text(access_expires_at), token_hash(refresh), session["id"]],
    )
    return _Issued(access, refresh, access_expires_at, session["user_id"])
