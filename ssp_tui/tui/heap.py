"""The cyclic garbage collector kept off what the app holds for the whole session.

With the section screens built ahead and the large book loaded, the app holds 330,000-480,000 objects the
collector tracks (Textual's rendered lines and their caches, the widgets, the Credentialing tree), and
CPython's full collection, which walks every one of them, took 110-250 ms; it falls wherever enough new
objects have piled up, once inside a filter keystroke (280 ms where the others took 20-50) and once between
Policy Services' data and its frame (docs/performance.md, "Policy Services and the collector").

So after a large load has landed (the screens built ahead; a section's data drawn, when the heap has grown
by a lot since), once the app is idle and the user has paused (``tui/idle.py``), the keeper collects once
and freezes what survives (``gc.freeze``: CPython's permanent generation, which its own collections never
walk). Its later full collections walk only what came since. Frozen objects whose last reference goes are
still freed at once (reference counts are untouched); only cycles among them wait, until the next settle,
which unfreezes and collects first, or sign-out, which unfreezes everything and collects. The rows of a
listing are not tracked at all (``api.models.common.Listed``).
"""

from __future__ import annotations

import asyncio
import gc
from typing import TYPE_CHECKING

from ssp_tui.tui.idle import PAUSE_S, UserPause

if TYPE_CHECKING:
    from textual.app import App

SETTLE_AFTER_GROWTH = 50_000
"""Settle again once a quarter as many objects as are frozen (CPython's own rule for a full collection), and
at least this many, have joined the collector's oldest generation since the last settle: the collections
are then about as many as CPython's own, but at moments the app picks, and each of CPython's between them
walks no more than that quarter."""


def unfrozen_growth() -> int:
    """Objects in the collector's oldest generation, i.e. long-lived and not frozen (a list of them is made:
    a millisecond or two for the tens of thousands there are after a settle)."""
    return len(gc.get_objects(generation=2))


class HeapKeeper:
    """Collects and freezes the long-lived heap at moments the app picks: idle, after a large load."""

    def __init__(self, app: App[None], pause: UserPause | None = None) -> None:
        self._app = app
        self._pause = pause or UserPause()
        self._task: asyncio.Task[None] | None = None
        self.settles = 0
        """How many times the heap was collected and frozen (tests read it)."""
        self._frozen = 0
        """Objects frozen by the last settle: ``gc.get_freeze_count()`` walks them all (25 ms for 426,000),
        so it is asked once, as they are frozen, not at each check."""

    @property
    def settling(self) -> bool:
        """A settle is waiting for the app to be idle (or running)."""
        return self._task is not None and not self._task.done()

    def settle(self) -> None:
        """Collect everything, frozen objects included, and freeze what survives: now."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._frozen = gc.get_freeze_count()
        self.settles += 1

    def settle_when_idle(self) -> None:
        """After a load: once the app is idle, settle if the heap has grown by enough since the last settle.
        Several loads landing together settle once."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._settle_when_idle(), name="heap settle")

    def cancel(self) -> None:
        """No settle to come (sign-out; the app is closing)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def thaw(self) -> None:
        """Sign-out: nothing stays frozen, and everything the user's screens and data left is collected now.
        Not frozen again: what is still winding down (a removed screen's task) would be frozen with the
        survivors and kept until the next settle; the next user's loads settle again."""
        self.cancel()
        gc.unfreeze()
        gc.collect()
        self._frozen = 0

    def release(self) -> None:
        """The app is closing: nothing stays frozen on its account (a process that runs several apps, the
        tests, would otherwise keep the last one's cycles until another app settles)."""
        self.cancel()
        if self.settles:
            gc.unfreeze()

    def grown_enough(self) -> bool:
        return unfrozen_growth() >= max(SETTLE_AFTER_GROWTH, self._frozen // 4)

    async def _settle_when_idle(self) -> None:
        # Not at the frame that shows the data: a moment later, once idle, and not while the user types.
        await asyncio.sleep(PAUSE_S)
        await self._pause.until_paused(self._app)
        if self.grown_enough():
            self.settle()

