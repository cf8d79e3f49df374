"""Keys typed while the screen on top is still being composed wait for it (issue 19: keys land where typed).

A dialog opened by a key (`h` for a COI holder, F2, a download's `d`) is pushed at once, but composed and
focused a moment later. Textual hands a key to the focused widget or, with none yet, to the screen, whose
bindings have nothing for a letter: what a fast typist (or a password manager) sent in that moment was lost.
Here the app holds those keys and, once the screen is mounted (its AUTO_FOCUS applied), delivers them in
order through the app's queue, so that a focus the screen asked for on mount comes first. (A key that opens
a dialog must act as it arrives for this to help: a priority binding, as Credentialing's `h`; otherwise the
keys after it have already been handed to the screen below.)

A dialog pushed by a worker (a download's `d`: the jobs are made first, then the dialog) comes a moment after
its key was handled: ``hold_until_screen(worker)`` holds the keys typed meanwhile until that worker pushes a
screen (they go to it) or ends without one (they go where they would have gone).

One key at a time: Textual hands each key to the focused widget's own queue, from where a key no widget
takes bubbles up, queue by queue, to the screen's and the app's bindings. A key typed right behind it was
handed on before that one was handled, and a priority binding (acted on as the key arrives) even acted
before it: `a` then `d` downloaded nothing, `d` having asked for the selection before `a` made it. So a
key that arrives while the one before it is still on its way up waits for it (``_passed``).
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App, ScreenStackError
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerFailed

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
        self._coming: set[Worker[Any]] = set()
        """Workers that are about to push a screen: keys wait for it (``hold_until_screen``)."""
        self._came = asyncio.Event()
        """Set when a screen was pushed, popped or switched to, or a worker in ``_coming`` ended."""
        self._subscribed = False
        self._on_its_way: asyncio.Task[None] | None = None
        """Follows the key handed on last up its queues (``_passed``); done once every one has handled it."""

    def handed_on(self) -> None:
        """The app just handled a key or handed it to the focused widget: the next one waits for it."""
        self._on_its_way = asyncio.ensure_future(self._passed(self._key_path()))

    def _key_path(self) -> list[MessagePump]:
        try:
            target = self._app.focused or self._app.screen
        except ScreenStackError:
            return []
        return target.ancestors_with_self

    @staticmethod
    async def _passed(path: list[MessagePump]) -> None:
        """Until a key handed to ``path[0]`` has been handled by every node on its way up to the app: a
        callback queued behind it at each node in turn (the key is queued at the parent before the child
        takes its next message). A node that closes meanwhile (a dialog dismissed) is not waited for."""
        for node in path:
            reached = asyncio.Event()
            if not node.call_later(reached.set):
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reached.wait(), MOUNT_RECHECK_S)

    def hold_until_screen(self, worker: Worker[Any]) -> None:
        """Hold the keys typed from now on until ``worker`` pushes a screen, or ends without one.

        Call it where the worker is started, in the key's action: that runs as the key arrives (a priority
        binding), before the next key is handled."""
        if worker.is_finished:
            return
        if not self._subscribed:
            # Any change of the screen on top ends the wait: the keys go to whatever is on top then.
            self._app.screen_change_signal.subscribe(self._app, self._screen_changed, immediate=True)
            self._subscribed = True
        self._coming.add(worker)
        self._app.run_worker(self._ended(worker), group="type-ahead-coming", exit_on_error=False)

    def _screen_changed(self, _screen: Screen[object]) -> None:
        self._coming.clear()
        self._came.set()

    async def _ended(self, worker: Worker[Any]) -> None:
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await worker.wait()
        self._coming.discard(worker)
        self._came.set()

    def hold(self, event: events.Key) -> bool:
        if (
            not self._releasing
            and not self._coming
            and (self._on_its_way is None or self._on_its_way.done())
            and self._ready()
            and self._settled()
        ):
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
                if self._on_its_way is not None and not self._on_its_way.done():
                    await self._on_its_way
                    continue
                if self._coming:
                    self._came.clear()
                    await self._came.wait()
                    continue
                if not self._ready():
                    await self._mounted()
                    continue
                await self._through_the_queue(self._held.popleft())
                self.handed_on()
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
