"""bench_large_tui's filter keystrokes: typed into the Seminars activity filter (200,000 rows), each timed
from the key to the frame drawn with the table, the count and the summary, and the collector's part."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

from benchmarks.bench_login_home import until
from benchmarks.common import Samples
from ssp_tui.tui.app import SspApp
from ssp_tui.widgets.virtual_table import VirtualTable

FILTER_KEYS = ("m", "a", "backspace", "backspace")
"""Typed into the Seminars activity filter: one letter (a scan of every row), a second (narrowing), and back
("m" again, then every row)."""


class FrameClock:
    """When the screen is drawn with everything a keystroke changed: the table's lines, the filter's count and
    the activity summary each rendered again, then the frame handed to the driver (``App._display``)."""

    def __init__(self, app: SspApp) -> None:
        from textual.widgets import Static

        self.app = app
        screen = app.screen
        self.table = screen.query_one("#activity-table", VirtualTable)
        self.parts: dict[str, object] = {
            "table": self.table,
            "count": screen.query_one("#activity-filter .filter-bar--count", Static),
            "summary": screen.query_one("#activity-summary", Static),
        }
        self.rendered: set[str] = set()
        self.started = 0.0
        self.cpu_started = 0.0
        self.drawn: float | None = None
        self.cpu = 0.0
        """The main thread's CPU seconds from the key to the frame (what load does not stretch)."""
        self.drawn_event = asyncio.Event()
        self.gc_s = 0.0
        """Seconds the cyclic garbage collector ran between the key and the frame."""
        self.gc_full = 0
        """Of its collections then, how many were full (generation 2)."""
        self._gc_started = 0.0
        self._hook()

    def _hook(self) -> None:
        render_line = self.table.render_line

        def table_line(y: int) -> object:
            self.rendered.add("table")  # called only for lines that are drawn again
            return render_line(y)

        self.table.render_line = table_line  # type: ignore[method-assign]
        for name in ("count", "summary"):
            widget = self.parts[name]
            render = widget._render_content  # type: ignore[attr-defined]

            def rendered(name: str = name, render: Callable[[], None] = render) -> None:
                self.rendered.add(name)
                render()

            widget._render_content = rendered  # type: ignore[attr-defined]
        display = self.app._display

        def displayed(screen: object, update: object) -> None:
            display(screen, update)  # type: ignore[arg-type]
            if self.drawn is None and self.rendered >= set(self.parts):
                self.drawn = time.perf_counter()
                self.cpu = time.thread_time() - self.cpu_started
                self.drawn_event.set()

        self.app._display = displayed  # type: ignore[method-assign]
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, info: dict[str, int]) -> None:
        if not self.started or self.drawn is not None:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        self.gc_s += time.perf_counter() - self._gc_started
        self.gc_full += info["generation"] == 2

    def close(self) -> None:
        gc.callbacks.remove(self._collecting)

    def start(self) -> None:
        self.rendered.clear()
        self.drawn = None
        self.drawn_event.clear()
        self.gc_s = 0.0
        self.gc_full = 0
        self.started = time.perf_counter()
        self.cpu_started = time.thread_time()


async def keystroke(app: SspApp, pilot: object, samples: Samples) -> None:
    """Keys typed in the Seminars activity filter, each timed from the key to the screen drawn with its rows,
    count and summary ("keystroke"), and to Pilot finding the app idle after it ("keystroke to idle", the
    measure before 2026-12-07: it adds Pilot's idle detection, at least two 20 ms sleeps, to every key)."""
    from textual.widgets import Input

    await pilot.press("6")  # back to the Seminars screen, already loaded
    await until(lambda: getattr(app.screen, "SECTION_ID", None) == "seminars", "the Seminars screen")
    await pilot.pause()  # type: ignore[attr-defined]
    table = app.screen.query_one("#activity-table", VirtualTable)
    while not table.model.has_search_index:  # built in the background after the last page
        await asyncio.sleep(0.01)
    clock = FrameClock(app)
    app.screen.query_one("#activity-filter Input", Input).focus()
    for key in FILTER_KEYS:
        await pilot.pause()  # type: ignore[attr-defined]
        await asyncio.sleep(0.1)  # idle between keys, as between a person's
        clock.start()
        await pilot.press(key)  # type: ignore[attr-defined]
        idle = time.perf_counter() - clock.started
        await asyncio.wait_for(clock.drawn_event.wait(), timeout=60)
        assert clock.drawn is not None
        samples.add("keystroke", clock.drawn - clock.started)
        samples.add("keystroke to idle", idle)
        samples.add("keystroke CPU", clock.cpu)
        samples.add("keystroke GC", clock.gc_s)
        drawn = (clock.drawn - clock.started) * 1000
        print(
            f"  keystroke {key!r}: drawn {drawn:.0f} ms ({clock.cpu * 1000:.0f} ms CPU; garbage collector "
            f"{clock.gc_s * 1000:.0f} ms, {clock.gc_full} full), idle {idle * 1000:.0f} ms",
            flush=True,
        )
    clock.close()
