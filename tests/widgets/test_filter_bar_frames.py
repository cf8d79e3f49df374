"""A filter keystroke reaches the screen as one layout and one frame (issue 23: 200,000 rows at a keystroke).

The screen's layouts are counted through its `_refresh_layout`, the one place Textual lays a screen out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column
from ssp_tui.widgets.table_model import describe_counts
from ssp_tui.widgets.virtual_table import VirtualTable

COLUMNS = [Column("number", "Policy #"), Column("holder", "Policyholder")]
ROWS = [(f"P{i:04d}", f"Holder {i % 7}") for i in range(1000)]


class SummaryApp(App[None]):
    """A bound filter, its table, and a summary that follows the table's counts (as Seminars has)."""

    def compose(self) -> ComposeResult:
        yield FilterBar(table="#table")
        yield VirtualTable(COLUMNS, multi_select=False, id="table")
        yield Static("", id="summary")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        self.watch(table, "view_counts", self.show_summary, init=False)
        table.set_rows(ROWS, key=lambda row: row[0])

    def show_summary(self, counts: tuple[int, int, int]) -> None:
        self.query_one("#summary", Static).update(f"{counts[0]} shown")


def count_layouts(app: App[None]) -> list[tuple[str, str, str]]:
    """What the screen holds each time it is laid out: the text typed, the table's filter, the summary."""
    screen = app.screen
    layouts: list[tuple[str, str, str]] = []
    lay_out: Callable[..., None] = screen._refresh_layout

    def counted(*args: object, **kwargs: object) -> None:
        table = app.query_one(VirtualTable)
        summary = str(app.query_one("#summary", Static).content)
        layouts.append((app.query_one(Input).value, table.filter_text, summary))
        lay_out(*args, **kwargs)

    screen._refresh_layout = counted  # type: ignore[method-assign]
    return layouts


async def test_a_keystroke_is_laid_out_and_drawn_once_with_everything_it_changed() -> None:
    app = SummaryApp()
    async with app.run_test(size=(80, 16)) as pilot:
        app.query_one(Input).focus()
        await pilot.pause()
        table = app.query_one(VirtualTable)
        count = app.query_one(".filter-bar--count", Static)
        for text in ("9", "99", "9", ""):
            await asyncio.sleep(0.05)  # the screen idle, as between a person's keys
            layouts = count_layouts(app)
            await pilot.press("backspace" if len(text) < len(app.query_one(Input).value) else text[-1])
            await pilot.pause()
            shown = table.view_counts[0]
            # One layout, with the rows, the count and the summary already changed. It was three: the
            # screen drew the new text before the filter's widgets asked to be repainted, and the count's
            # change of width ("1,000 rows" -> "280 of 1,000") asked for another layout after it.
            assert layouts == [(text, text, f"{shown} shown")], text
            assert str(count.content) == describe_counts(shown, 1000, filtered=bool(text))
