"""VirtualTable: a table for very large lists on Textual's Line API.

Only the lines on screen are rendered (render_line), so 100,000 rows show at once: rows are kept as given
and a row's cells are formatted only when it is drawn. Filtering, sorting, the cursor and the selection
live in TableModel (no Textual); this module draws them and maps keys and the mouse onto them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from ssp_tui.widgets.table_columns import Column, Row, fit_cell, fit_widths, natural_widths
from ssp_tui.widgets.table_model import RowKey, TableModel

WIDTH_SAMPLE_ROWS = 500
"""Column widths are fitted from this many rows plus the header; the rest are truncated with an ellipsis."""
COLUMN_GAP = 1
CHECKBOX_CELLS = 3
CHECKED, UNCHECKED = "[x]", "[ ]"
SORT_ARROWS = {False: " ▲", True: " ▼"}


class _LineStyles(NamedTuple):
    """The styles of one render pass (and the width drawn)."""

    base: Style
    header: Style
    even: Style
    selected: Style
    cursor: Style
    empty: Style
    width: int


class VirtualTable(ScrollView, can_focus=True):
    """A virtual table: cursor, sorting, type-ahead filter and multi-select over any number of plain rows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, tooltip="Move the cursor up one row"),
        Binding("down", "cursor_down", "Down", show=False, tooltip="Move the cursor down one row"),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="Move the cursor up one screen"),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="Move the cursor down one screen"),
        Binding("home", "cursor_first", "First", show=False, tooltip="Go to the first row"),
        Binding("end", "cursor_last", "Last", show=False, tooltip="Go to the last row"),
        Binding("enter", "activate", "Open", tooltip="Open the highlighted row"),
        Binding("space", "toggle_selection", "Select", tooltip="Select or unselect the highlighted row"),
        Binding("shift+up", "extend_up", "Extend up", show=False, tooltip="Extend the selection upwards"),
        Binding("shift+down", "extend_down", "Extend down", show=False, tooltip="Extend the selection down"),
        Binding("a", "select_all", "All", tooltip="Select every row the filter shows"),
        Binding("n", "select_none", "None", tooltip="Unselect every row the filter shows"),
        Binding("s", "sort_next_column", "Sort", tooltip="Sort by the next column"),
        Binding("S", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--selected",
        "virtual-table--even-row",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--selected { background: $accent 30%; }
        & > .virtual-table--even-row { background: $surface-lighten-1 50%; }
        & > .virtual-table--empty { color: $text-muted; text-style: italic; }
    }
    """

    zebra_stripes: reactive[bool] = reactive(False)
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
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._model = TableModel(columns)
        self.multi_select = multi_select
        self.empty_text = empty_text
        self.index_in_background = index_in_background
        """Build the filter's search index in a thread after rows arrive (else on the first keystroke)."""
        self.set_reactive(VirtualTable.zebra_stripes, zebra_stripes)
        self._natural_widths = natural_widths(self._model.columns, ())
        self._widths = list(self._natural_widths)
        self._fitted_for: int | None = None
        self._all_shown_selected: bool | None = None
        self._pass_styles: _LineStyles | None = None

    # Public API -------------------------------------------------------------------------------------------

    @property
    def model(self) -> TableModel:
        """The rows, view, cursor and selection (read it; change them through the table's methods)."""
        return self._model

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._model.columns

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
        self._model.set_rows(rows, key)
        self._natural_widths = natural_widths(self.columns, self._model.sample_texts(WIDTH_SAMPLE_ROWS))
        self._after_rows_changed(before)

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add rows (e.g. the next page), keeping sort, filter, cursor and selection."""
        before = (self._model.cursor_key, self._model.selected_keys)
        sampled = self._model.row_count < WIDTH_SAMPLE_ROWS
        self._model.append_rows(rows)
        if sampled:
            self._natural_widths = natural_widths(self.columns, self._model.sample_texts(WIDTH_SAMPLE_ROWS))
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
        start = 0
        if self.multi_select:
            if x < CHECKBOX_CELLS:
                if self._shown_all_selected():
                    self.action_select_none()
                else:
                    self.action_select_all()
                return
            start = CHECKBOX_CELLS + COLUMN_GAP
        for column, width in zip(self.columns, self._widths, strict=True):
            if start <= x < start + width:
                self.sort_by(column.key)
                return
            start += width + COLUMN_GAP

    # Internals: state changes -----------------------------------------------------------------------------

    def _extend(self, delta: int) -> None:
        if not self.multi_select:
            return
        self._model.extend_selection(delta)
        self._cursor_changed()
        self._selection_changed()

    def _after_rows_changed(self, before: tuple[RowKey | None, frozenset[Hashable]]) -> None:
        cursor_before, selected_before = before
        self._fitted_for = None
        self._refit()
        self._view_changed(cursor_before=cursor_before)
        if self._model.selected_keys != selected_before:
            self.post_message(self.SelectionChanged(self, self._model.selected_keys))
        if self.is_attached:
            # After the frame that shows the rows, so the index thread does not delay it (the GIL).
            self.call_after_refresh(self._start_search_index)

    def _start_search_index(self) -> None:
        if self.index_in_background and self._model.row_count and not self._model.has_search_index:
            self.run_worker(
                self._build_search_index, thread=True, exclusive=True, group="index", exit_on_error=False
            )

    def _build_search_index(self) -> None:
        """Worker thread: index the rows for the filter so the first keystroke is as quick as the rest."""
        generation, rows = self._model.search_snapshot()
        texts = self._model.build_search_texts(rows)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._model.adopt_search_texts, generation, texts)

    def _view_changed(self, cursor_before: RowKey | None) -> None:
        self._all_shown_selected = None
        self._update_counts()
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()
        if self._model.cursor_key != cursor_before or cursor_before is None:
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

    # Internals: geometry ----------------------------------------------------------------------------------

    def _body_height(self) -> int:
        """Rows visible below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        cursor = self._model.cursor
        if cursor < 0:
            return
        top = self.scroll_offset.y
        body = self._body_height()
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, force=True)
        elif cursor >= top + body:
            self.scroll_to(y=cursor - body + 1, animate=False, force=True)

    def _checkbox_space(self) -> int:
        return CHECKBOX_CELLS + COLUMN_GAP if self.multi_select else 0

    def _refit(self) -> None:
        """Fit the column widths to the width on screen (cheap: the natural widths are already measured)."""
        available = self.scrollable_content_region.width
        if available <= 0 or available == self._fitted_for:
            return
        self._fitted_for = available
        columns_space = available - self._checkbox_space()
        self._widths = fit_widths(self.columns, self._natural_widths, columns_space, COLUMN_GAP)
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = self._checkbox_space() + sum(self._widths) + COLUMN_GAP * (len(self._widths) - 1)
        self.virtual_size = Size(width, self._model.shown_count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._refit()
        self._scroll_cursor_into_view()

    def on_mount(self) -> None:
        # ScrollView's own on_mount runs too: Textual calls the handler of every class in the MRO.
        self._update_virtual_size()
        self.call_after_refresh(self._start_search_index)

    def watch_zebra_stripes(self) -> None:
        self.refresh()

    # Internals: drawing -----------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The vertical scrollbar appearing narrows the content without a resize event: refit here.
        self._refit()
        # Resolve the styles once per pass: `rich_style` walks the ancestors and costs more than a row.
        self._pass_styles = self._line_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def _line_styles(self) -> _LineStyles:
        base = self.rich_style
        component = self.get_component_rich_style
        return _LineStyles(
            base=base,
            header=base + component("virtual-table--header"),
            even=component("virtual-table--even-row"),
            selected=component("virtual-table--selected"),
            cursor=component("virtual-table--cursor"),
            empty=base + component("virtual-table--empty"),
            width=self.scrollable_content_region.width,
        )

    def render_line(self, y: int) -> Strip:
        styles = self._pass_styles or self._line_styles()
        width = styles.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            header = styles.header
            return self._header_strip(header).crop_extend(scroll_x, scroll_x + width, header)
        model = self._model
        if model.shown_count == 0:
            return self._empty_strip(y, styles)
        position = scroll_y + y - 1
        if position >= model.shown_count:
            return Strip.blank(width, styles.base)
        style = self._row_style(position, styles)
        strip = self._row_strip(model.row_index(position), style)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _row_style(self, position: int, styles: _LineStyles) -> Style:
        model = self._model
        style = styles.base
        if self.zebra_stripes and position % 2:
            style += styles.even
        if model.is_selected(model.row_index(position)):
            style += styles.selected
        if position == model.cursor:
            style += styles.cursor
        return style

    def _row_strip(self, index: int, style: Style) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" " * COLUMN_GAP, style)
        if self.multi_select:
            segments += [Segment(CHECKED if self._model.is_selected(index) else UNCHECKED, style), gap]
        texts = self._model.texts(index)
        for column, width, text in zip(self.columns, self._widths, texts, strict=True):
            segments += [Segment(fit_cell(text, width, column.align), style), gap]
        return Strip(segments[:-1])

    def _header_strip(self, style: Style) -> Strip:
        model = self._model
        segments: list[Segment] = []
        gap = Segment(" " * COLUMN_GAP, style)
        if self.multi_select:
            segments += [Segment(CHECKED if self._shown_all_selected() else UNCHECKED, style), gap]
        for column, width in zip(self.columns, self._widths, strict=True):
            label = column.label
            if column.key == model.sort_column:
                label += SORT_ARROWS[model.sort_descending]
            segments += [Segment(fit_cell(label, width, column.align), style), gap]
        return Strip(segments[:-1])

    def _empty_strip(self, y: int, styles: _LineStyles) -> Strip:
        if y != 1:
            return Strip.blank(styles.width, styles.base)
        model = self._model
        text = f"No rows match “{model.filter_text.strip()}”" if model.row_count else self.empty_text
        return Strip([Segment(fit_cell(text, styles.width, "center"), styles.empty)], styles.width)

    def _shown_all_selected(self) -> bool:
        """Whether the header checkbox is ticked (cached: it is a pass over every shown row)."""
        if self._all_shown_selected is None:
            self._all_shown_selected = self._model.all_shown_selected()
        return self._all_shown_selected
