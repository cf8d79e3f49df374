"""FilterBar: the type-ahead filter for a VirtualTable, with the count of rows it lets through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input, Label

from ssp_tui.widgets.table_model import describe_counts
from ssp_tui.widgets.virtual_table import VirtualTable


class FilterBar(Horizontal):
    """An Input whose every keystroke filters a table at once (no debounce: a keystroke is one pass over
    prebuilt lowercase strings), and a count such as "1,234 of 100,000".

    Give `table` (a CSS selector of a VirtualTable on the same screen) and the bar drives it and keeps its
    count by itself; without it, handle FilterBar.Changed and call set_count.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "clear", "Clear filter", show=False, tooltip="Clear the filter", id="filter_bar.clear"
        ),
        Binding(
            "down",
            "focus_table",
            "To table",
            show=False,
            tooltip="Move to the table",
            id="filter_bar.focus_table",
        ),
    ]

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        width: 1fr;
        & > Input { width: 1fr; }
        & > .filter-bar--count { width: auto; padding: 0 1; color: $text-muted; }
    }
    """

    @dataclass
    class Changed(Message):
        """The filter text changed (posted on every keystroke)."""

        filter_bar: FilterBar
        value: str

        @property
        def control(self) -> FilterBar:
            return self.filter_bar

    def __init__(
        self,
        table: str | None = None,
        *,
        placeholder: str = "Filter (type to narrow the list)",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._table_selector = table
        self._placeholder = placeholder
        self._table: VirtualTable | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder, compact=True)
        yield Label("", classes="filter-bar--count")

    def on_mount(self) -> None:
        if self._table_selector is not None:
            # After the first refresh, so a table composed after this bar is mounted too.
            self.call_after_refresh(self._bind_table)

    def _bind_table(self) -> None:
        try:
            table = self.screen.query_one(self._table_selector or "", VirtualTable)
        except NoMatches:
            raise ValueError(f"FilterBar: no VirtualTable matches {self._table_selector!r}") from None
        self._table = table
        self.watch(table, "view_counts", self._show_table_counts, init=True)
        if self.value:
            table.set_filter(self.value)

    @property
    def value(self) -> str:
        return self.query_one(Input).value

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(Input).value = text

    def set_count(self, shown: int, total: int, selected: int = 0) -> None:
        """Show how many rows pass the filter (for a bar not bound to a table)."""
        self.query_one(".filter-bar--count", Label).update(
            describe_counts(shown, total, selected, filtered=bool(self.value.strip()))
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._table is not None:
            self._table.set_filter(event.value)
        self.post_message(self.Changed(self, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_table()

    def action_clear(self) -> None:
        self.value = ""

    def action_focus_table(self) -> None:
        if self._table is not None:
            self._table.focus()

    def _show_table_counts(self, counts: tuple[int, int, int]) -> None:
        self.set_count(*counts)
