"""The main layout every section shares: a header (user, role, portal), the section nav and the footer.

A section screen subclasses ``SectionScreen``, sets ``SECTION_ID`` to its registry id and implements
``compose_body``. It reaches the portal through ``self.controller`` (see ``tui/session.py``). It fetches its
data in ``first_shown``, never at mount: the app builds section screens ahead, while it is idle
(``tui/section_prebuild.py``), and what the portal says is fetched when the user opens the section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Input, Select, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from ssp_tui.tui.section_registry import RecordRef
from ssp_tui.tui.shell import shell
from ssp_tui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from ssp_tui.tui.session import SessionController


AGENCY_KEPT = 8
"""Cells of the agency part ("· Rivera") kept before the portal label is shortened."""
PORTAL_KEPT = 12
"""The portal label is never shortened below this."""


class PortalHeader(Horizontal):
    """One line: the portal name, the user and their role, their agency, and the portal the app talks to.

    Each part is its own cell with a gap before the next; when the line is short the agency (free text)
    gives way first, then the portal label, each ending in an ellipsis; the name and role stay whole.
    """

    def compose(self) -> ComposeResult:
        app = shell(self)
        controller = app.controller
        user = controller.user
        yield Static("ProAssurance SSP", id="header-title")
        if controller.target.is_sandbox:
            yield Static(" SANDBOX ", classes="sandbox-badge")
        who = f"{user.display_name} · {user.role.value}" if user else "not signed in"
        yield Static(who, id="header-user")
        agency = user.agency if user else None
        yield Static(f"· {agency}" if agency else "", id="header-agency", classes="" if agency else "-empty")
        yield Static(controller.target.describe(), id="header-portal")

    def on_resize(self, event: events.Resize) -> None:
        # CSS cannot say "shrink the portal label only once the agency is short", so the label gets what the
        # other parts leave when the agency keeps its first AGENCY_KEPT cells.
        portal = self.query_one("#header-portal", Static)
        used = self.styles.padding.width
        for part in self.query(Static):
            if part is portal:
                continue
            text_cells = cell_len(str(part.render()))
            if part.id == "header-agency":
                text_cells = min(text_cells, AGENCY_KEPT)
            used += text_cells + part.styles.margin.width
        portal.styles.max_width = max(PORTAL_KEPT, event.size.width - used)


class SectionNav(Tabs):
    """The menus the user may use; click one, press its number, or use the command palette. When the full
    names do not fit the width, every tab shows its short name, so all of them stay on screen."""

    def __init__(self, current: str) -> None:
        self._sections = shell(self).visible_sections()
        tabs = [Tab(self._label(s.title, s.key), id=f"nav-{s.id}") for s in self._sections]
        super().__init__(*tabs, active=f"nav-{current}", id="section-nav")
        self._current = current

    @staticmethod
    def _label(title: str, key: str) -> str:
        return f"{key} {title}"

    def validate_active(self, active: str) -> str:
        # Textual refuses an active id with no tab. This nav's tabs are fixed when it is made, so none can
        # only mean they were already removed: the app closed while the screen was still mounting (seen in
        # the suite, when a test ends the moment Home is switched to). Then nothing is active, no traceback.
        if active and not self.query(f"#tabs-list > #{active}"):
            return ""
        return active

    def on_resize(self, event: events.Resize) -> None:
        # A tab is its label and one cell of padding each side.
        full = sum(len(self._label(s.title, s.key)) + 2 for s in self._sections)
        short = full > event.size.width
        for section in self._sections:
            title = (section.short_title or section.title) if short else section.title
            tab = self.query_one(f"#nav-{section.id}", Tab)
            label = self._label(title, section.key)
            if str(tab.label) != label:
                tab.label = label

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        section_id = (event.tab.id or "").removeprefix("nav-")
        if section_id and section_id != self._current:
            shell(self).open_section(section_id)


NARROW_COLUMNS = 100
"""Below this width a screen is "narrow" (class ``-narrow``): a list beside its details does not fit, so the
two stack (80x24 is a supported size)."""


class SectionScreen(Screen[None]):
    """Base of every section screen (a Textual mode).

    A list with its details beside it uses the classes ``split`` (the container), ``split-list`` and
    ``split-detail``: the list is as wide as its table needs to show every id and amount whole (within
    bounds), the details take the rest, and on a narrow screen the list goes above its details.
    """

    DEFAULT_CSS = """
    #portal-header {
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
    #header-title { width: auto; text-style: bold; margin-right: 2; }
    #header-user { width: auto; text-wrap: nowrap; margin-right: 1; }
    #header-agency { width: 1fr; min-width: 4; text-wrap: nowrap; text-overflow: ellipsis; margin-right: 2; }
    #header-agency.-empty { min-width: 0; margin-right: 0; }
    #header-portal { width: auto; text-wrap: nowrap; text-overflow: ellipsis; color: $text-muted; }
    #section-nav { height: 2; }
    #section-body { height: 1fr; layout: horizontal; }
    SectionScreen .split { height: 1fr; layout: horizontal; }
    SectionScreen .split > .split-list { width: auto; min-width: 40; max-width: 50%; padding: 0 1; }
    SectionScreen .split > .split-detail { width: 1fr; padding: 0 1; border-left: vkey $primary; }
    SectionScreen.-narrow .split { layout: vertical; }
    SectionScreen.-narrow .split > .split-list { width: 100%; max-width: 100%; height: 1fr; }
    SectionScreen.-narrow .split > .split-detail {
        width: 100%; height: 1fr; border-left: none; border-top: hkey $primary;
    }
    """
    SECTION_ID: ClassVar[str]
    DIALOG_ACTIONS: ClassVar[frozenset[str]] = frozenset()
    """Actions whose keys open a dialog. Their bindings are priority ones, acted on as the key arrives, so
    that the keys typed right after it wait for the dialog (``tui/type_ahead.py``) instead of reaching this
    screen first; ``check_action`` asks ``typed_in_field`` so that in a text field the letter is typed."""
    _styled_for: tuple[int, bool] | None = None
    """The app's style state when the screen mounted; None once it has been left (suspended)."""

    @property
    def controller(self) -> SessionController:
        return shell(self).controller

    def typed_in_field(self, action: str) -> bool:
        """A dialog key (``DIALOG_ACTIONS``) pressed in a text field or an open drop-down list (which searches
        as letters are typed): the letter is typed there, not acted on (a priority binding would take it)."""
        focused = self.focused
        if action not in self.DIALOG_ACTIONS or focused is None:
            return False
        return isinstance(focused, Input) or any(isinstance(node, Select) for node in focused.ancestors)

    def opens_a_dialog(self, worker: Worker[None]) -> None:
        """``worker`` (just started by a dialog key's action) pushes a dialog once its work is done: the keys
        typed meanwhile go to that dialog, not to this screen."""
        shell(self).hold_keys_until_screen(worker)

    def compose(self) -> ComposeResult:
        yield PortalHeader(id="portal-header")
        yield SectionNav(self.SECTION_ID)
        with Container(id="section-body"):
            yield from self.compose_body()
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_COLUMNS, "-narrow")
        self._styled_for = self._app_style_state()

    def _app_style_state(self) -> tuple[int, bool]:
        """What of the app a widget's styles depend on beyond its own classes: the stylesheet's version (a
        theme change moves it on) and whether the terminal has focus (``App:blur`` rules)."""
        return self.app._css_update_count, self.app.app_focus

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_COLUMNS, "-narrow")

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # A click on another tab left it highlighted here; show this section again when coming back.
        self.query_one(SectionNav).active = f"nav-{self.SECTION_ID}"
        if self._styled_for == self._app_style_state():
            # Shown for the first time (this handler runs before Textual's own): every widget was styled as
            # it mounted and restyles itself as its classes change, and nothing of the app they depend on has
            # changed since, so Textual's restyle of the whole screen on resume (twice on a mode's first
            # show) would change nothing: 30-90 ms of the key press on the large book (docs/performance.md).
            event.refresh_styles = False
        self.open()

    def on_screen_suspend(self) -> None:
        self._styled_for = None  # from now on, each resume restyles the screen, as Textual does

    shown: bool = False
    """The user has opened this screen (it may have been built long before, while the app was idle)."""

    def open(self) -> None:
        """The user opens the screen: the first time, start fetching what it shows (``first_shown``). The app
        calls it at the key for a screen built ahead, so the fetch is on its way while Textual restyles, lays
        out and draws the screen; otherwise it is called as the screen is first shown."""
        if not self.shown:
            self.shown = True
            self.first_shown()

    def first_shown(self) -> None:
        """Called once, when the screen is first opened (after it is composed and mounted, which may have
        been long before, while the app was idle): start fetching what it shows. Every ``Select`` posts
        ``Changed`` with its first value as it mounts; a handler that fetches on it ignores it until
        ``shown``, so that nothing is fetched for a screen built ahead."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble: the base screen turns any failed worker of its screen into the one
        # error presentation (notification or modal), so no section has to remember to. Sections implement
        # ``worker_failed`` and never this handler: Textual runs the handler of every class in the chain, so
        # an override that also called ``super()`` reported each failure twice (issue 18).
        if event.state is WorkerState.SUCCESS:
            shell(self).settle_heap()  # a load landed: the app may fold it into the frozen heap when idle
            return
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if not self.worker_failed(event.worker, error):
            shell(self).show_error(error)

    def worker_failed(self, worker: Worker[object], error: BaseException) -> bool:
        """Called once for each failed worker of this screen: say on the page what could not be done (e.g.
        "Press r to try again"). Return True when the screen has told the user itself; False (the default)
        lets the app report the error as usual (a notification, or the error modal when serious; an expired
        session the user did not renew reads "Signed out")."""
        return False

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError(f"{type(self).__name__} must compose its body")

    def open_record(self, record: RecordRef) -> None:
        """Called when Home's attention item opens this section; override to show exactly that record."""

    def open_intent(self, intent: str) -> None:
        """Called after a quick jump to this section (see ``Section.intents``); override to act on it."""
