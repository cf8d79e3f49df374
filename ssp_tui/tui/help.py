"""Help (F1): the portal's FAQ topics, the sections this user has, the support contacts and every key."""

from __future__ import annotations

from collections.abc import Iterable

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TabbedContent, TabPane

from ssp_tui.tui.common.portal_info import FAQ_TOPICS, SUPPORT_CONTACTS
from ssp_tui.tui.section_registry import Section
from ssp_tui.widgets.steady_footer import SteadyFooter

GENERAL_KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+P", "Command palette: every section and every action of the current screen"),
    ("1-9", "Open the section with that number (shown in the menu bar)"),
    ("Tab / Shift+Tab", "Move between fields and controls"),
    ("Enter", "Submit a form, or choose the highlighted item"),
    ("Escape", "Close a dialog, or cancel"),
    ("?", "Help on this tab: every key"),
    ("j / k, g / G, Ctrl+D / Ctrl+U", "In tables: down / up, first / last row, half a screen down / up"),
)
"""Keys of Textual itself and of the number-key bindings (hidden from the footer); the app's own bindings are
added from ``SspApp.BINDINGS`` so this list cannot drift from them."""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { background: $background; }
    #help-tabs { height: 1fr; }
    .help-block { margin: 1 2 0 2; }
    """
    BINDINGS = [Binding("escape,f1,q,question_mark", "close", "Close help", id="help.close")]

    def __init__(
        self,
        sections: Iterable[Section],
        app_keys: Iterable[tuple[str, str]],
        screen_keys: Iterable[tuple[str, str]],
        initial: str = "help-faq",
    ) -> None:
        """``initial``: the tab shown first (``help-faq``, ``help-contacts`` or ``help-keys``)."""
        super().__init__()
        self._initial = initial
        self._sections = list(sections)
        self._app_keys = list(app_keys)
        self._screen_keys = list(screen_keys)

    def compose(self) -> ComposeResult:
        with TabbedContent(id="help-tabs", initial=self._initial):
            with TabPane("FAQ", id="help-faq"), VerticalScroll():
                if self._sections:
                    lines = [
                        f"[b]{s.key}  {escape(s.title)}[/b]  {escape(s.description)}" for s in self._sections
                    ]
                    yield Static("[b u]Your sections[/]\n" + "\n".join(lines), classes="help-block")
                for topic in FAQ_TOPICS:
                    yield Static(
                        f"[b]{escape(topic.question)}[/b]\n{escape(topic.answer)}", classes="help-block"
                    )
            with TabPane("Contacts", id="help-contacts"), VerticalScroll():
                for contact in SUPPORT_CONTACTS:
                    details = [escape(contact.purpose)]
                    if contact.phone:
                        details.append(f"Phone: {contact.phone}")
                    if contact.email:
                        details.append(f"Email: {contact.email}")
                    if contact.hours:
                        details.append(escape(contact.hours))
                    text = f"[b]{escape(contact.name)}[/b]\n" + "\n".join(details)
                    yield Static(text, classes="help-block")
            with TabPane("Keys", id="help-keys"), VerticalScroll():
                everywhere = [*self._app_keys, *GENERAL_KEYS]
                yield Static(_key_table("Everywhere", everywhere), classes="help-block")
                if self._screen_keys:
                    yield Static(_key_table("On the current screen", self._screen_keys), classes="help-block")
        yield SteadyFooter()

    def action_close(self) -> None:
        self.dismiss(None)


def _key_table(title: str, keys: Iterable[tuple[str, str]]) -> str:
    rows = "\n".join(f"  [b]{escape(key):<16}[/b] {escape(what)}" for key, what in keys)
    return f"[b u]{escape(title)}[/]\n{rows}"


def open_help(app: App[None], sections: Iterable[Section], tab: str) -> None:
    """Push the help on its ``tab`` (``faq``, ``contacts``, ``keys``), listing the app's keys and those of the
    screen it was opened from, as each is currently bound (a ``[keymap]`` may have moved them)."""
    if isinstance(app.screen, HelpScreen):
        return
    app_keys = [
        (app.get_key_display(binding), binding.description)
        for binding in app.BINDINGS
        if isinstance(binding, Binding) and binding.description  # the number keys have none
    ]
    screen_keys = [
        (app.get_key_display(active.binding), active.binding.description)
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.binding.description and active.node is not app
    ]
    app.push_screen(HelpScreen(sections, app_keys, screen_keys, initial=f"help-{tab}"))
