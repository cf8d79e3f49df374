"""The main layout every section shares: a header (user, role, portal), the section nav and the footer.

A section screen subclasses ``SectionScreen``, sets ``SECTION_ID`` to its registry id and implements
``compose_body``. It reaches the portal through ``self.controller`` (see ``tui/session.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from ssp_tui.tui.section_registry import RecordRef
from ssp_tui.tui.shell import shell

if TYPE_CHECKING:
    from ssp_tui.tui.session import SessionController


class PortalHeader(Horizontal):
    """One line: the portal name, the user and their role, and the portal the app talks to."""

    def compose(self) -> ComposeResult:
        app = shell(self)
        controller = app.controller
        user = controller.user
        yield Static("ProAssurance SSP", id="header-title")
        if controller.target.is_sandbox:
            yield Static(" SANDBOX ", classes="sandbox-badge")
        who = f"{user.display_name} · {user.role.value}" if user else "not signed in"
        if user and user.agency:
            who += f" · {user.agency}"
        yield Static(who, id="header-user")
        yield Static(controller.target.describe(), id="header-portal")


class SectionNav(Tabs):
    """The menus the user may use; click one, press its number, or use the command palette."""

    def __init__(self, current: str) -> None:
        tabs = [Tab(f"{s.key} {s.title}", id=f"nav-{s.id}") for s in shell(self).visible_sections()]
        super().__init__(*tabs, active=f"nav-{current}", id="section-nav")
        self._current = current

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        section_id = (event.tab.id or "").removeprefix("nav-")
        if section_id and section_id != self._current:
            shell(self).open_section(section_id)


class SectionScreen(Screen[None]):
    """Base of every section screen (a Textual mode)."""

    DEFAULT_CSS = """
    #portal-header {
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
    #header-title { width: auto; text-style: bold; margin-right: 2; }
    #header-user { width: 1fr; }
    #header-portal { width: auto; color: $text-muted; }
    #section-nav { height: 2; }
    #section-body { height: 1fr; layout: horizontal; }
    """
    SECTION_ID: ClassVar[str]

    @property
    def controller(self) -> SessionController:
        return shell(self).controller

    def compose(self) -> ComposeResult:
        yield PortalHeader(id="portal-header")
        yield SectionNav(self.SECTION_ID)
        with Container(id="section-body"):
            yield from self.compose_body()
        yield Footer()

    def on_screen_resume(self) -> None:
        # A click on another tab left it highlighted here; show this section again when coming back.
        self.query_one(SectionNav).active = f"nav-{self.SECTION_ID}"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble: the base screen turns any failed worker of its screen into the one
        # error presentation (notification or modal), so no section has to remember to. Sections implement
        # ``worker_failed`` and never this handler: Textual runs the handler of every class in the chain, so
        # an override that also called ``super()`` reported each failure twice (issue 18).
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
