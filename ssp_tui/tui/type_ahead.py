"""Keys typed while the screen on top is still being composed wait for it (issue 19: keys land where typed).

A dialog opened by a key (`h` for a COI holder, F2, a download's `d`) is pushed at once, but composed and
focused a moment later. Textual hands a key to the focused widget or, with none yet, to the screen, whose
bindings have nothing for a letter: what a fast typist (or a password manager) sent in that moment was lost.
Here the app holds those keys and, once the screen is mounted (its AUTO_FOCUS applied), delivers them in
order through the app's queue, so that a focus the screen asked for on mount comes first. (A key that opens
a dialog must act as it arrives for this to help: a priority binding, as Credentialing's `h`; otherwise the
keys after it have already been handed to the screen below.)
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque
from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App, ScreenStackError
from textual.screen import Screen

MOUNT_RECHECK_S = 0.5
"""How often a screen that is not mounted yet is looked at again (it may have been replaced meanwhile)."""


class TypeAhead:
    """The keys held for a screen being composed; ``hold`` says whether it took the key."""

    def __init__(self, app: App[object], deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        self._app = app
        self._deliver = deliver
        self._held: deque[events.Key] = deque()
        self._releasing = False
        self._settled_on: weakref.ref[Screen[object]] | None = None
        """The screen the last key was delivered to: a key for any other goes through the app's queue first,
        behind the focus its on_mount may have asked for."""

    def hold(self, event: events.Key) -> bool:
        if not self._releasing and self._ready() and self._settled():
            return False
        # Once one key waits, every later one waits behind it, so that the order typed is the order handled.
        self._held.append(event)
        if not self._releasing:
            self._releasing = True
            self._app.run_worker(self._release(), group="type-ahead", exit_on_error=False)
        return True

    def _ready(self) -> bool:
        try:
            return self._app.screen.is_mounted
        except ScreenStackError:  # before the first screen
            return False

    def _settled(self) -> bool:
        return self._settled_on is not None and self._settled_on() is self._app.screen

    async def _release(self) -> None:
        try:
            while self._held:
                if not self._ready():
                    await self._mounted()
                    continue
                await self._through_the_queue(self._held.popleft())
                with contextlib.suppress(ScreenStackError):
                    self._settled_on = weakref.ref(self._app.screen)
        finally:
            self._releasing = False

    async def _mounted(self) -> None:
        try:
            mounted = self._app.screen._mounted_event
        except ScreenStackError:
            await asyncio.sleep(MOUNT_RECHECK_S / 10)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(mounted.wait(), MOUNT_RECHECK_S)

    async def _through_the_queue(self, event: events.Key) -> None:
        """Deliver ``event`` from the app's own queue: behind what the screen's mount asked of the app."""
        delivered = asyncio.Event()

        async def deliver() -> None:
            try:
                await self._deliver(event)
            finally:
                delivered.set()

        self._app.call_later(deliver)
        await delivered.wait()
