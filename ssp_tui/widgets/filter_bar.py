"""FilterBar: the type-ahead filter for a VirtualTable, with the count of rows it lets through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input, Label

from ssp_tui.widgets.table_model import describe_counts
from ssp_tui.widgets.virtual_table import VirtualTable


class FilterCount(Label):
    """The count beside the filter: as wide as its text, and its change of width costs no second layout."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual asks for another full layout of the screen whenever a widget's virtual size changes in a
        # layout (virtual_size is a layout reactive). A label's is only its text's size, which the layout
        # that is running has just placed, so on every keystroke that changed the count's width ("1,234 of
        # 200,000" -> "12 of 200,000") the whole screen was laid out and drawn twice more for nothing.
        return super()._size_updated(size, virtual_size, container_size, layout=False)


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
        yield FilterCount("", classes="filter-bar--count")

    def on_mount(self) -> None:
        # Filter as the value changes, inside the key's own handling, not from the Input.Changed message: the
        # table, the count and whatever watches them then ask for their repaint before the Input's own does,
        # and the screen draws them all in one frame. From the message, the screen drew the new text first,
        # then (a frame later) the rows, counts and summary, twice the work and the keystroke's whole effect
        # a frame late.
        self.watch(self.query_one(Input), "value", self._value_changed, init=False)
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
        event.stop()  # FilterBar.Changed says it (posted by _value_changed)

    def _value_changed(self, value: str) -> None:
        if self._table is not None:
            self._table.set_filter(value)
        self.post_message(self.Changed(self, value))

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
