"""VirtualTable fed as the screens feed it: rows before mount, pages appended, an unbound filter bar, columns
wider than the terminal, the cursor moved by key, and the background search index."""

from __future__ import annotations

from table_apps import COLUMNS, TableApp, body_numbers_no_checkbox, lines, make_rows
from textual.app import App, ComposeResult
from textual.widgets import Input, Label

from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column
from ssp_tui.widgets.virtual_table import VirtualTable


class EarlyRowsApp(App[None]):
    """Rows handed over before the table is mounted (in compose), as a screen with data at hand does."""

    def compose(self) -> ComposeResult:
        table = VirtualTable(COLUMNS, zebra_stripes=True, multi_select=False)
        table.set_rows(make_rows(30), key=lambda row: row[0])
        yield table


async def test_rows_given_before_mount_show_and_loading_covers_the_table() -> None:
    app = EarlyRowsApp()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert body_numbers_no_checkbox(table)[:3] == ["P000000", "P000001", "P000002"]
        assert table.view_counts == (30, 30, 0)
        assert "P000000" in app.export_screenshot()
        table.loading = True  # Textual's own loading state: an indicator covers the rows
        await pilot.pause()
        assert "P000000" not in app.export_screenshot()
        table.loading = False
        await pilot.pause()
        assert "P000000" in app.export_screenshot()


async def test_appended_pages_join_the_sorted_filtered_view_and_the_cursor_stays() -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        table.sort_by("number", descending=True)
        table.set_filter("avery")
        assert table.cursor_key == "P000000"  # kept on its row through the sort and the filter
        await pilot.press("home", "down")
        assert table.cursor_key == "P000090"
        table.append_rows([("P000500", "Avery Smith", 1), ("P000501", "Blake Jones", 2)])
        await pilot.pause()
        assert table.cursor_key == "P000090"
        assert table.view_counts == (21, 102, 0)
        assert [row[0] for row in table.shown_rows()[:2]] == ["P000500", "P000095"]
        sorts = [m for m in app.messages if isinstance(m, VirtualTable.SortChanged)]
        assert [(m.column_key, m.descending) for m in sorts] == [("number", True)]


class UnboundFilterApp(App[None]):
    """A FilterBar without a table: the screen handles Changed and sets the count itself."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def compose(self) -> ComposeResult:
        yield FilterBar(placeholder="Search")

    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        self.values.append(message.value)
        message.filter_bar.set_count(len(message.value), 10)


async def test_an_unbound_filter_bar_posts_every_keystroke() -> None:
    app = UnboundFilterApp()
    async with app.run_test() as pilot:
        app.query_one(Input).focus()
        await pilot.press("a", "b")
        await pilot.pause()
        assert app.values == ["a", "ab"]
        assert str(app.query_one(".filter-bar--count", Label).content) == "2 of 10"
        await pilot.press("escape")
        await pilot.pause()
        assert app.values[-1] == ""
        assert str(app.query_one(".filter-bar--count", Label).content) == "10 rows"


class WideColumnsApp(App[None]):
    def compose(self) -> ComposeResult:
        columns = [Column(key, key.title(), min_width=12) for key in ("alpha", "bravo", "charlie")]
        table = VirtualTable(columns, multi_select=False)
        table.set_rows([("a1", "b1", "c1"), ("a2", "b2", "c2")])
        yield table


async def test_columns_that_cannot_fit_scroll_horizontally() -> None:
    app = WideColumnsApp()
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.virtual_size.width == 3 * 12 + 2 > table.scrollable_content_region.width
        assert lines(table)[0].startswith("Alpha") and "Charlie" not in lines(table)[0]
        for _ in range(30):
            await pilot.press("right")  # scrolls the header and the rows together
        await pilot.pause()
        assert "Charlie" in lines(table)[0]
        assert "c1" in lines(table)[1] and "a1" not in lines(table)[1]


async def test_move_cursor_to_key_says_whether_the_cursor_moves() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        app.messages.clear()
        assert table.move_cursor_to_key("P000042")
        await pilot.pause()
        assert table.cursor_key == "P000042"
        assert [m.row_key for m in app.messages if isinstance(m, VirtualTable.CursorMoved)] == ["P000042"]
        assert not table.move_cursor_to_key("P000042"), "already under the cursor: nothing moves"
        assert not table.move_cursor_to_key("P999999"), "not a row: nothing moves"
        table.set_filter("P00001")
        await pilot.pause()
        assert not table.move_cursor_to_key("P000042"), "filtered out: not shown"
        assert table.cursor_key != "P000042"


class ReprCounted(tuple):  # type: ignore[type-arg]
    """A row that counts how often it is formatted with repr()."""

    formatted: list[str] = []

    def __repr__(self) -> str:
        ReprCounted.formatted.append(self[0])
        return super().__repr__()


async def test_the_background_search_index_never_formats_the_rows() -> None:
    # Textual describes a worker by repr() of its work unless told otherwise: for the search index that
    # formatted every row on the event loop (0.4 s for 200,000 rows), only to keep 1,000 characters.
    ReprCounted.formatted.clear()
    rows = [ReprCounted(row) for row in make_rows(500)]
    app = TableApp(rows)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.model.has_search_index
        assert ReprCounted.formatted == []
