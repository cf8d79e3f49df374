"""Ids and money in a VirtualTable are never cut: narrow screens scroll sideways, rows beyond the measured
sample widen their column when drawn, and `width: auto` sizes a pane to show every column (Pilot)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical

from ssp_tui.widgets.table_columns import Column, ColumnKind, format_cents
from ssp_tui.widgets.virtual_table import WIDTH_SAMPLE_ROWS, VirtualTable

COLUMNS = [
    Column("number", "Policy #", kind=ColumnKind.ID),
    Column("holder", "Policyholder", max_width=40),
    Column("due", "Amount due", align="right", formatter=format_cents, kind=ColumnKind.MONEY),
]
HOLDER = "Coastal Family Medicine Medical Group"


def make_rows(count: int) -> list[tuple[str, str, int]]:
    return [(f"NCP{1513214 + i}", HOLDER, 766_900 + i) for i in range(count)]


class NarrowApp(App[None]):
    CSS = "#pane { width: 24; } #rest { width: 1fr; }"

    def __init__(self, rows: list[tuple[str, str, int]], auto: bool = False) -> None:
        super().__init__()
        self.rows = rows
        self.auto = auto

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="pane", classes="auto" if self.auto else ""):
                yield VirtualTable(COLUMNS, multi_select=False, id="table")
            yield Vertical(id="rest")

    def on_mount(self) -> None:
        if self.auto:
            self.query_one("#pane").styles.width = "auto"
            self.query_one("#pane").styles.max_width = "70%"
        self.query_one(VirtualTable).set_rows(self.rows, key=lambda row: row[0])


def lines(table: VirtualTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


async def test_a_narrow_table_shows_numbers_whole_and_scrolls_to_the_rest() -> None:
    app = NarrowApp(make_rows(3))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        first = lines(table)[1]
        assert first.startswith("NCP1513214 ")  # whole, though the pane is 24 cells wide
        assert table.virtual_size.width > table.scrollable_content_region.width
        table.scroll_to(x=table.max_scroll_x, animate=False)
        await pilot.pause()
        assert "$7,669.00" in lines(table)[1]


async def test_a_row_beyond_the_measured_sample_widens_its_column_when_drawn() -> None:
    rows = make_rows(WIDTH_SAMPLE_ROWS + 5)
    rows[-1] = ("NCP15132149999", HOLDER, 123_456_789_00)
    app = NarrowApp(rows, auto=True)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        table.move_cursor(len(rows) - 1)
        await pilot.pause()
        await pilot.pause()
        last = [line for line in lines(table) if line.strip()][-1]
        assert "NCP15132149999" in last and "$123,456,789.00" in last
        assert "…" not in last.replace(HOLDER, "")


async def test_width_auto_sizes_the_pane_to_show_every_column() -> None:
    app = NarrowApp(make_rows(3), auto=True)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert f"NCP1513214 {HOLDER}" in lines(table)[1]
        assert "$7,669.00" in lines(table)[1]
