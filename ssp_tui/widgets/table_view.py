"""TableView: draws a TableModel on Textual's Line API; VirtualTable adds the keys, mouse and messages.

Only the lines on screen are rendered (render_line), so 100,000 rows cost no more than 40: rows are kept as
given and a row's cells are formatted only when it is drawn. The header is line 0 and never scrolls
vertically; row lines follow the scroll offset.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ssp_tui.widgets.table_columns import (
    Column,
    comfortable_width,
    fit_widths,
    natural_widths,
    overflowing_whole_columns,
)
from ssp_tui.widgets.table_lines import (
    CHECKBOX_CELLS,
    COLUMN_GAP,
    LineStyles,
    header_labels,
    line_strip,
    message_strip,
)
from ssp_tui.widgets.table_model import TableModel

GAP_CELLS = len(COLUMN_GAP)


class TableView(ScrollView):
    """The drawing half of VirtualTable: fitted columns, header, rows, cursor and selection styles."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--selected",
        "virtual-table--even-row",
        "virtual-table--empty",
        "virtual-table--cell",
    }

    DEFAULT_CSS = """
    TableView {
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
        &:focus > .virtual-table--cell { text-style: bold underline; }
    }
    """

    zebra_stripes: reactive[bool] = reactive(False)

    def __init__(
        self,
        model: TableModel,
        *,
        multi_select: bool,
        zebra_stripes: bool,
        empty_text: str,
        name: str | None,
        id: str | None,
        classes: str | None,
        disabled: bool,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._model = model
        self.multi_select = multi_select
        self.empty_text = empty_text
        self.set_reactive(TableView.zebra_stripes, zebra_stripes)
        self._natural_widths = natural_widths(model.columns, ())
        self._widths = list(self._natural_widths)
        self._fitted_for: int | None = None
        self._widening = False
        self._all_shown_selected: bool | None = None
        self._pass_styles: LineStyles | None = None
        self._cell_column = 0
        """The column of the cell cursor in the cursor row (table_cells.py moves it)."""

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._model.columns

    def column_at(self, x: int) -> Column | None:
        """The column drawn at cell x of the (scrolled) line, or None for the checkbox and the gaps."""
        start = CHECKBOX_CELLS + GAP_CELLS if self.multi_select else 0
        for column, width in zip(self.columns, self._widths, strict=True):
            if start <= x < start + width:
                return column
            start += width + GAP_CELLS
        return None

    def _remeasure(self, rows_sampled: int) -> None:
        """Measure the natural widths again from the first rows, and refit them to the screen."""
        wanted = self._wanted_width()
        self._natural_widths = natural_widths(self.columns, self._model.sample_texts(rows_sampled))
        self._fitted_for = None
        self._refit()
        if self._wanted_width() != wanted:
            # A container sized to the table (width: auto) follows what the rows need.
            self.refresh(layout=True)

    def _wanted_width(self) -> int:
        """Cells a row needs with every column at its natural width (checkbox included)."""
        return self._checkbox_space() + comfortable_width(self.columns, self._natural_widths, GAP_CELLS)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # `width: auto` sizes the table (and a pane around it) to show every column whole, with room for
        # the vertical scrollbar.
        return self._wanted_width() + self.styles.scrollbar_size_vertical

    def _widen_for(self, texts: list[str]) -> None:
        """A drawn row holds a number wider than its column (beyond the rows measured): widen the column
        after this pass, so no id or amount is ever shown cut."""
        overflowing = overflowing_whole_columns(self.columns, self._widths, texts)
        if not overflowing:
            return
        for position in overflowing:
            self._natural_widths[position] = max(self._natural_widths[position], cell_len(texts[position]))
        if not self._widening:
            self._widening = True
            self.call_later(self._apply_widening)

    def _apply_widening(self) -> None:
        self._widening = False
        self._fitted_for = None
        self._refit()
        self.refresh(layout=True)

    # Geometry ----------------------------------------------------------------------------------

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
        return CHECKBOX_CELLS + GAP_CELLS if self.multi_select else 0

    def _refit(self) -> None:
        """Fit the column widths to the width on screen (cheap: the natural widths are already measured)."""
        available = self.scrollable_content_region.width
        if available <= 0 or available == self._fitted_for:
            return
        self._fitted_for = available
        columns_space = available - self._checkbox_space()
        self._widths = fit_widths(self.columns, self._natural_widths, columns_space, GAP_CELLS)
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = self._checkbox_space() + sum(self._widths) + GAP_CELLS * (len(self._widths) - 1)
        self.virtual_size = Size(width, self._model.shown_count + 1)
        # Whether the vertical scrollbar shows follows from the rows: settled now, it is in the layout this
        # change asks for. Left to Textual, that layout finds it changed and asks for a second one of the
        # whole screen (10-40 ms on the large book's Policy Services, before its documents were shown).
        self._refresh_scrollbars()

    def on_resize(self, event: events.Resize) -> None:
        self._refit()
        self._scroll_cursor_into_view()

    def watch_zebra_stripes(self) -> None:
        self.refresh()

    # Drawing -----------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The vertical scrollbar appearing narrows the content without a resize event: refit here.
        self._refit()
        # Resolve the styles once per pass: `rich_style` walks the ancestors and costs more than a row.
        self._pass_styles = self._line_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def _line_styles(self) -> LineStyles:
        base = self.rich_style
        component = self.get_component_rich_style
        return LineStyles(
            base=base,
            header=base + component("virtual-table--header"),
            even=component("virtual-table--even-row"),
            selected=component("virtual-table--selected"),
            cursor=component("virtual-table--cursor"),
            cell=component("virtual-table--cell", partial=True),
            empty=base + component("virtual-table--empty"),
            width=self.scrollable_content_region.width,
        )

    def render_line(self, y: int) -> Strip:
        styles = self._pass_styles or self._line_styles()
        width = styles.width
        scroll_x, scroll_y = self.scroll_offset
        model = self._model
        if y == 0:
            labels = header_labels(self.columns, model.sort_column, model.sort_descending)
            checked = self._shown_all_selected() if self.multi_select else None
            return line_strip(labels, self.columns, self._widths, checked, styles.header, (scroll_x, width))
        if model.shown_count == 0:
            if y != 1:
                return Strip.blank(width, styles.base)
            text = f"No rows match “{model.filter_text.strip()}”" if model.row_count else self.empty_text
            return message_strip(text, width, styles.empty)
        position = scroll_y + y - 1
        if position >= model.shown_count:
            return Strip.blank(width, styles.base)
        index = model.row_index(position)
        selected = model.is_selected(index)
        even = self.zebra_stripes and position % 2 == 1
        cursor = position == model.cursor
        style = styles.row(even=even, selected=selected, cursor=cursor)
        checked = selected if self.multi_select else None
        texts = model.texts(index)
        self._widen_for(texts)
        cell = (self._cell_column, style + styles.cell) if cursor and styles.cell else None
        return line_strip(texts, self.columns, self._widths, checked, style, (scroll_x, width), cell=cell)

    def _shown_all_selected(self) -> bool:
        """Whether the header checkbox is ticked (cached: it is a pass over every shown row)."""
        if self._all_shown_selected is None:
            self._all_shown_selected = self._model.all_shown_selected()
        return self._all_shown_selected
