"""The state behind a VirtualTable: rows, the filtered and sorted view, the cursor and the selection.

No Textual here, so every rule (filter, sort, selection kept by key) is unit-tested directly. Rows are kept as
given; nothing is measured or formatted per row until it is shown, except the lowercase search text that is
built once, on the first filter, so each later keystroke is a single pass over plain strings.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from ssp_tui.formatting import plural
from ssp_tui.widgets.table_columns import Column, Row, default_text, text_getters, value_getters

RowKey = Hashable
RECENT_FILTERS = 6
"""Views of this many recent filters are kept (cleared when the rows or the sort change): deleting a letter
goes back to a view already made instead of scanning every row again (25 ms: 200,000 rows, two letters)."""
SEARCH_SEPARATOR = "\n"
"""Joins a row's cell texts for searching; a filter term never contains it, so no match spans two cells."""


def describe_counts(shown: int, total: int, selected: int = 0, filtered: bool = False) -> str:
    """The count beside a filter: "1,234 of 100,000" while filtering, else "100,000 rows"; then selected."""
    text = f"{shown:,} of {total:,}" if filtered else plural(total, "row")
    return f"{text} · {selected:,} selected" if selected else text


def _default_sort_key(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


class TableModel:
    """Rows plus a view of them: `order` (all rows, sorted) narrowed by the filter to `view`."""

    def __init__(self, columns: Sequence[Column]) -> None:
        if not columns:
            raise ValueError("a table needs at least one column")
        keys = [column.key for column in columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"column keys must be unique: {keys}")
        self.columns: tuple[Column, ...] = tuple(columns)
        self._rows: list[Row] = []
        self._keys: list[RowKey] = []
        self._index_by_key: dict[RowKey, int] = {}
        self._key_function: Callable[[Row], RowKey] | None = None
        self._text_getters: list[Callable[[Row], str]] = []
        self._search_texts: list[str] | None = None
        self._generation = 0
        """Counts changes to the rows, so a search index built off the main thread for old rows is dropped."""
        self._order: list[int] = []
        self._view: list[int] = []
        self._filter_terms: tuple[str, ...] = ()
        self._recent_views: dict[tuple[str, ...], list[int]] = {}
        """Recent filters' views (never changed in place, so the view shown may be one of them)."""
        self.filter_text = ""
        self.sort_column: str | None = None
        self.sort_descending = False
        self._selected: set[RowKey] = set()
        self.cursor = -1
        """The cursor's position in the view, -1 when nothing is shown."""
        self._anchor: int | None = None
        self._selection_before_extend: set[RowKey] = set()

    # Rows -------------------------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Row], key: Callable[[Row], RowKey] | None = None) -> None:
        """Replace every row. `key` gives each row's unique key (None: its position in `rows`).

        The selection keeps the keys that are still present; the cursor stays on its row when that row is
        still shown; the current sort and filter apply to the new rows.
        """
        cursor_key = self.cursor_key
        self._generation += 1
        self._search_texts = None
        self._rows = []
        self._keys = []
        self._index_by_key = {}
        self._key_function = key
        self._text_getters = []
        try:
            self._append(rows)
        finally:
            # Even when the rows are refused (duplicate keys), the view must match the (now empty) rows.
            known = self._index_by_key
            self._selected = {row_key for row_key in self._selected if row_key in known}
            self._rebuild_view(cursor_key)

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add rows (a page that just arrived) with the same key function; sort, filter, cursor stay."""
        self._append(rows)
        self._rebuild_view(self.cursor_key)

    def _append(self, rows: Iterable[Row]) -> None:
        """Add rows; refused rows (a duplicate key, a failing key function) leave everything unchanged."""
        new_rows = list(rows)
        if not new_rows:
            return
        self._generation += 1
        start = len(self._rows)
        if self._key_function is None:
            new_keys: list[RowKey] = list(range(start, start + len(new_rows)))
        else:
            new_keys = [self._key_function(row) for row in new_rows]
        new_index = dict(zip(new_keys, range(start, start + len(new_rows)), strict=True))
        if len(new_index) != len(new_keys) or not new_index.keys().isdisjoint(self._index_by_key):
            raise ValueError(f"duplicate row key: {self._first_duplicate(new_keys)!r}")
        self._index_by_key.update(new_index)
        if not self._text_getters:
            self._text_getters = text_getters(self.columns, new_rows[0])
        self._rows.extend(new_rows)
        self._keys.extend(new_keys)
        if self._search_texts is not None:
            self._search_texts.extend(self.build_search_texts(new_rows))

    def _first_duplicate(self, new_keys: list[RowKey]) -> RowKey:
        seen = set(self._index_by_key)
        for row_key in new_keys:
            if row_key in seen:
                return row_key
            seen.add(row_key)
        raise AssertionError("no duplicate key")  # only called after a duplicate was detected

    @property
    def row_count(self) -> int:
        """All rows, whatever the filter."""
        return len(self._rows)

    @property
    def shown_count(self) -> int:
        """Rows that pass the filter."""
        return len(self._view)

    def row_index(self, position: int) -> int:
        """The index (in the rows as given) of the row at a view position."""
        return self._view[position]

    def row(self, index: int) -> Row:
        return self._rows[index]

    def key(self, index: int) -> RowKey:
        return self._keys[index]

    def index_of_key(self, row_key: RowKey) -> int | None:
        return self._index_by_key.get(row_key)

    def texts(self, index: int) -> list[str]:
        """The cell texts of one row (formatted on demand: only shown rows pay for it)."""
        row = self._rows[index]
        return [get(row) for get in self._text_getters]

    def sample_texts(self, limit: int) -> Iterable[list[str]]:
        """Cell texts of the first `limit` rows as given, for fitting column widths."""
        return (self.texts(index) for index in range(min(limit, len(self._rows))))

    def shown_indices(self) -> Sequence[int]:
        """The indices (in the rows as given) of the rows the filter lets through, in the shown order.
        The model's own list, not a copy: read it, never change it."""
        return self._view

    def shown_rows(self) -> list[Row]:
        """The rows the filter lets through, in the shown order (what an export of "what I see" writes)."""
        rows = self._rows
        return [rows[index] for index in self._view]

    # Filter -----------------------------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only rows containing every whitespace-separated term of `text`, case-insensitively, in any
        column's text. An empty text shows every row."""
        terms = tuple(text.casefold().split())
        cursor_key = self.cursor_key
        previous = self._filter_terms
        self.filter_text = text
        self._filter_terms = terms
        self._anchor = None
        if not terms:
            self._view = list(self._order)
        elif (recent := self._recent_views.pop(terms, None)) is not None:
            self._view = self._recent_views[terms] = recent  # now the most recent
        else:
            # Typing more narrows: when every old term lies inside some new term, the new matches are a
            # subset of the current view, so only it needs scanning.
            narrows = bool(previous) and all(any(old in new for new in terms) for old in previous)
            self._view = self._matching(self._view if narrows else self._order, terms)
            self._recent_views[terms] = self._view
            if len(self._recent_views) > RECENT_FILTERS:
                del self._recent_views[next(iter(self._recent_views))]
        self._place_cursor(cursor_key)

    def _matching(self, candidates: list[int], terms: tuple[str, ...]) -> list[int]:
        search = self._ensure_search_texts()
        if len(terms) == 1:
            term = terms[0]
            return [index for index in candidates if term in search[index]]
        return [index for index in candidates if all(term in search[index] for term in terms)]

    def _ensure_search_texts(self) -> list[str]:
        if self._search_texts is None:
            self._search_texts = self.build_search_texts(self._rows)
        return self._search_texts

    @property
    def has_search_index(self) -> bool:
        return self._search_texts is not None

    def search_snapshot(self) -> tuple[int, list[Row]]:
        """The rows to index off the main thread, with the generation to hand back to adopt_search_texts."""
        return self._generation, list(self._rows)

    def adopt_search_texts(self, generation: int, texts: list[str]) -> bool:
        """Take a search index built elsewhere, unless the rows changed since its snapshot."""
        if generation != self._generation or self._search_texts is not None:
            return False
        self._search_texts = texts
        return True

    def build_search_texts(self, rows: list[Row]) -> list[str]:
        """Each row's cell texts, joined and casefolded (reads only the columns: safe in a worker thread)."""
        # Column by column with map(): far fewer Python-level calls than a loop per cell.
        getters = value_getters(self.columns, rows[0] if rows else None)
        columns_text = [
            list(map(column.formatter or default_text, map(get, rows)))
            for column, get in zip(self.columns, getters, strict=True)
        ]
        join = SEARCH_SEPARATOR.join
        return [join(cells).casefold() for cells in zip(*columns_text, strict=True)]

    # Sort -------------------------------------------------------------------------------------------------

    def sort_by(self, column_key: str, descending: bool | None = None) -> None:
        """Sort by a column; `descending=None` toggles when it is already the sort column, else ascends.

        Stable: rows with equal keys keep their current order, so sorting by B then by A orders by A, then B.
        Empty (None) values go last in either direction.
        """
        position = self._column_position(column_key)
        if descending is None:
            descending = not self.sort_descending if self.sort_column == column_key else False
        cursor_key = self.cursor_key
        self.sort_column = column_key
        self.sort_descending = descending
        self._order = self._sorted(self._order, position, descending)
        self._recent_views.clear()  # made in the old order
        self._anchor = None
        if self._filter_terms:
            shown = set(self._view)
            self._view = [index for index in self._order if index in shown]
        else:
            self._view = list(self._order)
        self._place_cursor(cursor_key)

    def _sorted(self, order: list[int], position: int, descending: bool) -> list[int]:
        if not self._rows:
            return order
        column = self.columns[position]
        get = value_getters(self.columns, self._rows[0])[position]
        values = [get(row) for row in self._rows]
        present = [index for index in order if values[index] is not None]
        missing = [index for index in order if values[index] is None]
        to_key = column.sort_key or _default_sort_key
        try:
            sort_keys = [None if value is None else to_key(value) for value in values]
            present.sort(key=sort_keys.__getitem__, reverse=descending)
        except TypeError:
            # Mixed types (e.g. numbers and text) do not compare; fall back to the shown text.
            text = self._text_getters[position]
            present.sort(key=lambda index: text(self._rows[index]).casefold(), reverse=descending)
        return present + missing

    def _column_position(self, column_key: str) -> int:
        for position, column in enumerate(self.columns):
            if column.key == column_key:
                return position
        raise KeyError(f"no column {column_key!r}")

    def _rebuild_view(self, cursor_key: RowKey | None) -> None:
        """Recompute order and view for new rows, keeping the sort and filter."""
        self._recent_views.clear()  # views of the old rows
        self._order = list(range(len(self._rows)))
        if self.sort_column is not None:
            position = self._column_position(self.sort_column)
            self._order = self._sorted(self._order, position, self.sort_descending)
        if self._filter_terms:
            self._view = self._matching(self._order, self._filter_terms)
        else:
            self._view = list(self._order)
        self._anchor = None
        self._place_cursor(cursor_key)

    # Cursor -----------------------------------------------------------------------------------------------

    @property
    def cursor_index(self) -> int | None:
        """The row index under the cursor, or None when nothing is shown."""
        return self._view[self.cursor] if 0 <= self.cursor < len(self._view) else None

    @property
    def cursor_key(self) -> RowKey | None:
        index = self.cursor_index
        return None if index is None else self._keys[index]

    def move_cursor(self, position: int) -> bool:
        """Put the cursor at a view position (clamped); ends any shift-extend. True when it moved."""
        self._anchor = None
        return self._set_cursor(position)

    def _set_cursor(self, position: int) -> bool:
        clamped = min(max(position, 0), len(self._view) - 1) if self._view else -1
        moved = clamped != self.cursor
        self.cursor = clamped
        return moved

    def _place_cursor(self, cursor_key: RowKey | None) -> None:
        """After the view changed: keep the cursor on its row if it is still shown, else go to the top."""
        index = None if cursor_key is None else self._index_by_key.get(cursor_key)
        if index is not None:
            try:
                self.cursor = self._view.index(index)
                return
            except ValueError:
                pass
        self.cursor = 0 if self._view else -1

    # Selection --------------------------------------------------------------------------------------------

    @property
    def selected_keys(self) -> frozenset[RowKey]:
        return frozenset(self._selected)

    @property
    def selected_count(self) -> int:
        return len(self._selected)

    def all_shown_selected(self) -> bool:
        """Whether at least one row is shown and every shown row is selected."""
        keys, selected = self._keys, self._selected
        return bool(self._view) and all(keys[index] in selected for index in self._view)

    def is_selected(self, index: int) -> bool:
        return self._keys[index] in self._selected

    def selected_rows(self) -> list[Row]:
        """Selected rows (shown or filtered out) in the current sort order."""
        keys, selected = self._keys, self._selected
        return [self._rows[index] for index in self._order if keys[index] in selected]

    def toggle_cursor_row(self) -> bool:
        """Select or unselect the row under the cursor. True when something changed."""
        index = self.cursor_index
        if index is None:
            return False
        self._anchor = None
        self._selected ^= {self._keys[index]}
        return True

    def toggle_position(self, position: int) -> bool:
        """Move the cursor to a view position and toggle that row (a click on its checkbox)."""
        self.move_cursor(position)
        return self.toggle_cursor_row()

    def select_shown(self) -> bool:
        """Select every row the filter shows. True when the selection changed."""
        before = len(self._selected)
        keys = self._keys
        self._selected.update(keys[index] for index in self._view)
        return len(self._selected) != before

    def unselect_shown(self) -> bool:
        """Unselect every row the filter shows (rows hidden by the filter stay selected)."""
        before = len(self._selected)
        keys = self._keys
        self._selected.difference_update(keys[index] for index in self._view)
        return len(self._selected) != before

    def set_selected_keys(self, keys: Iterable[RowKey]) -> None:
        """Select exactly these keys (unknown keys are ignored)."""
        self._selected = {row_key for row_key in keys if row_key in self._index_by_key}

    def extend_selection(self, delta: int) -> bool:
        """Shift+arrow: move the cursor by `delta` and select every row between where the extend began and
        the cursor, on top of what was selected then. True when the cursor moved."""
        if self.cursor < 0:
            return False
        if self._anchor is None:
            self._anchor = self.cursor
            self._selection_before_extend = set(self._selected)
        moved = self._set_cursor(self.cursor + delta)
        low, high = sorted((self._anchor, self.cursor))
        keys = self._keys
        self._selected = self._selection_before_extend | {keys[i] for i in self._view[low : high + 1]}
        return moved
