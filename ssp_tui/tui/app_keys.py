"""The app's own keys (tui/app.py): Help, Settings, Downloads, Log out, Quit, focus moves, section numbers.

Each has an id, so config.toml's ``[keymap]`` can move it (docs/tui.md lists them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from textual.binding import BindingsMap
    from textual.dom import DOMNode

SECTION_KEY_ID = "app.section_"
"""The ids of the number keys that open sections: ``app.section_1`` ... ``app.section_9``."""

APP_BINDINGS: list[BindingType] = [
    Binding("f1", "help", "Help", tooltip="FAQ, support contacts and every key", id="app.help"),
    Binding("question_mark", "help('keys')", "Keys", show=False, tooltip="Every key", id="app.keys"),
    Binding(
        "f2",
        "settings",
        "Settings",
        tooltip="Theme, download folder, file names, concurrency",
        id="app.settings",
    ),
    Binding(
        "f3",
        "downloads",
        "Downloads",
        tooltip="What was downloaded, where it went; open it, retry what failed",
        show=False,  # the footer is full at 80 columns; Help, the palette and docs/tui.md list it
        id="app.downloads",
    ),
    Binding("ctrl+l", "logout", "Log out", tooltip="End the session on the portal", id="app.logout"),
    Binding("ctrl+q", "quit", "Quit", tooltip="Leave ssp-tui", priority=True, id="app.quit"),
    # Tab moves focus as the key arrives, before the keys typed after it are handled: as a screen binding
    # it ran only once the key had gone through the focused field, and a password manager's auto-type
    # (username, Tab, password) put the password into Username, in clear (issue 19).
    Binding("tab", "focus_next", show=False, priority=True, id="app.focus_next"),
    Binding("shift+tab", "focus_previous", show=False, priority=True, id="app.focus_previous"),
    # Also taken before the focused widget sees them: see on_event.
    *(Binding(str(n), f"section_key('{n}')", show=False, id=f"{SECTION_KEY_ID}{n}") for n in range(1, 10)),
]


def focused_binds(focused: DOMNode | None, app: DOMNode, action: str) -> bool:
    """Whether a node from the focused widget up to its screen binds the key of ``action`` (``focus_next``,
    ``focus_previous``) to something of its own: then the key is theirs (Textual's screens bind it to these
    same focus moves), and the app's priority Tab gives way."""
    keys = {"focus_next": "tab", "focus_previous": "shift+tab"}[action]
    node: DOMNode | None = focused
    while node is not None and node is not app:
        if any(b.action != f"app.{action}" for b in node._bindings.key_to_bindings.get(keys, ())):
            return True
        node = node.parent
    return False


def section_numbers(bindings: BindingsMap, keymap: Mapping[str, str], key: str) -> Iterator[str]:
    """The section numbers ``key`` opens among the app's ``bindings``, as ``keymap`` has moved them."""
    if keymap:
        bindings = bindings.copy()
        bindings.apply_keymap(keymap)
    for binding in bindings.key_to_bindings.get(key, ()):
        if binding.id and binding.id.startswith(SECTION_KEY_ID):
            yield binding.id.removeprefix(SECTION_KEY_ID)
