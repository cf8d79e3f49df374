"""The request context every handler gets, and the shared pieces of reading and answering HTTP.

Handlers are plain synchronous functions ``handler(call: Call) -> Struct | Response | None``; app.py runs
them in a worker thread with their own SQLite connection, so a slow PDF never blocks the event loop.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from starlette.datastructures import Headers

from ssp_tui.api.constants import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT
from ssp_tui.api.contract import Route
from ssp_tui.api.models import Page
from ssp_tui.sandbox.access import Caller
from ssp_tui.sandbox.problems import ProblemError, invalid, unauthenticated

T = TypeVar("T")

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]$"
"""Cursors are the urlsafe base64 of an 8-byte offset; every string matching this decodes to some offset."""
_MAX_OFFSET = 2**62


@dataclass(slots=True)
class Call:
    """One request as a handler sees it."""

    conn: sqlite3.Connection
    route: Route
    path_params: dict[str, str]
    query: dict[str, Any]
    """Declared query parameters, already parsed to their contract types (absent ones are missing)."""
    body: Any
    headers: Headers
    client_ip: str
    now: datetime
    """The request's instant (UTC); the app's clock, so tests can move time."""
    caller: Caller | None = None
    state: dict[str, Any] = field(default_factory=dict)
    """App-wide settings (the security policy) that some handlers need."""

    @property
    def id(self) -> str:
        return self.path_params["id"]

    @property
    def user(self) -> Caller:
        if self.caller is None:  # only reachable if a public route asks for the caller
            raise unauthenticated()
        return self.caller

    @property
    def today(self) -> date:
        return self.now.date()


def utc_text(moment: datetime) -> str:
    """The schema's instant format: ISO-8601 UTC with 'Z', to the second (sorts as text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def parse_date(field_name: str, text: str) -> date:
    """An ISO date from a query value; a clear 422 otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(field_name, "expected an ISO date, e.g. 2026-11-28") from None


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(struct.pack(">Q", offset)).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=")
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 8 or len(cursor) != 11:
        raise ProblemError(400, "The cursor is not one this portal issued.", title="Invalid cursor")
    return min(struct.unpack(">Q", raw)[0], _MAX_OFFSET)


def page_window(call: Call) -> tuple[int, int]:
    """(offset, limit) from the cursor and limit query parameters."""
    limit = call.query.get("limit", DEFAULT_PAGE_LIMIT)
    if not 1 <= limit <= MAX_PAGE_LIMIT:
        raise invalid("limit", f"must be between 1 and {MAX_PAGE_LIMIT}")
    cursor = call.query.get("cursor")
    return (decode_cursor(cursor) if cursor is not None else 0), limit


def paged_query(
    call: Call, sql: str, params: Iterable[object], convert: Callable[[sqlite3.Row], T]
) -> Page[T]:
    """Run ``sql`` (already ordered) one page at a time; one extra row tells whether there is a next page.

    The window (``LIMIT ? OFFSET ?``) goes at the end, or where ``sql`` says ``{window}`` (a subquery that
    pages over an index only); either way its two parameters come after ``params``.
    """
    offset, limit = page_window(call)
    window = "LIMIT ? OFFSET ?"
    query = sql.replace("{window}", window) if "{window}" in sql else f"{sql} {window}"
    rows = call.conn.execute(query, [*params, limit + 1, offset]).fetchall()
    next_cursor = encode_cursor(offset + limit) if len(rows) > limit else None
    return Page(items=[convert(row) for row in rows[:limit]], next_cursor=next_cursor)


def paged_list(call: Call, items: list[T]) -> Page[T]:
    """Page an already computed list (small lists: seminars, filtered resources)."""
    offset, limit = page_window(call)
    chunk = items[offset : offset + limit]
    next_cursor = encode_cursor(offset + limit) if offset + limit < len(items) else None
    return Page(items=chunk, next_cursor=next_cursor)


def like_pattern(text: str) -> str:
    """A substring pattern for ``LIKE ? ESCAPE '\\'`` (ASCII case-insensitive); % and _ match literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def money(cents: int) -> str:
    """$1,240.00 for plain-words messages."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"
