"""VirtualTable: a table for very large lists (100,000 rows show at once) on Textual's Line API.

Filtering, sorting, the cursor and the selection live in TableModel (no Textual); TableView draws them;
this module maps keys and the mouse onto them and tells the rest of the app through messages.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import var
from textual.worker import get_current_worker

from ssp_tui.widgets.table_cells import CellTable
from ssp_tui.widgets.table_columns import Column, Row
from ssp_tui.widgets.table_keys import TABLE_BINDINGS
from ssp_tui.widgets.table_lines import CHECKBOX_CELLS
from ssp_tui.widgets.table_model import RowKey, TableModel

WIDTH_SAMPLE_ROWS = 500
"""Column widths are fitted from this many rows plus the header; the rest are truncated with an ellipsis."""


class VirtualTable(CellTable, can_focus=True):
    """A virtual table: cursor, sorting, type-ahead filter and multi-select over any number of plain rows."""

    BINDINGS: ClassVar[list[BindingType]] = TABLE_BINDINGS

    view_counts: var[tuple[int, int, int]] = var((0, 0, 0), init=False)
    """(shown, total, selected): watch it to show a count (FilterBar does)."""

    @dataclass
    class CursorMoved(Message):
        """The cursor moved to another row (or the view emptied: row_key and row are None)."""

        table: VirtualTable
        row_key: RowKey | None
        row: Row | None
        position: int
        """The cursor's position among the shown rows (-1 when none are shown)."""

        @property
        def control(self) -> VirtualTable:
            return self.table

    @dataclass
    class SelectionChanged(Message):
        """The set of selected rows changed."""

        table: VirtualTable
        selected_keys: frozenset[Hashable]

        @property
        def control(self) -> VirtualTable:
            return self.table

    @dataclass
    class RowActivated(Message):
        """Enter or a double click on a row."""

        table: VirtualTable
        row_key: RowKey
        row: Row

        @property
        def control(self) -> VirtualTable:
            return self.table

    @dataclass
    class SortChanged(Message):
        """The rows were sorted by a column."""

        table: VirtualTable
        column_key: str
        descending: bool

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        multi_select: bool = True,
        zebra_stripes: bool = False,
        empty_text: str = "No rows",
        index_in_background: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            TableModel(columns),
            multi_select=multi_select,
            zebra_stripes=zebra_stripes,
            empty_text=empty_text,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )
        self.index_in_background = index_in_background
        """Build the filter's search index in a thread after rows arrive (else on the first keystroke)."""

    # Public API -------------------------------------------------------------------------------------------

    @property
    def model(self) -> TableModel:
        """The rows, view, cursor and selection (read it; change them through the table's methods)."""
        return self._model

    @property
    def selected_keys(self) -> frozenset[Hashable]:
        return self._model.selected_keys

    @property
    def cursor_key(self) -> RowKey | None:
        return self._model.cursor_key

    @property
    def cursor_row(self) -> Row | None:
        index = self._model.cursor_index
        return None if index is None else self._model.row(index)

    @property
    def filter_text(self) -> str:
        return self._model.filter_text

    def set_rows(self, rows: Iterable[Row], key: Callable[[Row], RowKey] | None = None) -> None:
        """Show these rows (replacing any). `key(row)` gives a unique, stable key (None: the row's position).

        Cheap for any number of rows: widths are fitted from the first rows only, and the search index for
        the filter is built in a background thread once the rows are shown.
        """
        before = (self._model.cursor_key, self._model.selected_keys)
        try:
            self._model.set_rows(rows, key)
        finally:  # refused rows (duplicate keys) leave an empty table, drawn as such
            self._remeasure(WIDTH_SAMPLE_ROWS)
            self._after_rows_changed(before)

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add rows (e.g. the next page), keeping sort, filter, cursor and selection."""
        before = (self._model.cursor_key, self._model.selected_keys)
        sampled = self._model.row_count < WIDTH_SAMPLE_ROWS
        self._model.append_rows(rows)
        if sampled:
            self._remeasure(WIDTH_SAMPLE_ROWS)
        self._after_rows_changed(before)

    def clear(self) -> None:
        """Remove every row."""
        self.set_rows([])

    def set_filter(self, text: str) -> None:
        """Show only rows whose text contains every word of `text` (case-insensitive); "" shows all."""
        before = self._model.cursor_key
        self._model.set_filter(text)
        self._view_changed(cursor_before=before)

    def sort_by(self, column_key: str, descending: bool | None = None) -> None:
        """Sort by a column (stable); `descending=None` toggles the direction when already sorted by it."""
        before = self._model.cursor_key
        self._model.sort_by(column_key, descending)
        self.post_message(self.SortChanged(self, column_key, self._model.sort_descending))
        self._view_changed(cursor_before=before)

    def move_cursor(self, position: int) -> None:
        """Put the cursor on the row at this position among the shown rows (clamped)."""
        if self._model.move_cursor(position):
            self._cursor_changed()

    def move_cursor_to_key(self, row_key: RowKey) -> bool:
        """Put the cursor on the shown row with this key. False when it is not shown or already under the
        cursor, i.e. when no CursorMoved will follow."""
        model = self._model
        for position in range(model.shown_count):
            if model.key(model.row_index(position)) == row_key:
                if model.cursor_key == row_key:
                    return False
                self.move_cursor(position)
                return True
        return False

    def select_keys(self, keys: Iterable[Hashable]) -> None:
        """Select exactly these rows (keys that are not in the table are ignored)."""
        self._model.set_selected_keys(keys)
        self._selection_changed()

    def selected_rows(self) -> list[Row]:
        """The selected rows, including any the filter hides, in the shown order."""
        return self._model.selected_rows()

    def shown_rows(self) -> list[Row]:
        """The rows the filter shows, in the shown order."""
        return self._model.shown_rows()

    # Actions ----------------------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self._model.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._model.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._model.cursor - self._body_height())

    def action_page_down(self) -> None:
        self.move_cursor(self._model.cursor + self._body_height())

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(self._model.shown_count - 1)

    def action_activate(self) -> None:
        index = self._model.cursor_index
        if index is not None:
            self.post_message(self.RowActivated(self, self._model.key(index), self._model.row(index)))

    def action_toggle_selection(self) -> None:
        if self._model.toggle_cursor_row():
            self._selection_changed()

    def action_select_all(self) -> None:
        if self._model.select_shown():
            self._selection_changed()

    def action_select_none(self) -> None:
        if self._model.unselect_shown():
            self._selection_changed()

    def action_extend_up(self) -> None:
        self._extend(-1)

    def action_extend_down(self) -> None:
        self._extend(1)

    def action_sort_next_column(self) -> None:
        keys = [column.key for column in self.columns]
        current = self._model.sort_column
        following = 0 if current is None else (keys.index(current) + 1) % len(keys)
        self.sort_by(keys[following], descending=False)

    def action_reverse_sort(self) -> None:
        column = self._model.sort_column or self.columns[0].key
        self.sort_by(column, descending=not self._model.sort_descending)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Selection keys exist only when the table allows selecting."""
        if action in {"toggle_selection", "select_all", "select_none", "extend_up", "extend_down"}:
            return self.multi_select
        return True

    # Mouse ------------------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x = offset.x + self.scroll_offset.x
        if offset.y == 0:
            self._click_header(x)
            return
        position = self.scroll_offset.y + offset.y - 1
        if position >= self._model.shown_count:
            return
        event.stop()
        if self.multi_select and x < CHECKBOX_CELLS:
            self._model.toggle_position(position)
            self._cursor_changed()
            self._selection_changed()
            return
        self.move_cursor(position)
        if event.chain == 2:
            self.action_activate()

    def _click_header(self, x: int) -> None:
        if self.multi_select and x < CHECKBOX_CELLS:
            if self._shown_all_selected():
                self.action_select_none()
            else:
                self.action_select_all()
            return
        column = self.column_at(x)
        if column is not None:
            self.sort_by(column.key)

    # Internals: state changes -----------------------------------------------------------------------------

    def _extend(self, delta: int) -> None:
        if not self.multi_select:
            return
        self._model.extend_selection(delta)
        self._cursor_changed()
        self._selection_changed()

    def _after_rows_changed(self, before: tuple[RowKey | None, frozenset[Hashable]]) -> None:
        cursor_before, selected_before = before
        self._view_changed(cursor_before=cursor_before)
        if self._model.selected_keys != selected_before:
            self.post_message(self.SelectionChanged(self, self._model.selected_keys))
        if self.is_attached:
            # After the frame that shows the rows, so the index thread does not delay it (the GIL).
            self.call_after_refresh(self._start_search_index)

    def _start_search_index(self) -> None:
        if self.index_in_background and self._model.row_count and not self._model.has_search_index:
            # The snapshot is taken here, on the main thread; the thread only reads it and the columns.
            generation, rows = self._model.search_snapshot()
            # A description of our own: Textual's default is repr() of the work, which here formats every
            # row (0.4 s on the event loop for 200,000 rows) only to cut it to 1,000 characters.
            self.run_worker(
                partial(self._build_search_index, generation, rows),
                description=f"search index of {len(rows)} rows",
                thread=True,
                exclusive=True,
                group="index",
                exit_on_error=False,
            )

    def _build_search_index(self, generation: int, rows: list[Row]) -> None:
        """Worker thread: index the rows for the filter so the first keystroke is as quick as the rest."""
        texts = self._model.build_search_texts(rows)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._model.adopt_search_texts, generation, texts)

    def _view_changed(self, cursor_before: RowKey | None) -> None:
        self._all_shown_selected = None
        self._update_counts()
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()
        if self._model.cursor_key != cursor_before:
            self._post_cursor_moved()

    def _cursor_changed(self) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_cursor_moved()

    def _selection_changed(self) -> None:
        self._all_shown_selected = None
        self._update_counts()
        self.refresh()
        self.post_message(self.SelectionChanged(self, self._model.selected_keys))

    def _post_cursor_moved(self) -> None:
        model = self._model
        self.post_message(self.CursorMoved(self, model.cursor_key, self.cursor_row, model.cursor))

    def _update_counts(self) -> None:
        model = self._model
        self.view_counts = (model.shown_count, model.row_count, model.selected_count)

    def on_mount(self) -> None:
        # ScrollView's own on_mount runs too: Textual calls the handler of every class in the MRO.
        self._update_virtual_size()
        self.call_after_refresh(self._start_search_index)
