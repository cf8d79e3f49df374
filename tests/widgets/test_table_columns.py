"""Column widths, cell fitting and formatters (no Textual)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from ssp_tui.widgets.table_columns import (
    Column,
    ColumnKind,
    comfortable_width,
    fit_cell,
    fit_widths,
    format_cents,
    format_count,
    natural_widths,
    overflowing_whole_columns,
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


WHOLE_AND_TEXT = [
    Column("policy", "Policy #", kind=ColumnKind.ID, max_width=6),
    Column("holder", "Policyholder", max_width=40),
    Column("due", "Amount due", align="right", kind=ColumnKind.MONEY),
]


def test_whole_columns_are_as_wide_as_their_widest_cell_whatever_max_width() -> None:
    texts = [("NCP1513214", "Patel Family Medicine, Inc.", "$12,531.00")]
    # max_width=6 would have cut the policy number: a whole kind ignores it.
    assert natural_widths(WHOLE_AND_TEXT, texts) == [10, 27, 12]


def test_fit_widths_narrows_only_free_text() -> None:
    widths = fit_widths(WHOLE_AND_TEXT, [10, 27, 12], available=40)
    assert widths[0] == 10 and widths[2] == 12  # policy number and money untouched
    assert widths[1] == 40 - 2 - 10 - 12


def test_a_screen_too_narrow_for_whole_columns_scrolls_rather_than_cuts() -> None:
    # 20 cells cannot hold both numbers: the text goes to its minimum, the numbers stay whole, and the
    # row is wider than the screen (the table scrolls horizontally).
    widths = fit_widths(WHOLE_AND_TEXT, [10, 27, 12], available=20)
    assert widths == [10, 4, 12]
    assert comfortable_width(WHOLE_AND_TEXT, widths) > 20


@pytest.mark.parametrize("kind", [ColumnKind.ID, ColumnKind.MONEY, ColumnKind.NUMBER, ColumnKind.DATE])
def test_every_kind_but_text_is_whole(kind: ColumnKind) -> None:
    assert kind.whole
    columns = [Column("a", "A", kind=kind), Column("b", "B")]
    assert fit_widths(columns, [15, 15], available=10)[0] == 15
    assert not ColumnKind.TEXT.whole


def test_overflowing_whole_columns_names_only_numbers_wider_than_their_column() -> None:
    # A row beyond the measured sample: the money and the id are too wide, the text is ellipsized as usual.
    texts = ("NCP15132140", "a name far too long for its column", "$1,234,567.00")
    assert overflowing_whole_columns(WHOLE_AND_TEXT, [10, 12, 12], texts) == [0, 2]
    assert overflowing_whole_columns(WHOLE_AND_TEXT, [11, 12, 13], texts) == []


def test_comfortable_width_counts_the_gaps() -> None:
    assert comfortable_width(WHOLE_AND_TEXT, [10, 27, 12], gap=1) == 51


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
