"""Re-dating the default sandbox database: its demo data is seeded for a day, and a day later it is not.

The seed builds its world around ``today``: installments due or past due, holder requests 47 hours old,
renewals offered 90 days before a term ends. Judged by a later clock, that world drifts (a fresh request
becomes overdue, an installment past due). So when the default database was seeded for another day, its demo
data is seeded again for today, in place, in one transaction, with the same seed and scale:

- the demo world (customers, policies, billing, documents, certificates, content, the seeded holder
  requests, the demo logins' profile and story: last login, a login on hold) is replaced by today's;
  generated PDFs are dropped and made again on first need (they carry the old dates);
- what the user did is kept: sessions and remembered devices (so a kept CLI or TUI session goes on),
  authenticator enrollments and passwords, the replay guard, the sign-in throttle, the outbox, and the
  certificate-holder requests they filed (those carry an Idempotency-Key; seeded ones do not).

Ids of customers, policies, insureds, users and holders do not depend on the day, so the user's requests and
sessions still point at the same records; document, installment and payment ids do change.

In place rather than a new file, so that a sandbox already serving the old file (a TUI left open overnight)
sees the new data instead of writing to an unlinked file. Parallel starters re-check the day inside the
write transaction: one re-seeds, the others find it done.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from ssp_tui.sandbox.seed import build_rows, insert_rows
from ssp_tui.sandbox.seed_model import TABLE_COLUMNS

_KEPT_USER_COLUMNS = ("password_hash",)
"""A user's own sign-in state, never replaced (totp_secret is kept when the user enrolled one)."""
_FILED_BY_USERS = ("holder_requests", "change_requests")
"""Requests the seed makes and users file: a user's carry an Idempotency-Key, the seed's do not."""
_MIXED_KEYS: dict[str, tuple[str, ...]] = {
    "device_tokens": ("token_hash",),
    "registrations": ("id",),
    "account_codes": ("user_id", "purpose", "token_hash", "code_hash", "payload", "created_at", "expires_at"),
    "outbox": TABLE_COLUMNS["outbox"],
}
"""Tables holding both the seed's demo rows and what users did (their remembered devices, registrations,
codes, sent messages): the old day's seeded rows, found by these columns, are replaced; the rest is kept."""
_REPLACED_TABLES = tuple(
    t for t in TABLE_COLUMNS if t not in ("meta", "users", *_FILED_BY_USERS, *_MIXED_KEYS)
)
_BUSY_WAIT_MS = 120_000
"""Another process may be re-seeding the same file (a few seconds; longer on a busy machine)."""


@dataclass(frozen=True, slots=True)
class Rebased:
    """What a re-seed did, for the one line the server prints."""

    from_day: date
    to_day: date
    kept_requests: int
    kept_sessions: int

    def describe(self) -> str:
        return (
            f"The sandbox's demo data was seeded again for {self.to_day} (it was for {self.from_day}); kept: "
            f"{self.kept_sessions} live session(s), remembered devices, authenticator enrollments and "
            f"{self.kept_requests} certificate-holder request(s) of yours; generated PDFs are made again."
        )


def _seeded_day(conn: sqlite3.Connection) -> date | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'today'").fetchone()
    try:
        return date.fromisoformat(row[0]) if row else None
    except ValueError:
        return None


def rebase_to(conn: sqlite3.Connection, today: date) -> Rebased | None:
    """Seed the demo data again for ``today`` unless it already is; None when nothing was done."""
    seeded = _seeded_day(conn)
    if seeded is None or seeded == today:
        return None
    meta = {row[0]: row[1] for row in conn.execute("SELECT key, value FROM meta")}
    # The slow part, before taking the write lock.
    seed, scale = int(meta.get("seed", "1")), int(meta.get("scale", "1"))
    rows = build_rows(seed, scale, today)
    # The old day's seed, rebuilt exactly (same seed, scale and day), tells its rows from the user's.
    old_rows = build_rows(seed, scale, seeded)
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_WAIT_MS}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _seeded_day(conn) != seeded:  # another process did it while we were building
            conn.execute("ROLLBACK")
            return None
        # Kept users keep pointing at customers and agencies that are deleted and inserted again with the
        # same ids: checked at commit, not row by row.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        report = _apply(conn, rows, old_rows, seeded, today)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return report


Rows = dict[str, list[tuple[object, ...]]]


def _apply(conn: sqlite3.Connection, rows: Rows, old_rows: Rows, seeded: date, today: date) -> Rebased:
    for table in _MIXED_KEYS:  # they point at users and policies: before those go
        _drop_seeded(conn, table, old_rows.get(table, []))
    for table in _FILED_BY_USERS:
        conn.execute(f"DELETE FROM {table} WHERE idempotency_key IS NULL")
    for table in reversed(_REPLACED_TABLES):  # children first
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM blobs")
    insert_rows(conn, {table: rows.get(table, []) for table in _REPLACED_TABLES})
    _merge_users(conn, rows["users"])
    for table in (*_FILED_BY_USERS, *_MIXED_KEYS):
        _insert_new(conn, table, rows.get(table, []))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'today'", [today.isoformat()])
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('rebased_from', ?)", [seeded.isoformat()])
    kept_requests = conn.execute("SELECT COUNT(*) FROM holder_requests WHERE idempotency_key IS NOT NULL")
    kept_sessions = conn.execute("SELECT COUNT(*) FROM sessions WHERE revoked = 0")
    return Rebased(seeded, today, kept_requests.fetchone()[0], kept_sessions.fetchone()[0])


def _drop_seeded(conn: sqlite3.Connection, table: str, old_seeded: list[tuple[object, ...]]) -> None:
    columns = TABLE_COLUMNS[table]
    keys = _MIXED_KEYS[table]
    positions = [columns.index(key) for key in keys]
    where = " AND ".join(f'"{key}" IS ?' for key in keys)
    keys_of_rows = [[row[i] for i in positions] for row in old_seeded]
    conn.executemany(f"DELETE FROM {table} WHERE {where}", keys_of_rows)


def _insert_new(conn: sqlite3.Connection, table: str, seeded: list[tuple[object, ...]]) -> None:
    columns = TABLE_COLUMNS[table]
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT OR IGNORE INTO {table} ({quoted}) VALUES ({marks})", seeded)


def _merge_users(conn: sqlite3.Connection, seeded: list[tuple[object, ...]]) -> None:
    """Seeded users get today's profile and story but keep their sign-in state; others are left alone."""
    columns = TABLE_COLUMNS["users"]
    replaced = [c for c in columns if c not in ("id", *_KEPT_USER_COLUMNS, "totp_secret")]
    assignments = ", ".join(f'"{c}" = ?' for c in replaced)
    for row in seeded:
        values = dict(zip(columns, row, strict=True))
        found = conn.execute("SELECT 1 FROM users WHERE id = ?", [values["id"]]).fetchone()
        if found is None:
            quoted = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            conn.execute(f"INSERT INTO users ({quoted}) VALUES ({marks})", row)
            continue
        conn.execute(
            f"UPDATE users SET {assignments}, totp_secret = COALESCE(totp_secret, ?) WHERE id = ?",
            [*(values[c] for c in replaced), values["totp_secret"], values["id"]],
        )
