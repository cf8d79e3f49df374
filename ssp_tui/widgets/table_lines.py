"""Drawing one line of a VirtualTable (header, row or message) as a Strip, from plain values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ssp_tui.widgets.table_columns import Column, fit_cell

COLUMN_GAP = " "
CHECKBOX_CELLS = 3
CHECKED, UNCHECKED = "[x]", "[ ]"
SORT_ARROWS = {False: " ▲", True: " ▼"}


class LineStyles(NamedTuple):
    """The styles of one render pass, resolved once (and the width drawn)."""

    base: Style
    header: Style
    even: Style
    selected: Style
    cursor: Style
    cell: Style
    """Added to the cursor row's style for the cell cursor (empty: not drawn, e.g. the table is unfocused)."""
    empty: Style
    width: int

    def row(self, *, even: bool, selected: bool, cursor: bool) -> Style:
        """A row's style: zebra stripe, then selection, then the cursor on top."""
        style = self.base
        if even:
            style += self.even
        if selected:
            style += self.selected
        if cursor:
            style += self.cursor
        return style


def header_labels(columns: Sequence[Column], sort_column: str | None, descending: bool) -> list[str]:
    """Column labels, the sort column's with an arrow (fitted widths leave room for it)."""
    return [
        column.label + SORT_ARROWS[descending] if column.key == sort_column else column.label
        for column in columns
    ]


def line_strip(
    texts: Sequence[str],
    columns: Sequence[Column],
    widths: Sequence[int],
    checked: bool | None,
    style: Style,
    window: tuple[int, int],
    *,
    cell: tuple[int, Style] | None = None,
) -> Strip:
    """A checkbox cell (unless `checked` is None), then each text fitted to its column, as one segment,
    cut to the cells `window` = (start, width) that are on screen (horizontal scrolling) and padded to it.
    `cell` = (column index, style): that column's cell drawn in its own style (the cell cursor)."""
    cells = [] if checked is None else [CHECKED if checked else UNCHECKED]
    for column, width, text in zip(columns, widths, texts, strict=True):
        cells.append(fit_cell(text, width, column.align))
    start, width = window
    if cell is not None and 0 <= cell[0] < len(columns):
        at = cell[0] + (checked is not None)
        before = "".join(part + COLUMN_GAP for part in cells[:at])
        after = "".join(COLUMN_GAP + part for part in cells[at + 1 :])
        segments = [Segment(before, style), Segment(cells[at], cell[1]), Segment(after, style)]
        return Strip(segments).crop_extend(start, start + width, style)
    line = COLUMN_GAP.join(cells)
    if line.isascii():
        # One character per cell: slice and pad directly, making one Strip instead of three.
        visible = line[start : start + width]
        return Strip([Segment(visible + " " * (width - len(visible)), style)], width)
    return Strip([Segment(line, style)]).crop_extend(start, start + width, style)


def message_strip(text: str, width: int, style: Style) -> Strip:
    """A line of text centred across the table (the empty states)."""
    return Strip([Segment(fit_cell(text, width, "center"), style)], width)
