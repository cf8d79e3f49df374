"""An OptionList with Vim's moves beside the arrows, as the tables have (issue 19: j/k, g/G, Ctrl+D/U in
lists and tables alike). An option list takes no text, so the letters are free."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class VimOptionList(OptionList):
    """``OptionList`` plus j/k, g/G and Ctrl+D/U, each with a binding id for ``[keymap]``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="option_list.vim_down"),
        Binding("k", "cursor_up", "Up", show=False, id="option_list.vim_up"),
        Binding("g", "first", "First", show=False, id="option_list.vim_first"),
        Binding("G", "last", "Last", show=False, id="option_list.vim_last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="option_list.vim_page_down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="option_list.vim_page_up"),
    ]
