"""VirtualTable and FilterBar in a real (headless) Textual app, driven through Pilot."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Input, Label

from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, format_cents
from ssp_tui.widgets.virtual_table import VirtualTable

ROW_COUNT = 100_000
HOLDERS = ["Avery Smith", "Blake Jones", "Casey Garcia", "Dana Lopez", "Evan Miller"]
COLUMNS = [
    Column("number", "Policy #"),
    Column("holder", "Policyholder"),
    Column("due", "Amount due", align="right", formatter=format_cents),
]


def make_rows(count: int = ROW_COUNT) -> list[tuple[str, str, int]]:
    # Deterministic, and "due" is distinct per row so sort order is fully known.
    return [(f"P{i:06d}", HOLDERS[i % len(HOLDERS)], (i * 7919) % count) for i in range(count)]


class TableApp(App[None]):
    def __init__(self, rows: list[tuple[str, str, int]], multi_select: bool = True) -> None:
        super().__init__()
        self.rows = rows
        self.multi_select = multi_select
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield FilterBar(table="#table", id="filter")
        yield VirtualTable(COLUMNS, multi_select=self.multi_select, id="table")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows(self.rows, key=lambda row: row[0])
        table.focus()

    def on_virtual_table_row_activated(self, message: VirtualTable.RowActivated) -> None:
        self.messages.append(message)

    def on_virtual_table_selection_changed(self, message: VirtualTable.SelectionChanged) -> None:
        self.messages.append(message)

    def on_virtual_table_cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        self.messages.append(message)

    def on_virtual_table_sort_changed(self, message: VirtualTable.SortChanged) -> None:
        self.messages.append(message)


def lines(table: VirtualTable) -> list[str]:
    """What the table shows, line by line (header first)."""
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def body_numbers(table: VirtualTable) -> list[str]:
    """The policy numbers of the rows on screen, top to bottom."""
    return [line.split()[2] for line in lines(table)[1:] if line.strip()]


async def test_100k_rows_show_the_first_rows_under_a_fixed_header() -> None:
    app = TableApp(make_rows())
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        shown = lines(table)
        assert shown[0].split()[:3] == ["[", "]", "Policy"]
        assert "Policyholder" in shown[0] and "Amount due" in shown[0]
        assert body_numbers(table) == [f"P{i:06d}" for i in range(18)]  # 20 lines - filter bar - header
        assert "$79.19" in shown[2]  # row 1: due 7919 cents, right-aligned money
        assert table.view_counts == (ROW_COUNT, ROW_COUNT, 0)
        assert str(app.query_one(".filter-bar--count", Label).content) == "100,000 rows"


async def test_cursor_keys_scroll_the_right_rows_into_view() -> None:
    app = TableApp(make_rows())
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press(*["down"] * 15)
        assert table.cursor_key == "P000015"
        assert body_numbers(table)[-1] == "P000015"  # the cursor row is the last line on screen
        await pilot.press("pagedown")  # 12 lines - filter bar - header = 10 rows a page
        assert table.cursor_key == "P000025"
        assert body_numbers(table)[-1] == "P000025"
        await pilot.press("end")
        assert table.cursor_key == "P099999"
        assert body_numbers(table)[-1] == "P099999"
        await pilot.press("home", "up")
        assert table.cursor_key == "P000000"
        assert body_numbers(table)[0] == "P000000"
        assert lines(table)[0].split()[2] == "Policy"  # the header stayed on top throughout


async def test_mouse_wheel_scrolls_without_moving_the_cursor() -> None:
    app = TableApp(make_rows())
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        for _ in range(3):
            table.post_message(events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert body_numbers(table)[0] != "P000000"
        assert table.cursor_key == "P000000"


async def test_sort_by_binding_and_header_click_ascending_then_descending() -> None:
    app = TableApp(make_rows(1_000))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press("s")  # first column (policy number), ascending
        assert table.model.sort_column == "number" and "▲" in lines(table)[0]
        await pilot.press("S")
        assert table.cursor_key == "P000000"  # the cursor stays on its row, now the last
        assert body_numbers(table)[-1] == "P000000"
        await pilot.press("home")
        assert body_numbers(table)[0] == "P000999"
        assert "▼" in lines(table)[0]
        due_x = lines(table)[0].index("Amount due")
        await pilot.click(VirtualTable, offset=(due_x, 0))
        await pilot.press("home")
        assert table.model.sort_column == "due" and not table.model.sort_descending
        assert lines(table)[1].rstrip().endswith("$0.00")
        await pilot.click(VirtualTable, offset=(due_x, 0))
        await pilot.press("home")
        assert table.model.sort_descending
        assert lines(table)[1].rstrip().endswith("$9.99")  # the largest due of 1,000 rows is 999 cents


async def test_typing_in_the_filter_bar_narrows_the_table_and_counts() -> None:
    app = TableApp(make_rows())
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        app.query_one("#filter Input").focus()
        await pilot.press(*"dana")
        await pilot.pause()
        assert table.view_counts[0] == ROW_COUNT // 5
        assert all("Dana Lopez" in line for line in lines(table)[1:])
        assert str(app.query_one(".filter-bar--count", Label).content) == "20,000 of 100,000"
        await pilot.press(*" p09999")
        await pilot.pause()
        assert body_numbers(table) == ["P099993", "P099998"]
        assert str(app.query_one(".filter-bar--count", Label).content) == "2 of 100,000"
        await pilot.press("escape")
        await pilot.pause()
        assert table.view_counts[0] == ROW_COUNT
        assert str(app.query_one(".filter-bar--count", Label).content) == "100,000 rows"
        await pilot.press("down")  # from the filter to the table
        assert table.has_focus


async def test_empty_states_say_why_nothing_shows() -> None:
    app = TableApp([])
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert lines(table)[1].strip() == "No rows"
        table.set_rows(make_rows(10), key=lambda row: row[0])
        table.set_filter("zzz")
        await pilot.pause()
        assert lines(table)[1].strip() == "No rows match “zzz”"
        assert table.cursor_key is None


async def test_selection_survives_filter_and_sort_and_select_all_respects_the_filter() -> None:
    app = TableApp(make_rows())
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press("space", "down", "down", "space")
        assert table.selected_keys == {"P000000", "P000002"}
        assert lines(table)[1].startswith("[x] P000000") and lines(table)[2].startswith("[ ] P000001")
        table.set_filter("casey")
        await pilot.press("S")  # sort descending
        await pilot.pause()
        assert table.selected_keys == {"P000000", "P000002"}
        await pilot.press("a")  # all the 20,000 Casey rows, and the two kept from before
        assert len(table.selected_keys) == 20_001
        assert lines(table)[0].startswith("[x]")
        table.set_filter("")
        await pilot.pause()
        assert table.view_counts == (ROW_COUNT, ROW_COUNT, 20_001)
        assert "P000001" not in table.selected_keys
        assert not lines(table)[0].startswith("[x]")
        await pilot.press("n")
        assert table.selected_keys == frozenset()
        selection_messages = [m for m in app.messages if isinstance(m, VirtualTable.SelectionChanged)]
        assert selection_messages[-1].selected_keys == frozenset()


async def test_shift_arrows_extend_the_selection() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press("down", "shift+down", "shift+down")
        assert table.selected_keys == {"P000001", "P000002", "P000003"}


async def test_mouse_click_moves_the_cursor_and_the_checkbox_selects() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(10, 4))
        assert table.cursor_key == "P000003"
        assert table.selected_keys == frozenset()
        await pilot.click(VirtualTable, offset=(1, 6))
        assert table.cursor_key == "P000005"
        assert table.selected_keys == {"P000005"}
        await pilot.click(VirtualTable, offset=(1, 0))  # the header checkbox: all shown rows
        assert len(table.selected_keys) == 50


async def test_enter_and_double_click_activate_the_row() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.double_click(VirtualTable, offset=(10, 3))
        await pilot.pause()
        activated = [m for m in app.messages if isinstance(m, VirtualTable.RowActivated)]
        assert [(m.row_key, m.row[1]) for m in activated] == [
            ("P000001", "Blake Jones"),
            ("P000002", "Casey Garcia"),
        ]
        moved = [m for m in app.messages if isinstance(m, VirtualTable.CursorMoved)]
        assert moved[-1].row_key == "P000002" and moved[-1].position == 2


async def test_selection_keys_do_nothing_when_multi_select_is_off() -> None:
    app = TableApp(make_rows(20), multi_select=False)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        await pilot.press("space", "a")
        assert table.selected_keys == frozenset()
        assert lines(table)[1].startswith("P000000")


async def test_resize_refits_the_columns_to_the_terminal() -> None:
    long_rows = [
        (f"P{i:06d}", "A policyholder with a rather long registered name " * 2, i) for i in range(100)
    ]
    app = TableApp(long_rows)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        wide = lines(table)[1]
        assert len(wide) == table.scrollable_content_region.width
        assert "…" in wide  # the holder column is capped at its max width
        await pilot.resize_terminal(50, 10)
        await pilot.pause()
        narrow = lines(table)[1]
        assert len(narrow) == table.scrollable_content_region.width < 50
        assert "$0.00" in narrow  # the money column is still on screen
        assert "P000000" in narrow and "A policyholder" in narrow and "…" in narrow
        assert table.virtual_size.width <= table.scrollable_content_region.width


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


def body_numbers_no_checkbox(table: VirtualTable) -> list[str]:
    return [line.split()[0] for line in lines(table)[1:] if line.strip()]


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
