"""The Textual app: the login mode, one mode per portal section the user may open, and the app-wide keys.

Kept small on purpose: sections live in ``section_registry.py``, sign-in glue in ``session.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Input

from ssp_tui.tui.app_keys import APP_BINDINGS, focused_binds, section_numbers
from ssp_tui.tui.commands import ScreenActionCommands, SectionCommands
from ssp_tui.tui.heap import HeapKeeper
from ssp_tui.tui.idle import UserPause
from ssp_tui.tui.section_prebuild import SectionPrebuilder
from ssp_tui.tui.session import SessionController
from ssp_tui.tui.sign_in.login import LoginScreen
from ssp_tui.tui.type_ahead import TypeAhead

if TYPE_CHECKING:
    from pathlib import Path

    from textual.worker import Worker

    from ssp_tui.portal.target import DemoLogin, PortalTarget
    from ssp_tui.settings.config import Profile
    from ssp_tui.settings.secrets import SecretStore
    from ssp_tui.tui.common.browser_delivery import BrowserDelivery
    from ssp_tui.tui.common.download_history import DownloadHistory
    from ssp_tui.tui.section_registry import RecordRef, Section

log = logging.getLogger(__name__)
LOGIN_MODE = "login"


class SspApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "ProAssurance SSP"
    DEFAULT_MODE = LOGIN_MODE
    # The login screen is not in MODES: Textual re-parses every stylesheet when it first shows a MODES
    # screen, about 20 ms of start-up (docs/performance.md). As the default mode's screen (from
    # get_default_screen) it is shown without that; on_mount then registers the mode, so that log out can
    # switch back to it (the mode's stack exists by then, so its screen is reused, never made again).
    COMMANDS = App.COMMANDS | {SectionCommands, ScreenActionCommands}
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        target: PortalTarget,
        *,
        profile_name: str,
        profile: Profile,
        registry: Sequence[Section] | None = None,
        show_clock: bool = True,
        secret_store: SecretStore | None = None,
        session_folder: Path | None = None,
        keymap: Mapping[str, str] | None = None,
        keymap_source: Path | None = None,
        keymap_problems: Sequence[str] = (),
        prebuild: bool = True,
    ) -> None:
        """``session_folder``: a browser session's own folder (``ssp-tui web``, see ``ssp_tui/web``): the
        download cache and the files on their way to the browser live there and go with the session, and
        settings stay in memory (the server's config file is not the browser user's). ``registry``: the
        sections there are (None: every built one, ``SECTIONS``). ``keymap``: the config
        file's ``[keymap]`` (binding id -> keys), from ``keymap_source``. ``prebuild``: build the section
        screens ahead, while the app is idle after Home (False: each is built at its first key)."""
        super().__init__()
        self.controller = SessionController(
            target,
            profile_name=profile_name,
            profile=profile,
            secret_store=secret_store,
            download_cache_dir=session_folder / "cache" if session_folder else None,
        )
        self.browser_delivery: BrowserDelivery | None = None
        if session_folder is not None:
            from ssp_tui.tui.common.browser_delivery import BrowserDelivery

            self.browser_delivery = BrowserDelivery(session_folder / "outgoing")
        self.controller.relogin_handler = self.ask_relogin
        self._section_registry = tuple(registry) if registry is not None else None
        """None: ``SECTIONS``, imported at the first sign-in (3 ms of start-up before the first frame)."""
        self.show_clock = show_clock
        """False in tests and snapshots: no countdown or clock text anywhere."""
        self.demo_accounts: dict[str, DemoLogin] = {}
        self._download_history: DownloadHistory | None = None
        self._section_modes: set[str] = set()
        """Modes added for the signed-in user; removed at log out so the next user gets their own."""
        if profile.theme and profile.theme in self.available_themes:
            self.theme = profile.theme
        self._wanted_keymap = dict(keymap or {})
        self._keymap_source = keymap_source
        self._keymap_problems = list(keymap_problems)
        self._typed_ahead = TypeAhead(self, self._deliver_typed_ahead)
        self.prebuild = prebuild
        self.user_pause = UserPause()
        """When the user last typed or clicked: work done while idle waits for a pause (``tui/idle.py``)."""
        self.heap = HeapKeeper(self, self.user_pause)
        """Collects and freezes the long-lived heap after large loads, and at sign-out (``tui/heap.py``)."""
        self.prebuilder = SectionPrebuilder(
            self, self._new_section_screen, when_built=self.settle_heap, pause=self.user_pause
        )
        """The section screens built ahead of their keys (``tui/section_prebuild.py``)."""
        self._switching_to_built = False

    def delay_update(self, delay: float = 0.05) -> None:
        # switch_mode holds every frame 50 ms to hide a screen still composing; one built ahead is composed
        # and laid out, and its first frame came after the first page of its data (docs/performance.md).
        if not self._switching_to_built:
            super().delay_update(delay)

    def get_default_screen(self) -> LoginScreen:
        return LoginScreen()

    def on_mount(self) -> None:
        self.add_mode(LOGIN_MODE, LoginScreen)
        if self._wanted_keymap or self._keymap_problems:
            self.run_worker(self._apply_keymap(), exit_on_error=False, group="keymap")

    async def _apply_keymap(self) -> None:
        from ssp_tui.tui.keymap import apply_keymap

        await apply_keymap(self, self._wanted_keymap, self._keymap_source, self._keymap_problems)

    def on_app_focus(self, event: events.AppFocus) -> None:
        # In a browser tab (ssp-tui web) the app starts without focus, so Textual skipped the screen's
        # AUTO_FOCUS (the login screen's username) and has nothing to give focus back to: give it now,
        # before the keys that follow the focus.
        screen = self.screen
        selector = screen.AUTO_FOCUS or self.AUTO_FOCUS
        if screen.focused is not None or not selector:
            return
        widget = next((widget for widget in screen.query(selector) if widget.focusable), None)
        if widget is not None:
            widget.focus()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)) and not event.is_forwarded:
            self.user_pause.seen()  # the screens built ahead and the heap's settle wait until the user pauses
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
        elif not (self._typed_ahead.hold(event) or self._section_by_key(event.key)):
            await super().on_event(event)
            self._typed_ahead.handed_on()

    def hold_keys_until_screen(self, worker: Worker[Any]) -> None:
        self._typed_ahead.hold_until_screen(worker)

    async def _deliver_typed_ahead(self, event: events.Key) -> None:
        if not self._section_by_key(event.key):
            await super().on_event(event)

    def _section_by_key(self, key: str) -> bool:
        """Open the section bound to ``key`` before the focused widget sees the key (True when it did).

        A widget that takes printable keys hides the app's bindings of those keys from Textual's binding
        chain, even priority ones: an open drop-down list (Select, with type-to-search) in Credentialing or
        Risk Management took the digit and the section never opened (issue 19). Only a text field keeps its
        digits, and a dialog its keys."""
        if self.controller.user is None or self.screen.is_modal or isinstance(self.focused, Input):
            return False
        for number in section_numbers(self._bindings, self._keymap, key):
            if self.check_action("section_key", (number,)):
                self.action_section_key(number)
                return True
        return False

    # -- sections --

    def visible_sections(self) -> list[Section]:
        user = self.controller.user
        if user is None:
            return []
        from ssp_tui.tui.section_registry import SECTIONS, sections_for

        return sections_for(user, self._section_registry if self._section_registry is not None else SECTIONS)

    def can_open(self, section_id: str) -> bool:
        return any(section.id == section_id for section in self.visible_sections())

    def open_section(
        self, section_id: str, intent: str | None = None, record: RecordRef | None = None
    ) -> None:
        """Switch to the section; then hand it the quick jump's ``intent`` or the ``record`` to open (Home's
        attention items: exactly the account or policy term the item is about)."""
        from ssp_tui.tui.section_screen import SectionScreen

        if not self.can_open(section_id):
            return
        built = self.prebuilder.built(section_id)
        if isinstance(built, SectionScreen) and built.is_mounted:
            built.open()  # its fetch first: Textual's restyle of the screen as it resumes would hold it back
            self._switching_to_built = True
        try:
            mounted = self.switch_mode(section_id)
        finally:
            self._switching_to_built = False
        screen = self.screen
        if intent is not None or record is not None:

            async def deliver() -> None:
                # On a first visit the screen is still being composed: wait for it and for one refresh, so
                # that widgets mounting children of their own (tabs) have them before the intent arrives.
                # A screen built ahead may still be mounting: the switch does not wait for that, so wait for
                # the screen itself too.
                await mounted
                await AwaitMount(screen, [screen])
                self.call_after_refresh(self._deliver_intent, intent, record)

            self.call_later(deliver)

    def _deliver_intent(self, intent: str | None, record: RecordRef | None) -> None:
        from ssp_tui.tui.section_screen import SectionScreen

        if isinstance(self.screen, SectionScreen):
            if intent is not None:
                self.screen.open_intent(intent)
            if record is not None:
                self.screen.open_record(record)

    def action_section_key(self, key: str) -> None:
        section = next((s for s in self.visible_sections() if s.key == key), None)
        if section is not None:
            self.open_section(section.id)

    async def enter_portal(self) -> None:
        """After sign-in: one mode per section this user may open, then Home."""
        from ssp_tui.tui.section_registry import HOME_SECTION_ID

        for section in self.visible_sections():
            if section.id not in self._section_modes:
                self.add_mode(section.id, self._mode_screen(section))
                self._section_modes.add(section.id)
        await self.switch_mode(HOME_SECTION_ID)

    def prebuild_sections(self) -> None:
        """Home has drawn its data (or said why it could not): build the other sections' screens in the idle
        turns to come, so that their keys only switch to them (``tui/section_prebuild.py``)."""
        from ssp_tui.tui.section_registry import HOME_SECTION_ID

        if self.prebuild and self.controller.user is not None:
            self.prebuilder.start([s for s in self.visible_sections() if s.id != HOME_SECTION_ID])

    def settle_heap(self) -> None:
        self.heap.settle_when_idle()

    def _mode_screen(self, section: Section) -> Callable[[], Screen[None]]:
        """The factory of the section's mode: the screen built ahead when there is one, else a new one."""

        def make() -> Screen[None]:
            return self.prebuilder.take(section.id) or self._new_section_screen(section)

        return make

    def _new_section_screen(self, section: Section) -> Screen[None]:
        """The section's screen, which Textual takes as styled by the current stylesheet (it is, from its
        first mount). Otherwise Textual re-parses every stylesheet of the app the first time it shows each
        section (Textual counts a new screen as stale): 0.1-0.3 s of every first open, more on a busy machine
        (docs/performance.md). A theme change still restyles every section: it moves the app's count on."""
        screen = section.screen_factory()()
        screen._css_update_count = self._css_update_count
        return screen

    async def leave_portal(self) -> None:
        # The screens built ahead for this user go with their modes: the next user gets their own.
        for screen in await self.prebuilder.stop():
            await screen.remove()
        await self.switch_mode(LOGIN_MODE)
        for mode in sorted(self._section_modes):
            await self.remove_mode(mode)
        self._section_modes.clear()
        # Whatever the user's screens and data left frozen is collected now (tui/heap.py).
        self.heap.thaw()

    # -- app-wide actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "logout":
            return self.controller.user is not None
        if action in ("focus_next", "focus_previous"):
            return not focused_binds(self.screen.focused, self, action)
        if action == "section_key":
            return any(s.key == parameters[0] for s in self.visible_sections()) if parameters else False
        return True

    def action_help(self, tab: str = "faq") -> None:
        from ssp_tui.tui.help import open_help

        open_help(self, self.visible_sections(), tab)

    @property
    def download_history(self) -> DownloadHistory:
        """Every download batch of this app's life (made on first use: it imports the download engine)."""
        if self._download_history is None:
            from ssp_tui.tui.common.download_history import DownloadHistory

            self._download_history = DownloadHistory()
        return self._download_history

    def action_downloads(self) -> None:
        from ssp_tui.tui.dialogs.downloads_view import DownloadsScreen

        if not isinstance(self.screen, DownloadsScreen):
            web = self.browser_delivery is not None
            view = DownloadsScreen.of_session(self.download_history, self.controller, in_browser=web)
            self.push_screen(view)

    def action_settings(self) -> None:
        from ssp_tui.tui.settings_screen import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.controller.profile))

    async def action_logout(self) -> None:
        if self.controller.user is None:
            return
        self.run_worker(self._logout(), exclusive=True, exit_on_error=False, group="logout")

    async def _logout(self) -> None:
        try:
            await self.controller.logout()
        except Exception as error:  # the session is forgotten here either way; say what the portal said
            self.show_error(error)
        await self.leave_portal()
        self.notify("You are signed out.")

    async def ask_relogin(self) -> bool:
        """Opened by the controller when a call meets an expired session; True once signed in again."""
        from ssp_tui.tui.sign_in.relogin import ReloginScreen

        user = self.controller.user
        if user is None:
            return False
        return bool(await self.push_screen_wait(ReloginScreen(user.username)))

    # -- profile and demo logins --

    def demo_totp_secret(self, username: str) -> str | None:
        account = self.demo_accounts.get(username)
        return account.totp_secret if account else None

    async def remember_username(self, username: str | None) -> None:
        """Keep the username for this portal in the profile's file (None: forget it)."""
        if self.controller.remember_username(username):
            await self.save_profile()

    async def save_profile(self) -> None:
        """Write the profile to the config file; in a browser session it is kept in memory only."""
        if self.browser_delivery is not None:
            return
        import asyncio

        from ssp_tui.settings.config import save_profile

        await asyncio.to_thread(save_profile, self.controller.profile_name, self.controller.profile)

    # -- errors --

    def show_error(self, error: BaseException) -> None:
        """The one way a failure reaches the screen: a notification, or the error modal when serious."""
        from ssp_tui.tui.dialogs.error_modal import ErrorModal, describe_error

        title, message, serious = describe_error(error)
        log.warning("action failed: %s", type(error).__name__)
        if serious:
            self.push_screen(ErrorModal(title, message))
        else:
            self.notify(message, title=title, severity="warning", timeout=8)

    def on_ready(self) -> None:
        # For benchmarks/bench_startup.py: with SSP_TUI_EXIT_WHEN_READY set, exit as soon as the login
        # screen's first frame is shown and it takes keys, so start-up can be timed from outside.
        import os

        if os.environ.get("SSP_TUI_EXIT_WHEN_READY"):
            self.call_after_refresh(self.exit)

    async def _shutdown(self) -> None:
        # Textual closes every node before the app's unmount: a screen half built ahead was closed while its
        # widgets were still mounting ("No Tab with id 'nav-support'" from its menu bar). It is let finish,
        # and the screens never opened are removed, before Textual closes the rest.
        for screen in await self.prebuilder.stop():
            await screen.remove()
        self.heap.release()
        await super()._shutdown()

    async def on_unmount(self) -> None:
        await self.controller.aclose()
