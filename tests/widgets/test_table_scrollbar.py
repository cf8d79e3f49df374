"""The table's vertical scrollbar follows its rows as they are set, not a layout later.

Left to Textual, the layout that set_rows asks for found the scrollbar changed and asked for a second layout
of the whole screen; on the large book's Policy Services that second layout came before the documents were
shown (docs/performance.md, "Policy Services: the documents asked for before the frame")."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ssp_tui.widgets.table_columns import Column
from ssp_tui.widgets.virtual_table import VirtualTable

COLUMNS = [Column("number", "Policy #"), Column("holder", "Policyholder")]


class LaterRowsApp(App[None]):
    """A table laid out empty, as a section's table is before its data arrives."""

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, id="table")


def rows(count: int) -> list[tuple[str, str]]:
    return [(f"P{i:06d}", f"Holder {i}") for i in range(count)]


async def test_the_scrollbar_shows_as_the_rows_are_set_and_hides_as_they_go() -> None:
    app = LaterRowsApp()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert not table.show_vertical_scrollbar
        table.set_rows(rows(100), key=lambda row: row[0])
        assert table.show_vertical_scrollbar  # before the layout it asks for, not in it
        await pilot.pause()
        drawn = app.export_screenshot()
        table.set_rows(rows(3), key=lambda row: row[0])
        assert not table.show_vertical_scrollbar
        await pilot.pause()
        table.set_rows(rows(100), key=lambda row: row[0])
        await pilot.pause()
        assert app.export_screenshot() == drawn  # the same screen however it got there
        scrollbar = table.styles.scrollbar_size_vertical
        assert table.scrollable_content_region.width == table.size.width - scrollbar


async def test_rows_set_before_the_first_layout_still_get_their_scrollbar() -> None:
    app = LaterRowsApp()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(100), key=lambda row: row[0])  # no size yet: Textual's layout decides
        await pilot.pause()
        assert table.show_vertical_scrollbar
