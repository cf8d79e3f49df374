"""Columns of a listing and how one value becomes the text of a cell.

Each column has a value for people (``$1,240.00``, ``yes``, ``2026-11-28 14:03 UTC``), shown in the table on
a terminal, and a raw value for programs (``1240.00``, ``true``, ``2026-11-28T14:03:00+00:00``), written in
TSV and CSV. Raw text cells get the formula rule of the CSV export (``neutralise_formula``), so a spreadsheet
opening the listing never runs ``=HYPERLINK(...)``; numbers are numbers, so ``-5.00`` stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from ssp_tui.formatting import FORMULA_TRIGGERS, money, neutralise_formula
from ssp_tui.text_safety import strip_controls

T = TypeVar("T")
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Any control character, tab and newline included: text without one needs no cleaning in a TSV cell."""


def when(value: date | datetime | None) -> str:
    """ISO dates; datetimes to the minute, in the timezone the portal gave."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="minutes")
        return text.replace("+00:00", " UTC")
    return value.isoformat()


def cell(value: object) -> str:
    """A value as table text for people: money is formatted by its column; everything else reads naturally."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):  # datetime is a date too
        return when(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value)
    return strip_controls(str(value))


def raw_cell(value: object) -> str:
    """A value as TSV or CSV text for programs: one line, full precision, text made inert for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    is_list = isinstance(value, (list, tuple))
    text = ", ".join(cell(item) for item in value) if is_list else str(value)  # type: ignore[union-attr]
    # A tab or newline inside a value would shift every later column for `cut` and friends.
    one_line = strip_controls(text).replace("\t", " ").replace("\n", " ")
    return neutralise_formula(one_line)


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    value: Callable[[T], object]
    justify: Literal["left", "right"] = "left"
    raw: Callable[[T], object] | None = None
    """The value for TSV and CSV when it differs from ``value`` (money: a number, not ``$1,240.00``)."""

    def shown(self, item: T) -> str:
        return cell(self.value(item))

    def machine(self, item: T) -> str:
        return raw_cell((self.raw or self.value)(item))

    def machine_cells(self, items: Sequence[T]) -> list[str]:
        """``machine`` of every item, a column at a time: what a listing of 200,000 rows spends its time on.

        A column of plain one-line strings (nearly every text column) is checked in one scan of its joined
        text instead of cell by cell; any other column, or one with a control character, takes ``raw_cell``
        for each cell, so the text is exactly what ``machine`` gives."""
        values = list(map(self.raw or self.value, items))
        try:
            joined = "".join(values)  # type: ignore[arg-type]
        except TypeError:  # not every value is a string
            return [raw_cell(value) for value in values]
        if _NOT_ONE_LINE.search(joined):
            return [raw_cell(value) for value in values]
        return ["'" + text if text.startswith(FORMULA_TRIGGERS) else text for text in values]


def dollars(cents: int | None) -> Decimal | None:
    """Integer cents as an exact dollar amount with two decimals (``95558`` -> ``955.58``)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def money_column(
    header: str, cents: Callable[[T], int | None], *, blank_when_zero: bool = False
) -> Column[T]:
    """``$1,240.00`` in the table, ``1240.00`` in TSV and CSV (and integer cents in JSON, from the model)."""

    def shown(item: T) -> str:
        value = cents(item)
        return "" if blank_when_zero and not value else money(value)

    def raw(item: T) -> Decimal | None:
        value = cents(item)
        return None if blank_when_zero and not value else dollars(value)

    return Column(header, shown, "right", raw)
