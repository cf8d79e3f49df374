"""The cell cursor of a VirtualTable: Left/Right choose a column of the cursor row, and the cell or the whole
row is copied to the clipboard (OSC 52, ``App.copy_to_clipboard``).

The copy keys are capitals (``C`` a cell, ``Y`` a row) because a focused table's keys come before its
screen's, and several screens already give ``c`` and ``y`` a meaning of their own (change requests, copy the
summary, Pay online). What is copied is the text the table shows, with tabs and line breaks turned into spaces
(a row is tab-separated) and control sequences removed once more: portal text is cleaned where it enters the
client (``ssp_tui/text_safety.py``), and a clipboard is another terminal's input.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from ssp_tui.text_safety import strip_controls
from ssp_tui.widgets.table_view import TableView


def clipboard_cell(text: str) -> str:
    """One cell's text as it may go to the clipboard: one line, no tab, no control sequence."""
    return " ".join(strip_controls(text).replace("\t", " ").splitlines()).strip()


class CellTable(TableView):
    """A TableView with a column cursor and the copy keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left",
            "cell_left",
            "Column left",
            show=False,
            tooltip="The cell to the left",
            id="table.cell_left",
        ),
        Binding(
            "right",
            "cell_right",
            "Column right",
            show=False,
            tooltip="The cell to the right",
            id="table.cell_right",
        ),
        Binding("C", "copy_cell", "Copy cell", tooltip="Copy the highlighted cell", id="table.copy_cell"),
        Binding(
            "Y", "copy_row", "Copy row", tooltip="Copy the row as tab-separated text", id="table.copy_row"
        ),
    ]

    @property
    def cell_column(self) -> int:
        """The column of the cell cursor (an index into ``columns``)."""
        return self._cell_column

    def action_cell_left(self) -> None:
        self._move_cell(self._cell_column - 1)

    def action_cell_right(self) -> None:
        self._move_cell(self._cell_column + 1)

    def action_copy_cell(self) -> None:
        texts = self._cursor_texts()
        if texts is None:
            return
        column = self.columns[self._cell_column]
        text = clipboard_cell(texts[self._cell_column])
        self.app.copy_to_clipboard(text)
        self.notify(f"{column.label}: {text}", title="Copied", markup=False)

    def action_copy_row(self) -> None:
        texts = self._cursor_texts()
        if texts is None:
            return
        self.app.copy_to_clipboard("\t".join(clipboard_cell(text) for text in texts))
        self.notify(f"{len(texts)} cells, tab-separated", title="Row copied", markup=False)

    def _cursor_texts(self) -> list[str] | None:
        index = self._model.cursor_index
        return None if index is None else self._model.texts(index)

    def _move_cell(self, column: int) -> None:
        column = max(0, min(column, len(self.columns) - 1))
        self._cell_column = column
        # Bring the whole cell on screen (the columns may be wider than the table).
        start = self._checkbox_space() + sum(self._widths[:column]) + column
        end = start + self._widths[column]
        left, width = self.scroll_offset.x, self.scrollable_content_region.width
        if start < left or end - start > width:
            self.scroll_to(x=start, animate=False, force=True)
        elif end > left + width:
            self.scroll_to(x=end - width, animate=False, force=True)
        self.refresh()
