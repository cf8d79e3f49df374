"""The one clock of ssp-tui: every "now" and "today" in the client, the CLI, the TUI and the sandbox.

Nothing else reads the wall clock, so time is an input: the sandbox judges due dates and ages by it, the
client's authenticator codes come from it, and a test or a demo can run the whole program at another date.

``SSP_CLOCK_SHIFT`` (seconds, may be negative) moves this process's clock, and every child process's that
inherits the environment, by the same amount. One shift for all processes keeps their clocks in step, so an
authenticator code made by one is the code the other expects. The test suite uses it to pin the sandbox to the
day its data was seeded for; ``./dev test-at`` moves the real clock instead (libfaketime).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

SHIFT_ENV = "SSP_CLOCK_SHIFT"


def _shift() -> timedelta:
    raw = os.environ.get(SHIFT_ENV, "").strip()
    if not raw:
        return timedelta(0)
    try:
        return timedelta(seconds=float(raw))
    except ValueError:  # a malformed shift is ignored rather than stopping every command
        return timedelta(0)


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC) + _shift()


def today() -> date:
    """The current local date."""
    return now().astimezone().date()


def timestamp() -> float:
    """Seconds since the epoch (for TOTP steps and countdowns)."""
    return now().timestamp()


def shift_to(instant: datetime) -> float:
    """The shift (seconds) that makes the clock read ``instant`` right now; set it as ``SSP_CLOCK_SHIFT``."""
    return (instant - datetime.now(UTC)).total_seconds()
