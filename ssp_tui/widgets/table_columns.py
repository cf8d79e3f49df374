"""Columns of a VirtualTable: how a cell is read, shown and sorted, and how widths fit the terminal.

Pure Python (rich.cells for terminal cell widths only), so it is tested without Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import Any, Literal

from rich.cells import cell_len, set_cell_size

from ssp_tui.formatting import money

Align = Literal["left", "right", "center"]
Row = Any
"""A row is any plain Python value: a tuple or list (read by column position), a mapping (read by column key)
or an object (read by attribute named like the column key), unless the column says how to read it."""

ELLIPSIS = "…"
SORT_INDICATOR_CELLS = 2
"""Room kept beside a header label for the sort arrow, so sorting never truncates the label."""


class ColumnKind(StrEnum):
    """What a column holds, which decides whether it may be narrowed.

    A reader must be able to tell two policy numbers or two amounts apart, so every kind but TEXT is shown
    whole: its width comes from the data and never shrinks (a table too wide for the screen scrolls
    sideways instead). Only free text gives up cells, ending in an ellipsis.
    """

    TEXT = "text"
    """Names, titles, descriptions: narrowed first when the screen is narrow."""
    ID = "id"
    """Policy, account and request numbers, ids: never cut."""
    MONEY = "money"
    """Amounts: never cut."""
    NUMBER = "number"
    """Counts, sizes, credits: never cut."""
    DATE = "date"
    """Dates and times: never cut."""

    @property
    def whole(self) -> bool:
        """Shown in full, always (everything but free text)."""
        return self is not ColumnKind.TEXT


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a VirtualTable."""

    key: str
    """Identifies the column (sorting, messages); also how a mapping or object row is read by default."""
    label: str
    """The header text."""
    width: int | None = None
    """A fixed width in cells, or None to fit the width from a sample of rows and the terminal width."""
    align: Align = "left"
    """"right" for numbers and money."""
    min_width: int = 4
    """A fitted column is never narrowed below this (nor widened to it when its content is narrower)."""
    max_width: int = 60
    """A fitted column never grows past this, however long its text."""
    value: Callable[[Row], object] | None = None
    """Reads the cell value from a row; None reads by position, mapping key or attribute (see Row)."""
    formatter: Callable[[Any], str] | None = None
    """Turns the value into the cell text; None uses str() and shows None as an empty cell. Keep it pure:
    it also runs in a worker thread, building the filter's search index."""
    sort_key: Callable[[Any], Any] | None = None
    """Turns the value into the sort key; None: strings case-insensitively, other values as they are."""
    kind: ColumnKind = ColumnKind.TEXT
    """TEXT may be narrowed and ellipsized; any other kind is as wide as its widest cell (max_width does
    not apply) and is never narrowed."""

    def __post_init__(self) -> None:
        if self.width is not None and self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1, not {self.width}")
        if self.min_width < 1 or self.max_width < self.min_width:
            raise ValueError(f"column {self.key!r}: need 1 <= min_width <= max_width")
        if self.align not in ("left", "right", "center"):
            raise ValueError(f"column {self.key!r}: align must be left, right or center, not {self.align!r}")


def default_text(value: object) -> str:
    """The cell text when a column has no formatter: None is an empty cell."""
    return "" if value is None else str(value)


format_cents = money
"""Integer cents shown as dollars: the app's one money format, ``ssp_tui.formatting.money``."""


def format_count(count: int | None) -> str:
    """A whole number with thousands separators: 1234 -> "1,234"."""
    return "" if count is None else f"{count:,}"


def value_getters(columns: Sequence[Column], sample_row: Row | None) -> list[Callable[[Row], object]]:
    """One reader per column, chosen once from the shape of the first row (not per cell, for speed)."""
    getters: list[Callable[[Row], object]] = []
    for position, column in enumerate(columns):
        if column.value is not None:
            getters.append(column.value)
        elif isinstance(sample_row, tuple | list):
            getters.append(itemgetter(position))
        elif isinstance(sample_row, Mapping):
            getters.append(itemgetter(column.key))
        else:
            getters.append(attrgetter(column.key))
    return getters


def text_getters(columns: Sequence[Column], sample_row: Row | None) -> list[Callable[[Row], str]]:
    """One row -> cell text function per column."""
    getters = value_getters(columns, sample_row)
    result: list[Callable[[Row], str]] = []
    for column, get in zip(columns, getters, strict=True):
        show = column.formatter or default_text
        result.append(lambda row, get=get, show=show: show(get(row)))
    return result


def fit_cell(text: str, width: int, align: Align) -> str:
    """The text padded or truncated (with an ellipsis) to exactly `width` terminal cells."""
    # One line per cell: a newline or tab would break the row's layout.
    if "\n" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS if width > 1 else ELLIPSIS[:width]
    padding = width - length
    if align == "right":
        return " " * padding + text
    if align == "center":
        left = padding // 2
        return " " * left + text + " " * (padding - left)
    return text + " " * padding


def natural_widths(columns: Sequence[Column], sample_texts: Iterable[Sequence[str]]) -> list[int]:
    """The width each column wants: fixed, or its widest header or sampled cell, within bounds (a column
    of a whole kind has no upper bound: it is as wide as its widest cell)."""
    widest = [cell_len(column.label) + SORT_INDICATOR_CELLS for column in columns]
    for texts in sample_texts:
        for position, text in enumerate(texts):
            length = cell_len(text)
            if length > widest[position]:
                widest[position] = length
    widths: list[int] = []
    for column, want in zip(columns, widest, strict=True):
        if column.width is not None:
            widths.append(column.width)
        elif column.kind.whole:
            widths.append(max(column.min_width, want))
        else:
            widths.append(max(column.min_width, min(want, column.max_width)))
    return widths


def overflowing_whole_columns(
    columns: Sequence[Column], widths: Sequence[int], texts: Sequence[str]
) -> list[int]:
    """Positions of the whole-kind columns whose cell in `texts` is wider than its column (a row beyond
    the sample that measured the widths): the table widens those columns rather than cut the value."""
    return [
        position
        for position, column in enumerate(columns)
        if column.kind.whole and column.width is None and cell_len(texts[position]) > widths[position]
    ]


def comfortable_width(columns: Sequence[Column], natural: Sequence[int], gap: int = 1) -> int:
    """The cells a row needs to show every column at its natural width (what a pane may be sized to)."""
    return sum(natural) + gap * max(0, len(natural) - 1)


def fit_widths(columns: Sequence[Column], natural: Sequence[int], available: int, gap: int = 1) -> list[int]:
    """Narrow the widest free-text columns until the row fits `available` cells (columns separated by `gap`).

    Fixed-width columns and columns of a whole kind (ids, money, numbers, dates) keep their natural width;
    no text column goes below its min_width. When that is still too wide the row is wider than the screen
    and the table scrolls horizontally: a number is never cut, and text never turns into unreadable slivers.
    """
    widths = list(natural)
    total_gaps = gap * max(0, len(widths) - 1)
    if sum(widths) + total_gaps <= available:
        return widths
    flexible = [i for i, column in enumerate(columns) if column.width is None and not column.kind.whole]
    floors = {i: min(columns[i].min_width, natural[i]) for i in flexible}
    fixed_total = sum(widths[i] for i in range(len(widths)) if i not in floors) + total_gaps

    def total_at(cap: int) -> int:
        return fixed_total + sum(max(floors[i], min(natural[i], cap)) for i in flexible)

    if not flexible or total_at(0) > available:
        return [floors.get(i, width) for i, width in enumerate(widths)]
    # Largest cap that fits (binary search), then hand out the cells left over one by one to capped columns.
    low, high = 0, max(natural[i] for i in flexible)
    while low < high:
        middle = (low + high + 1) // 2
        if total_at(middle) <= available:
            low = middle
        else:
            high = middle - 1
    for i in flexible:
        widths[i] = max(floors[i], min(natural[i], low))
    spare = available - total_at(low)
    for i in flexible:
        if spare <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths
