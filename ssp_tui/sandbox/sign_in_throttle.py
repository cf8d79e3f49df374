"""Throttling failed sign-ins the way NIST SP 800-63B (5.2.2) and OWASP's authentication cheat sheet ask.

- Failures are counted per username and per client address, for known and unknown usernames alike, so the
  answers never tell a stranger whether an account exists.
- The first few failures cost nothing; after that each one holds the key back for a growing delay (doubling,
  capped), answered 429 with Retry-After and a detail that says when to try again. A hold always ends by
  itself; nothing is ever locked until support acts, and no signed-in session is touched.
- Every attempt is counted *before* its password is checked, inside one write transaction, so attempts fired
  at once are serialized: no more than the allowance is ever evaluated, however many arrive together. A
  success takes its own count back (and clears the username's consecutive failures).
- Failures are forgotten after a quiet ``failure_memory_s``.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from ssp_tui.sandbox.auth_tokens import SecurityPolicy, write_transaction
from ssp_tui.sandbox.http_io import parse_utc, utc_text
from ssp_tui.sandbox.problems import ProblemError


@dataclass(frozen=True, slots=True)
class ThrottleKey:
    key: str
    free_failures: int
    """Failures allowed before delays begin."""


def username_key(username: str, policy: SecurityPolicy) -> ThrottleKey:
    return ThrottleKey(f"user:{username.strip().lower()}", policy.free_failures_per_username)


def sign_in_keys(username: str, client_ip: str, policy: SecurityPolicy) -> list[ThrottleKey]:
    """The username's key first (``attempt_succeeded`` relies on the order), then the client's."""
    return [username_key(username, policy), ThrottleKey(f"ip:{client_ip}", policy.free_failures_per_client)]


def hold_after(failures: int, free_failures: int, policy: SecurityPolicy) -> timedelta:
    """How long the ``failures``-th consecutive failure holds the key back: nothing within the allowance,
    then ``first_delay_s`` doubling up to ``max_delay_s``."""
    if failures < free_failures:
        return timedelta(0)
    doublings = min(failures - free_failures, 32)
    return timedelta(seconds=min(policy.max_delay_s, policy.first_delay_s * 2**doublings))


def throttled(retry_at: datetime, now: datetime) -> ProblemError:
    # The client adds "try again in <Retry-After>"; the detail gives the moment, so a log line says it too.
    seconds = max(1, math.ceil((retry_at - now).total_seconds()))
    return ProblemError(
        429,
        f"Too many failed sign-in attempts; the hold ends by itself at {retry_at:%H:%M:%S} UTC.",
        title="Sign-in on hold",
        retry_after=seconds,
    )


def _live_row(
    conn: sqlite3.Connection, key: str, now: datetime, policy: SecurityPolicy
) -> sqlite3.Row | None:
    row = conn.execute("SELECT * FROM login_throttle WHERE key = ?", [key]).fetchone()
    quiet = row is not None and now - parse_utc(row["last_failure_at"]) >= timedelta(
        seconds=policy.failure_memory_s
    )
    return None if quiet else row


def _count(conn: sqlite3.Connection, key: ThrottleKey, now: datetime, policy: SecurityPolicy) -> None:
    row = _live_row(conn, key.key, now, policy)
    failures = (row["failures"] if row is not None else 0) + 1
    hold = hold_after(failures, key.free_failures, policy)
    conn.execute(
        "INSERT OR REPLACE INTO login_throttle (key, failures, last_failure_at, blocked_until) "
        "VALUES (?, ?, ?, ?)",
        [key.key, failures, utc_text(now), utc_text(now + hold) if hold else None],
    )


def reserve_attempt(
    conn: sqlite3.Connection, keys: list[ThrottleKey], now: datetime, policy: SecurityPolicy
) -> None:
    """429 while any key is held back; otherwise count this attempt as a failure until it succeeds."""
    with write_transaction(conn):
        holds = []
        for key in keys:
            row = _live_row(conn, key.key, now, policy)
            if row is not None and row["blocked_until"] and parse_utc(row["blocked_until"]) > now:
                holds.append(parse_utc(row["blocked_until"]))
        if holds:
            raise throttled(max(holds), now)
        for key in keys:
            _count(conn, key, now, policy)


def count_failure(conn: sqlite3.Connection, key: ThrottleKey, now: datetime, policy: SecurityPolicy) -> None:
    """One more failure (a wrong MFA code); run inside the caller's write transaction."""
    _count(conn, key, now, policy)


def attempt_succeeded(conn: sqlite3.Connection, keys: list[ThrottleKey]) -> None:
    """Take back the count ``reserve_attempt`` made: the username starts afresh (failures must be
    consecutive), the address keeps the failures of other attempts. Run inside the caller's write
    transaction."""
    account, *others = keys
    conn.execute("DELETE FROM login_throttle WHERE key = ?", [account.key])
    for key in others:
        conn.execute(
            "UPDATE login_throttle SET failures = MAX(failures - 1, 0), "
            "blocked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE blocked_until END WHERE key = ?",
            [key.free_failures, key.key],
        )
