"""Dates typed by people: ISO and the common US forms, with errors that say what to type instead.

Accepted: ``2026-11-28``, ``11/28/2026``, ``11/28/26``, ``11-28-2026``, ``Nov 28 2026``, ``Nov 28, 2026``,
``November 28 2026``, ``28 Nov 2026``. Month names are English whatever the locale (no ``strptime``).
"""

from __future__ import annotations

import re
from datetime import date

from ssp_tui.errors import SspError

EXAMPLES = "2026-11-28, 11/28/2026, 11/28/26 or Nov 28 2026"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US_NUMERIC = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{2}|\d{4})")
_MONTH_FIRST = re.compile(r"([a-z]+)\.? +(\d{1,2})(?:st|nd|rd|th)?,? +(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2}) +([a-z]+)\.?,? +(\d{4})")
_TWO_DIGIT_YEAR_PIVOT = 69
"""As POSIX ``%y``: 00-68 are 2000-2068, 69-99 are 1969-1999."""


class DateParseError(SspError, ValueError):
    """Text that is not a date in a form we accept; the message is fit to show."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return year + (2000 if year < _TWO_DIGIT_YEAR_PIVOT else 1900)
    return year


def _month_number(name: str, original: str) -> int:
    number = _MONTHS.get(name)
    if number is None:
        raise DateParseError(f"{original!r}: {name!r} is not a month name. Use a date like {EXAMPLES}.")
    return number


def _build(year: int, month: int, day: int, original: str) -> date:
    if not 1 <= month <= 12:
        raise DateParseError(f"{original!r}: the month must be 1 to 12. Use a date like {EXAMPLES}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f"{original!r}: that month has no day {day}.") from None


def parse_date(text: str) -> date:
    """The date ``text`` names; DateParseError (with a message fit to show) when it names none."""
    original = text
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise DateParseError(f"A date is needed. Use a date like {EXAMPLES}.")
    if match := _ISO.fullmatch(cleaned):
        return _build(int(match[1]), int(match[2]), int(match[3]), original)
    if match := _US_NUMERIC.fullmatch(cleaned):
        return _build(_year(match[4]), int(match[1]), int(match[3]), original)
    if match := _MONTH_FIRST.fullmatch(cleaned):
        return _build(int(match[3]), _month_number(match[1], original), int(match[2]), original)
    if match := _DAY_FIRST.fullmatch(cleaned):
        return _build(int(match[3]), _month_number(match[2], original), int(match[1]), original)
    raise DateParseError(f"{original!r} is not a date. Use a date like {EXAMPLES}.")


def parse_optional_date(text: str | None) -> date | None:
    """None for empty input (an open end of a range), else as parse_date."""
    if text is None or not text.strip():
        return None
    return parse_date(text)


def parse_date_range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """Both ends of an inclusive range, either of them open; an end before the start is an error."""
    first, last = parse_optional_date(start), parse_optional_date(end)
    if first is not None and last is not None and last < first:
        raise DateParseError(f"The end date {last.isoformat()} is before the start date {first.isoformat()}.")
    return first, last
