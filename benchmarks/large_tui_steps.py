"""bench_large_tui's steps: each section's name, key, data-on-screen predicate and raw fetch; a key pressed
and timed until its data is on screen; the app let go idle between keys; the process's resident memory.
The predicates run every 5 ms in the app's own process and loop while a key is timed."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks import large_raw as raw
from benchmarks.bench_login_home import WAIT_STEP_S, until
from ssp_tui.tui.app import SspApp
from ssp_tui.widgets.virtual_table import VirtualTable

Shown = Callable[[SspApp], bool]


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def screen_is(app: SspApp, section_id: str) -> bool:
    return getattr(app.screen, "SECTION_ID", None) == section_id


_TABLES: weakref.WeakKeyDictionary[object, dict[str, VirtualTable]] = weakref.WeakKeyDictionary()
"""The tables found on each screen: the predicates run every 5 ms in the app's own process and loop, and a
query walks the screen's ~90 widgets each time (CPU the raw baseline does not pay)."""


def table_rows(app: SspApp, selector: str) -> int:
    screen = app.screen
    found = _TABLES.setdefault(screen, {})
    table = found.get(selector)
    if table is None:
        tables = screen.query(selector)
        if not tables:
            return 0
        table = found[selector] = tables.first(VirtualTable)
    return table.model.row_count


def payments_shown(app: SspApp) -> bool:
    return screen_is(app, "payments") and table_rows(app, "#billing-table") > 0


def policy_services_shown(app: SspApp) -> bool:
    return screen_is(app, "policy_services") and table_rows(app, "#document-table") > 0


def credentialing_shown(app: SspApp) -> bool:
    screen = app.screen
    return screen_is(app, "credentialing") and bool(getattr(screen, "selection", None).certificates)  # type: ignore[union-attr]


def library_shown(section_id: str, prefix: str) -> Shown:
    return lambda app: screen_is(app, section_id) and table_rows(app, f"#{prefix}-table") > 0


def seminars_shown(app: SspApp) -> bool:
    screen = app.screen
    return (
        screen_is(app, "seminars")
        and not getattr(screen, "activity_loading", True)
        and table_rows(app, "#activity-table") > 0
        and table_rows(app, "#catalog-table") > 0
    )


Section = tuple[str, str, Shown, Callable[..., Awaitable[object]]]
"""A section's name, its key, its data shown, its raw fetch."""

SECTIONS: list[Section] = [
    ("Payments", "2", payments_shown, raw.payments),
    ("Policy Services", "3", policy_services_shown, raw.policy_services),
    ("Credentialing (whole book)", "4", credentialing_shown, raw.credentialing),
    ("Risk Management", "5", library_shown("risk", "risk"), raw.risk),
    ("Seminars (all activity)", "6", seminars_shown, raw.seminars),
    ("Agent", "7", library_shown("agent", "agent"), raw.agent),
]


def chosen_sections(names: str | None) -> list[Section]:
    """The sections whose name starts with one of ``names`` (comma-separated); every one when None."""
    if names is None:
        return SECTIONS
    wanted = [name.strip().lower() for name in names.split(",") if name.strip()]
    chosen = [section for section in SECTIONS if any(section[0].lower().startswith(w) for w in wanted)]
    if not chosen:
        raise SystemExit(f"no section starts with {names!r}: {', '.join(s[0] for s in SECTIONS)}")
    return chosen


async def press_until(pilot: object, key: str, shown: Callable[[], object], what: str) -> float:
    """Seconds from pressing ``key`` to ``shown()`` holding.

    The key is pressed in a task of its own: ``Pilot.press`` returns only once every widget of the screen
    has handled its messages, so awaiting it timed Pilot's idle detection too, and, once the app built the
    section screens ahead while idle after Home (tui/section_prebuild.py), that whole build: sign-in measured
    1.1-1.4 s against 0.29-0.35 s with the build turned off, Home's data being on screen at the latter."""
    started = time.perf_counter()
    pressing = asyncio.create_task(pilot.press(key))  # type: ignore[attr-defined]
    await until(shown, what, timeout_s=900)
    elapsed = time.perf_counter() - started
    await pressing
    return elapsed


IDLE_SETTLE_S = 0.1
"""How long the app must stay without a running worker to count as idle: a table starts its search index
after the frame that shows its rows, a moment after they arrive."""


async def idle(app: SspApp, pilot: object) -> None:
    """Until every worker the app started has ended, the section screens are built ahead (the app does that
    while idle after Home, tui/section_prebuild.py), the heap has been settled after the last load
    (tui/heap.py), the app has handled what they posted, and nothing new has started for IDLE_SETTLE_S
    (untimed)."""

    prebuilder = getattr(app, "prebuilder", None)  # absent before 2026-12-07 (the bench runs on older code)
    heap = getattr(app, "heap", None)  # the same: the collect-and-freeze after a load (tui/heap.py)

    def busy() -> bool:
        building = bool(prebuilder and prebuilder.running) or bool(heap and heap.settling)
        return any(not w.is_finished for w in app.workers) or building

    while True:
        while busy():
            await asyncio.sleep(WAIT_STEP_S)
        await pilot.pause()  # type: ignore[attr-defined]
        await asyncio.sleep(IDLE_SETTLE_S)
        if not busy():
            return
