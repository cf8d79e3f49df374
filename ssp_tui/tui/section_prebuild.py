"""Section screens built ahead of their keys: after Home has drawn its data, in idle turns, one at a time.

Composing, styling and laying out a section's screen (about 90 widgets) took 0.3-1 s of its first open on the
large book, several times the portal's answer (docs/performance.md, "Section screens built ahead"). So once
Home is drawn, each section the user may open is imported (in a thread), composed and mounted, then laid out
and drawn once off screen, each step in an idle turn: no worker of the app running (a fetch, a download, a
search index) and the screen on top drawn. The section's key then only switches to the built screen, which
fetches its data as it is shown (``SectionScreen.first_shown``): screens are built ahead, the portal's data
never is.

A key pressed while its section is being built gets that same screen: the mode's factory takes it from here
and Textual shows it once mounted. A key pressed before its section's turn builds the screen at once, as
before, and the prebuilder skips it. Sign-out and exit stop the prebuilder and remove the screens it built.

Textual has no public way to mount, lay out or draw a screen that is not shown; this does what
``App._init_mode`` and ``Screen._on_timer_update`` do for a shown one (``_register``, ``_refresh_layout``,
``_layout_required``, ``_compositor``: Textual 8.2's internals, pinned below 8.3 in pyproject.toml).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.widget import AwaitMount

from ssp_tui.tui.idle import UserPause

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from ssp_tui.tui.section_registry import Section

log = logging.getLogger(__name__)

LAYOUT_PASSES = 3
"""At most this many layouts of a screen built ahead: a widget sized by the first may ask for a second."""


class SectionPrebuilder:
    """Builds the section screens of the signed-in user while the app is idle; hands each to its mode."""

    def __init__(
        self,
        app: App[None],
        make_screen: Callable[[Section], Screen[None]],
        when_built: Callable[[], None] | None = None,
        pause: UserPause | None = None,
    ) -> None:
        self._app = app
        self._pause = pause or UserPause()
        """Each step starts once the user has paused (``tui/idle.py``): the keys of someone typing should
        not wait behind a mount. A key arriving during one still waits: Textual mounts a screen at once."""
        self._make_screen = make_screen
        self._when_built = when_built
        """Called once a start's screens are all built (the app settles its heap then, ``tui/heap.py``)."""
        self._screens: dict[str, Screen[None]] = {}
        """Built (or being mounted) and not opened yet, by section id."""
        self._opened: set[str] = set()
        """Sections whose mode has made or taken its screen: never built here again."""
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """A build is queued or under way."""
        return self._task is not None and not self._task.done()

    def built(self, section_id: str) -> Screen[None] | None:
        """The screen built ahead for the section and not opened yet (it may still be mounting)."""
        return self._screens.get(section_id)

    def start(self, sections: Sequence[Section]) -> None:
        """Build these sections' screens in the idle turns to come, in order (those not built or opened)."""
        if self.running:
            return
        waiting = [s for s in sections if s.id not in self._screens and s.id not in self._opened]
        if waiting:
            self._task = asyncio.create_task(self._build_all(waiting), name="section prebuild")

    def take(self, section_id: str) -> Screen[None] | None:
        """For the section's mode, as it is opened: the screen built ahead (perhaps still mounting), or None
        when there is none yet (the mode builds its own, and the section is not built here any more)."""
        self._opened.add(section_id)
        return self._screens.pop(section_id, None)

    async def stop(self) -> list[Screen[None]]:
        """Stop building (sign-out) and forget every section; returns the screens built and never opened, for
        the app to remove. A screen being mounted is let finish first, so that it is removed whole."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        screens = list(self._screens.values())
        self._screens.clear()
        self._opened.clear()
        return screens

    async def _build_all(self, sections: Sequence[Section]) -> None:
        for section in sections:
            try:
                await self._build(section)
            except asyncio.CancelledError:
                raise
            except Exception:  # its key builds it again, and shows what went wrong there
                log.exception("building the %s screen ahead failed", section.id)
        if self._when_built is not None:
            self._when_built()

    async def _build(self, section: Section) -> None:
        await self._until_idle()
        if section.id in self._opened:
            return
        # The section's imports (its panes, the download engine, PDF and Excel code) off the event loop; a key
        # pressed meanwhile imports it on the loop, waiting for this import to finish, as it would anyway.
        await asyncio.to_thread(section.screen_class)
        await self._until_idle()
        if section.id in self._opened:
            return
        screen = self._make_screen(section)
        self._screens[section.id] = screen
        mounting = asyncio.ensure_future(self._mount(screen))
        try:
            await asyncio.shield(mounting)
        except asyncio.CancelledError:
            await mounting  # sign-out or exit: it is removed once whole, never half mounted
            raise
        for _ in range(LAYOUT_PASSES):
            await self._until_idle()
            if self._screens.get(section.id) is not screen:
                return  # opened meanwhile: Textual lays it out and draws it as it does any screen
            if not self._lay_out(screen):
                break
        await self._until_idle()
        if self._screens.get(section.id) is screen:
            self._draw(screen)

    async def _mount(self, screen: Screen[None]) -> None:
        # As App._init_mode does for a mode's first screen: registered with the app, the screen composes and
        # mounts its widgets in its own task; not in any mode's stack, it is not shown.
        await AwaitMount(screen, self._app._register(self._app, screen))

    def _lay_out(self, screen: Screen[None]) -> bool:
        """Lay the screen out for the app's size, as Textual does when it shows it; False when nothing was
        left to do. Its widgets are told their sizes (``Resize``) as on screen, and may ask for another pass
        (a header fitting its text to the width)."""
        size = self._app.size
        if not screen._layout_required and screen.outer_size == size:
            return False
        screen._layout_required = False  # else the screen's first update on show would lay it out again
        screen._refresh_layout(size)
        return True

    def _draw(self, screen: Screen[None]) -> None:
        """Render the laid-out screen once, not to the terminal: each widget keeps its rendered lines, and
        the first frame after the key reuses them, not rendering ~90 widgets while the fetch is under way."""
        screen._compositor.render_update(full=True)

    async def _until_idle(self) -> None:
        await self._pause.until_paused(self._app)
