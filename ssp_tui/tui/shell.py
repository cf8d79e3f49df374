"""``Shell``: what screens, dialogs and widgets may ask of the running app beyond Textual's own ``App``.

Screens depend on this protocol, never on ``tui/app.py``: the app imports every screen it shows, so a screen
importing the app (even for typing only) made a cycle, and tied every screen to the concrete app. ``SspApp``
implements it (``tests/tui/test_shell_units.py`` checks that it still does); an import-linter contract
forbids importing ``ssp_tui.tui.app`` anywhere else under ``ssp_tui.tui`` (pyproject.toml).

What Textual's ``App`` already offers (``notify``, ``push_screen_wait``, ``theme``...) is reached through
``node.app`` as usual; only the app's own additions are listed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

    from ssp_tui.portal.target import DemoLogin
    from ssp_tui.tui.common.browser_delivery import BrowserDelivery
    from ssp_tui.tui.section_registry import RecordRef, Section
    from ssp_tui.tui.session import SessionController


@runtime_checkable
class Shell(Protocol):
    """The app as its screens see it: the session, the sections, the profile and the one error presenter."""

    controller: SessionController
    browser_delivery: BrowserDelivery | None
    """Set in a browser session (``ssp-tui web``): downloads and exports go to the browser."""
    show_clock: bool
    """False in tests and snapshots: no countdown or clock text anywhere."""
    demo_accounts: dict[str, DemoLogin]
    """The sandbox's demo logins the login screen offers, by username."""

    def visible_sections(self) -> list[Section]: ...

    def can_open(self, section_id: str) -> bool: ...

    def open_section(
        self, section_id: str, intent: str | None = None, record: RecordRef | None = None
    ) -> None: ...

    async def enter_portal(self) -> None: ...

    def prebuild_sections(self) -> None:
        """Home has drawn its data (or said why not): build the other sections' screens while idle."""
        ...

    def settle_heap(self) -> None:
        """A section's data has landed: once the app is idle, collect and freeze the long-lived heap if it
        has grown by enough (``tui/heap.py``)."""
        ...

    def hold_keys_until_screen(self, worker: Worker[Any]) -> None:
        """Keys typed from now on wait for the screen ``worker`` is about to push (or for its end): a dialog a
        key opens from a worker gets the keys typed after that key (``tui/type_ahead.py``)."""
        ...

    def demo_totp_secret(self, username: str) -> str | None: ...

    async def remember_username(self, username: str | None) -> None:
        """Keep the username for this portal in the profile (None: forget it)."""
        ...

    async def save_profile(self) -> None: ...

    def show_error(self, error: BaseException) -> None: ...


def shell(node: DOMNode) -> Shell:
    """The running app as a ``Shell`` (screens and widgets only ever run inside one)."""
    return cast("Shell", node.app)
