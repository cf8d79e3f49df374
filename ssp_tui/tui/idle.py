"""When the app is idle: no worker of it running and the screen on top drawn; and when the user has paused.

The section screens are built ahead (``section_prebuild.py``) and the heap is settled (``heap.py``) only then,
so that neither holds back a fetch, a search index being built, a frame, or the keys of someone typing: a
screen's mount holds the event loop 0.1-0.5 s, a settle's collection 0.1-0.3 s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

IDLE_RECHECK_S = 0.05
"""While a worker runs, how long to wait before looking again."""


async def until_idle(app: App[None]) -> None:
    """Until no worker of the app runs and the screen on top has drawn what was pending."""
    while True:
        if any(not worker.is_finished for worker in app.workers):
            await asyncio.sleep(IDLE_RECHECK_S)
            continue
        drawn = asyncio.Event()
        if not app.call_after_refresh(drawn.set):
            await asyncio.sleep(IDLE_RECHECK_S)  # the app is closing: it cancels the waiting task
            continue
        await drawn.wait()
        if not any(not worker.is_finished for worker in app.workers):
            return


PAUSE_S = 0.5
"""The user has paused once they have pressed no key and clicked nothing for this long."""


class UserPause:
    """When the user last pressed a key or clicked (the app tells it), and waiting until they pause."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None
        self.waiting = False
        """Held back by the user's input (tests read it)."""

    def seen(self) -> None:
        self._last = self._clock()

    async def until_paused(self, app: App[None]) -> None:
        """Until the app is idle and the user has not typed or clicked for PAUSE_S."""
        while True:
            await until_idle(app)
            wait = 0.0 if self._last is None else self._last + PAUSE_S - self._clock()
            if wait <= 0:
                return
            self.waiting = True
            try:
                await asyncio.sleep(min(wait, PAUSE_S))
            finally:
                self.waiting = False
