"""When the app is idle: no worker of it running and the screen on top drawn.

The section screens are built ahead (``section_prebuild.py``) and the heap is settled (``heap.py``) only then,
so that neither holds back a fetch, a search index being built, or a frame.
"""

from __future__ import annotations

import asyncio
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
