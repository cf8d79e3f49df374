"""Turning what a person types (a date) into what the client needs (policies: operations.policy_lookup)."""

from __future__ import annotations

from datetime import date

import click

from ssp_tui.operations.dates import DateParseError, parse_date


def date_option_value(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A click callback: ISO and the common US forms; a bad date is a usage error (exit 2)."""
    if value is None or not value.strip():
        return None
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param=param) from None
