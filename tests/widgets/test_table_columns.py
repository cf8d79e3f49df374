"""Column widths, cell fitting and formatters (no Textual)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from ssp_tui.widgets.table_columns import (
    Column,
    fit_cell,
    fit_widths,
    format_cents,
    format_count,
    natural_widths,
)


def test_fit_cell_pads_aligns_and_truncates_with_an_ellipsis() -> None:
    assert fit_cell("abc", 6, "left") == "abc   "
    assert fit_cell("abc", 6, "right") == "   abc"
    assert fit_cell("abc", 7, "center") == "  abc  "
    assert fit_cell("abcdefgh", 5, "left") == "abcd…"
    assert fit_cell("abcdefgh", 1, "right") == "…"
    assert fit_cell("line one\nline two", 20, "left") == "line one line two   "


def test_fit_cell_counts_terminal_cells_of_wide_characters() -> None:
    fitted = fit_cell("東京都の保険契約", 7, "left")
    assert cell_len(fitted) == 7
    assert fitted.endswith("…")


def test_natural_widths_take_header_and_sample_within_bounds() -> None:
    columns = [
        Column("id", "ID"),
        Column("name", "Name", max_width=10),
        Column("fixed", "Fixed", width=3),
    ]
    widths = natural_widths(columns, [("1", "short", "x"), ("22", "a much longer name", "y")])
    # "ID" + room for the sort arrow = 4 (also the default minimum); Name capped at 10; Fixed stays 3.
    assert widths == [4, 10, 3]


def test_fit_widths_keeps_natural_widths_when_they_fit() -> None:
    columns = [Column("a", "A"), Column("b", "B")]
    assert fit_widths(columns, [10, 20], available=40) == [10, 20]


def test_fit_widths_narrows_the_widest_columns_first_and_fills_the_space() -> None:
    columns = [Column("a", "A"), Column("b", "B"), Column("c", "C", width=8)]
    widths = fit_widths(columns, [10, 40, 8], available=40)
    assert widths[2] == 8
    assert widths[0] == 10  # the narrow column is untouched
    assert sum(widths) + 2 == 40


def test_fit_widths_never_goes_below_minimum_widths() -> None:
    columns = [Column("a", "A", min_width=6), Column("b", "B", min_width=6)]
    assert fit_widths(columns, [30, 30], available=5) == [6, 6]


def test_formatters() -> None:
    assert format_cents(123_456) == "$1,234.56"
    assert format_cents(-5) == "-$0.05"
    assert format_cents(0) == "$0.00"
    assert format_cents(None) == ""
    assert format_count(1_234_567) == "1,234,567"


def test_columns_validate_their_settings() -> None:
    with pytest.raises(ValueError):
        Column("a", "A", width=0)
    with pytest.raises(ValueError):
        Column("a", "A", min_width=10, max_width=5)
    with pytest.raises(ValueError):
        Column("a", "A", align="justify")  # type: ignore[arg-type]
