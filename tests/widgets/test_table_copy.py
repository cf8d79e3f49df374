"""Copying a cell or a row of a VirtualTable (OSC 52, ``App.copy_to_clipboard``), driven through Pilot."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ssp_tui.widgets.table_cells import clipboard_cell
from ssp_tui.widgets.table_columns import Column, format_cents
from ssp_tui.widgets.virtual_table import VirtualTable

COLUMNS = [
    Column("number", "Policy #"),
    Column("holder", "Policyholder"),
    Column("due", "Amount due", align="right", formatter=format_cents),
]
ROWS = [
    ("NCP1513201", "Avery Smith", 766_900),
    ("NCP1513202", "Blake\tJones\x1b]0;evil\x07 Jr.", 1250),
]


class CopyApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.copied: list[str] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, id="table")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows(ROWS, key=lambda row: row[0])
        table.focus()

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)
        super().copy_to_clipboard(text)


async def test_capital_c_copies_the_cell_and_capital_y_the_row_as_tab_separated_text() -> None:
    app = CopyApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press("C")
        assert app.copied[-1] == "NCP1513201"
        await pilot.press("right", "right", "C")
        assert table.cell_column == 2
        assert app.copied[-1] == "$7,669.00"
        await pilot.press("right", "C")  # no further column: the last one stays
        assert app.copied[-1] == "$7,669.00"
        await pilot.press("Y")
        assert app.copied[-1] == "NCP1513201\tAvery Smith\t$7,669.00"
        assert app.clipboard == "NCP1513201\tAvery Smith\t$7,669.00"
        # A tab inside a cell would split the row; a control sequence would reach the terminal pasted into.
        await pilot.press("down", "left", "C")
        assert app.copied[-1] == "Blake Jones Jr."
        await pilot.press("Y")
        assert app.copied[-1] == "NCP1513202\tBlake Jones Jr.\t$12.50"


async def test_the_cell_cursor_is_drawn_on_the_cursor_row() -> None:
    app = CopyApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press("right")
        strip = table.render_line(1)
        styled = [segment for segment in strip if segment.text.strip() == "Avery Smith"]
        assert styled and styled[0].style is not None and styled[0].style.underline


def test_clipboard_cell_is_one_clean_line() -> None:
    assert clipboard_cell("a\tb\nc\x1b[31m d ") == "a b c d"
