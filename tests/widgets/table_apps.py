"""The table app the VirtualTable tests drive, its rows, and how they read what the table shows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.message import Message

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


def body_numbers_no_checkbox(table: VirtualTable) -> list[str]:
    """The policy numbers on screen in a table without the checkbox column (multi_select off)."""
    return [line.split()[0] for line in lines(table)[1:] if line.strip()]
