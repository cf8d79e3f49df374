"""Dates in ISO and common US forms, with clear errors."""

from __future__ import annotations

from datetime import date

import pytest

from ssp_tui.operations.dates import DateParseError, parse_date, parse_date_range, parse_optional_date


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-28",
        "11/28/2026",
        "11/28/26",
        "11-28-2026",
        "Nov 28 2026",
        "nov 28, 2026",
        "November 28th, 2026",
        "Nov. 28 2026",
        "28 Nov 2026",
        "28 November 2026",
        "  2026-11-28  ",
    ],
)
def test_accepted_forms(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 28)


def test_two_digit_years_follow_the_posix_pivot() -> None:
    assert parse_date("1/2/68") == date(2068, 1, 2)
    assert parse_date("1/2/69") == date(1969, 1, 2)
    assert parse_date("2/29/24") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "A date is needed"),
        ("yesterday", "is not a date"),
        ("13/01/2026", "month must be 1 to 12"),
        ("2026-02-30", "no day 30"),
        ("2/29/2026", "no day 29"),
        ("Smarch 3 2026", "not a month name"),
        ("11/28/2026/1", "is not a date"),
        ("11/28-2026", "is not a date"),
    ],
)
def test_errors_say_what_to_type(text: str, needle: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert needle in str(caught.value)


def test_optional_and_ranges() -> None:
    assert parse_optional_date("") is None and parse_optional_date(None) is None
    assert parse_date_range("1/1/2026", "") == (date(2026, 1, 1), None)
    with pytest.raises(DateParseError, match="before the start"):
        parse_date_range("2026-12-01", "2026-11-01")
