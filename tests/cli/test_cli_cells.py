"""A column's cells made a column at a time (``Column.machine_cells``, the fast path of TSV and CSV listings)
are exactly the cells made one at a time (``Column.machine``), whatever the values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

import pytest

from ssp_tui.cli.cells import Column


class Shade(StrEnum):
    LIGHT = "light"
    FORMULA = "=1+1"


COLUMNS: dict[str, list[object]] = {
    "plain text": ["Mercy General", "Dr. Ana Ruiz", "", "NC-2041178"],
    "formulas": ["=HYPERLINK(x)", "+1", "-5", "@SUM", "fine"],
    "a tab, a newline": ["one\ttwo", "three\nfour", "plain"],
    "escapes and controls": ["ok", "bad\x1b]0;title\x07 name", "bell\x07", "c1\x9b2J"],
    "mixed types": ["text", 3, 2.5, None, True, Decimal("12.50"), date(2026, 11, 28)],
    "datetimes": [datetime(2026, 11, 28, 14, 3, tzinfo=UTC), None],
    "lists": [["a", "b"], ("x\ty",), []],
    "string enums": [Shade.LIGHT, Shade.FORMULA, "plain"],
    "empty": [],
}


@pytest.mark.parametrize("values", COLUMNS.values(), ids=COLUMNS.keys())
def test_a_column_at_a_time_matches_a_cell_at_a_time(values: list[object]) -> None:
    column: Column[object] = Column("Any", lambda value: value)
    assert column.machine_cells(values) == [column.machine(value) for value in values]


def test_the_raw_value_is_used_when_the_column_has_one() -> None:
    column: Column[int] = Column(
        "Amount", lambda cents: f"${cents / 100:,.2f}", "right", lambda c: Decimal(c) / 100
    )
    assert column.machine_cells([125, -500]) == ["1.25", "-5"]
    assert column.machine_cells([125, -500]) == [column.machine(125), column.machine(-500)]
