"""Which certificates lapse soon: every certificate whose policy term ends within a window from today, with
whether the portal already offers a renewal term (whose certificates can then be sent ahead of time)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ssp_tui.api.models import Certificate
from ssp_tui.errors import SspError

_WINDOW = re.compile(r"^\s*(\d{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months)?\s*$", re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30}
MAX_WINDOW_DAYS = 3660


class WindowError(SspError, ValueError):
    """A window that is not one (``parse_window``); the message is fit to show."""


def parse_window(text: str) -> timedelta:
    """``30d``, ``6w``, ``2m`` (30 days a month) or a bare number of days."""
    match = _WINDOW.match(text)
    if match is None:
        raise WindowError(f"{text!r} is not a window: use days, weeks or months, e.g. 30d, 6w or 2m.")
    count = int(match.group(1))
    unit = (match.group(2) or "d")[0].lower()
    days = count * _UNIT_DAYS[unit]
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise WindowError(f"{text!r}: the window must be 1 day to 10 years.")
    return timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Lapsing:
    certificate: Certificate
    ends_on: date
    days_left: int


def expiring(certificates: Iterable[Certificate], today: date, within: timedelta) -> list[Lapsing]:
    """Certificates whose term ends between today and ``today + within`` (inclusive), soonest first.

    A term that already ended is not "about to lapse" and is left out; so is a certificate whose listing
    gives no term end."""
    last = today + within
    found = [
        Lapsing(c, c.term_end, (c.term_end - today).days)
        for c in certificates
        if c.term_end is not None and today <= c.term_end <= last
    ]
    found.sort(
        key=lambda x: (
            x.ends_on,
            x.certificate.policy_number,
            x.certificate.insured_name.casefold(),
            x.certificate.holder_name.casefold(),
        )
    )
    return found
