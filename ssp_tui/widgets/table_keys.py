"""The keys of VirtualTable (widgets/virtual_table.py): arrows and Vim's moves, selection, sorting.

Each has an id, so config.toml's ``[keymap]`` can move it (docs/tui.md lists them). Their own module so the
table's behaviour reads apart from its key list.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

TABLE_BINDINGS: list[BindingType] = [
    Binding(
        "up",
        "cursor_up",
        "Up",
        show=False,
        tooltip="Move the cursor up one row",
        id="virtual_table.cursor_up",
    ),
    Binding(
        "down",
        "cursor_down",
        "Down",
        show=False,
        tooltip="Move the cursor down one row",
        id="virtual_table.cursor_down",
    ),
    Binding(
        "pageup",
        "page_up",
        "Page up",
        show=False,
        tooltip="Move the cursor up one screen",
        id="virtual_table.page_up",
    ),
    Binding(
        "pagedown",
        "page_down",
        "Page down",
        show=False,
        tooltip="Move the cursor down one screen",
        id="virtual_table.page_down",
    ),
    Binding(
        "home",
        "cursor_first",
        "First",
        show=False,
        tooltip="Go to the first row",
        id="virtual_table.cursor_first",
    ),
    Binding(
        "end",
        "cursor_last",
        "Last",
        show=False,
        tooltip="Go to the last row",
        id="virtual_table.cursor_last",
    ),
    Binding("enter", "activate", "Open", tooltip="Open the highlighted row", id="virtual_table.activate"),
    Binding(
        "space",
        "toggle_selection",
        "Select",
        tooltip="Select or unselect the highlighted row",
        id="virtual_table.toggle_selection",
    ),
    Binding(
        "shift+up",
        "extend_up",
        "Extend up",
        show=False,
        tooltip="Extend the selection upwards",
        id="virtual_table.extend_up",
    ),
    Binding(
        "shift+down",
        "extend_down",
        "Extend down",
        show=False,
        tooltip="Extend the selection down",
        id="virtual_table.extend_down",
    ),
    Binding(
        "a",
        "select_all",
        "All",
        tooltip="Select every row the filter shows",
        id="virtual_table.select_all",
    ),
    Binding(
        "n",
        "select_none",
        "None",
        tooltip="Unselect every row the filter shows",
        id="virtual_table.select_none",
    ),
    Binding(
        "s",
        "sort_next_column",
        "Sort",
        tooltip="Sort by the next column",
        id="virtual_table.sort_next_column",
    ),
    Binding(
        "S",
        "reverse_sort",
        "Reverse",
        show=False,
        tooltip="Reverse the sort order",
        id="virtual_table.reverse_sort",
    ),
    # Vim's moves beside the arrows (a table takes no text: its filter is a separate box).
    Binding(
        "j",
        "cursor_down",
        "Down",
        show=False,
        tooltip="Move the cursor down one row",
        id="virtual_table.vim_down",
    ),
    Binding(
        "k",
        "cursor_up",
        "Up",
        show=False,
        tooltip="Move the cursor up one row",
        id="virtual_table.vim_up",
    ),
    Binding(
        "g",
        "cursor_first",
        "First",
        show=False,
        tooltip="Go to the first row",
        id="virtual_table.vim_first",
    ),
    Binding(
        "G", "cursor_last", "Last", show=False, tooltip="Go to the last row", id="virtual_table.vim_last"
    ),
    Binding(
        "ctrl+d",
        "page_down",
        "Page down",
        show=False,
        tooltip="Down one screen",
        id="virtual_table.vim_page_down",
    ),
    Binding(
        "ctrl+u",
        "page_up",
        "Page up",
        show=False,
        tooltip="Up one screen",
        id="virtual_table.vim_page_up",
    ),
]
