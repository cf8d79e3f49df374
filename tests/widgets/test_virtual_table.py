"""VirtualTable and FilterBar in a real (headless) Textual app, driven through Pilot."""

from __future__ import annotations

from table_apps import ROW_COUNT, TableApp, body_numbers, lines, make_rows
from textual import events
from textual.widgets import Label

from ssp_tui.widgets.virtual_table import VirtualTable


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
