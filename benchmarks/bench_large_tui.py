"""The TUI on the large book: sign-in to Home, the first open of every section, a filter keystroke, memory.

Run: .venv/bin/python -m benchmarks.bench_large_tui [--runs 3]

A copy of the large book (benchmarks/large_book.py) is served by the embedded sandbox. Each round:
  app  a headless SspApp (Pilot, 160x50): the agent `bigbook` signs in on the login screen (a remembered
       device, so no MFA step) and is timed until Home shows its data; then each section is opened by its
       number key and timed until its data is on screen: Payments (every billing account), Policy Services
       (the active policies, and the first one's documents), Credentialing (the whole book: every insured of
       an active policy and their current certificates), Risk Management, Seminars (the catalog and all
       200,000 activity rows), Agent. Before each timed key the app is let go idle (every worker it started
       has ended, e.g. the search index Seminars builds in a thread after its last page; the section screens
       the app builds ahead after Home are built; and the app has handled what they posted): a user's next
       key comes seconds later, not at the instant the previous section's data lands. The resident memory
       is also read once the screens are built ahead, before any section is opened. Then a filter keystroke
       in the Seminars activity (to the table drawn with the filter) and the process's resident memory with
       all of it loaded.
  raw  the same requests with httpx and msgspec (benchmarks/large_raw.py): login, /me, /home; then what
       each section's first open fetches, at limit=1000, independent lists concurrently.
Every timed key is pressed in a task of its own and timed to its data on screen (polled every 5 ms), not to
the end of ``Pilot.press``, which waits for the whole app to go idle (``press_until``).
Support is measured the same way with the support login: its search for "a" (the first 501 accounts).
--keys-during-prebuild also opens Risk from Home at several moments of the build of the screens ahead (a new
app each), timed to its data: a key then waits behind the screen being mounted.
--sections "Policy Services" opens only the named sections (a name's start, comma-separated), without the
filter keystroke, the memory with the book loaded and Support, and only their raw fetches: a quick pair to
measure one screen with.
Goals (issue 23): sign-in <= 2x raw; each first open <= 1.5x raw; keystroke < 100 ms; memory < 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks import large_raw as raw
from benchmarks.bench_login_home import MemoryKeyring, home_shown, until
from benchmarks.common import Result, Samples, emit, load_average
from benchmarks.large_book import AGENT, LargeSandbox
from benchmarks.large_tui_keys import FILTER_KEYS, keystroke
from benchmarks.large_tui_steps import (
    SECTIONS,
    Section,
    chosen_sections,
    idle,
    library_shown,
    press_until,
    resident_mb,
    screen_is,
    table_rows,
)
from ssp_tui.api.models import Role
from ssp_tui.portal.target import FixedPortal
from ssp_tui.settings.config import CONFIG_ENV, Profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui.app import SspApp

BENCHMARK = "large_tui"
SIZE = (160, 50)
SUPPORT_QUERY = "a"
SETTLES: list[float] = []
"""Seconds of each collect-and-freeze of the heap (tui/heap.py), every app of the run."""


def new_app(book: LargeSandbox, store: SecretStore) -> SspApp:
    portal = FixedPortal(book.base_url, is_sandbox=True, accounts=book.accounts, label="sandbox (bench)")
    app = SspApp(portal, profile_name="bench", profile=Profile(), show_clock=False, secret_store=store)
    heap = getattr(app, "heap", None)
    if heap is not None:
        settle = heap.settle

        def timed_settle() -> None:
            started = time.perf_counter()
            settle()
            SETTLES.append(time.perf_counter() - started)

        heap.settle = timed_settle  # type: ignore[method-assign]
    return app


async def sign_in(app: SspApp, pilot: object, username: str, password: str) -> float:
    from textual.widgets import Input

    await until(lambda: app.demo_accounts, "the login screen")
    app.screen.query_one("#username", Input).value = username
    field = app.screen.query_one("#password", Input)
    field.value = password
    field.focus()
    await pilot.pause()  # type: ignore[attr-defined]
    return await press_until(pilot, "enter", lambda: home_shown(app), "Home with its data")


PROFILE_DIR: Path | None = None
"""--profile DIR: a cProfile of each timed step, written there (the times are then not comparable)."""


@contextlib.contextmanager
def profiled(name: str) -> Iterator[None]:
    if PROFILE_DIR is None:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        PROFILE_DIR.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(PROFILE_DIR / f"{name.split(' (')[0].replace(' ', '_')}.prof")


async def app_round(
    book: LargeSandbox,
    store: SecretStore,
    samples: Samples,
    memory: list[float],
    built_memory: list[float],
    sections: list[Section],
) -> None:
    agent = book.account(AGENT)
    app = new_app(book, store)
    async with app.run_test(size=SIZE) as pilot:
        with profiled("sign-in"):
            samples.add("sign-in app", await sign_in(app, pilot, agent.username, agent.password))
        await idle(app, pilot)
        gc.collect()
        built_memory.append(resident_mb())
        for name, key, shown, _ in sections:
            await idle(app, pilot)
            cpu = time.process_time()
            with profiled(name):
                elapsed = await press_until(pilot, key, lambda shown=shown: shown(app), name)
            samples.add(f"{name} app", elapsed)
            samples.add(f"{name} app CPU", time.process_time() - cpu)
            print(
                f"  app: {name} {samples.times[f'{name} app'][-1]:.2f} s "
                f"({samples.times[f'{name} app CPU'][-1]:.2f} s CPU)",
                flush=True,
            )
        if sections is not SECTIONS:
            return  # --sections: the keystroke needs Seminars, memory every section, and Support is apart
        with profiled("keystroke"):  # the profile also holds the wait for the search index
            await keystroke(app, pilot, samples)
        gc.collect()
        memory.append(resident_mb())
    support = book.first_of(Role.SUPPORT)
    app = new_app(book, store)
    async with app.run_test(size=SIZE) as pilot:
        from textual.widgets import Input

        await sign_in(app, pilot, support.username, support.password)
        await pilot.press("8")
        await until(lambda: screen_is(app, "support") and app.screen.query("#support-query"), "Support")
        app.screen.query_one("#support-query", Input).value = SUPPORT_QUERY
        await idle(app, pilot)
        hits = await press_until(
            pilot, "enter", lambda: table_rows(app, "#support-results") > 0, "support hits"
        )
        samples.add("Support search app", hits)


PREBUILD_KEY_DELAYS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
"""--keys-during-prebuild: seconds after Home's data is shown at which Risk's key is pressed, one app each."""


async def prebuild_key_round(book: LargeSandbox, store: SecretStore, samples: Samples) -> None:
    """Risk's key pressed while the app builds the section screens ahead (the 1.3-2.4 s after Home's data),
    timed to Risk's data on screen: what it waits for behind a screen's mount or layout."""
    agent = book.account(AGENT)
    shown = library_shown("risk", "risk")
    for delay in PREBUILD_KEY_DELAYS:
        app = new_app(book, store)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(app, pilot, agent.username, agent.password)
            await asyncio.sleep(delay)
            building = app.prebuilder.running
            elapsed = await press_until(pilot, "5", lambda app=app: shown(app), "Risk Management")
            samples.add("Risk during the prebuild", elapsed)
            print(
                f"  Risk's key {delay:.2f} s after Home's data: {elapsed * 1000:.0f} ms"
                f" ({'while building' if building else 'built already'})",
                flush=True,
            )
            await idle(app, pilot)


async def raw_round(book: LargeSandbox, samples: Samples, sections: list[Section]) -> None:
    started = time.perf_counter()
    session = await book.sign_in(AGENT)
    async with book.raw_client(session.access_token) as http:
        await raw.home(http)
        samples.add("sign-in raw", time.perf_counter() - started)
        for name, _key, _shown, fetch in sections:
            started = time.perf_counter()
            await fetch(http)
            samples.add(f"{name} raw", time.perf_counter() - started)
            print(f"  raw: {name} {samples.times[f'{name} raw'][-1]:.2f} s", flush=True)
    if sections is not SECTIONS:
        return
    session = await book.sign_in(book.first_of(Role.SUPPORT).username)
    async with book.raw_client(session.access_token) as http:
        started = time.perf_counter()
        await raw.support_search(http, SUPPORT_QUERY, 501)
        samples.add("Support search raw", time.perf_counter() - started)


async def measure(args: argparse.Namespace) -> list[Result]:
    os.environ[CONFIG_ENV] = str(Path(tempfile.mkdtemp()) / "config.toml")  # never the real config file
    samples = Samples()
    sections = chosen_sections(args.sections)
    memory: list[float] = []
    built_memory: list[float] = []
    async with LargeSandbox() as book:
        store = SecretStore("bench", backend=MemoryKeyring())
        for username in (AGENT, book.first_of(Role.SUPPORT).username):
            store.set_device_token(username, await book.device_token(username))
        for _ in range(args.runs):
            samples.load.append(load_average())
            await app_round(book, store, samples, memory, built_memory, sections)
            await raw_round(book, samples, sections)
            if args.keys_during_prebuild:
                await prebuild_key_round(book, store, samples)
    results = [
        samples.result(BENCHMARK, "sign-in to Home with data", "sign-in app", "sign-in raw", ("<=", 2))
    ]
    for name, *_ in sections:
        results.append(
            samples.result(BENCHMARK, f"first open: {name}", f"{name} app", f"{name} raw", ("<=", 1.5))
        )
        results.append(
            samples.result(
                BENCHMARK,
                f"first open: {name}, the app's CPU time",
                f"{name} app CPU",
                note="CPU seconds of the app's process (the sandbox is another), which load does not stretch",
            )
        )
    if sections is not SECTIONS:
        return finish(args, results)
    results.append(
        samples.result(
            BENCHMARK, "first open: Support (search)", "Support search app", "Support search raw", ("<=", 1.5)
        )
    )
    keys = len(FILTER_KEYS)
    results.append(
        samples.result(
            BENCHMARK,
            "filter keystroke, 200k activity rows, key to the screen drawn (median)",
            "keystroke",
            goal=("<=", 100),
            note=f"{keys} keys a round: {', '.join(FILTER_KEYS)}",
        )
    )
    results.append(
        samples.result(
            BENCHMARK,
            "filter keystroke, the main thread's CPU from the key to the frame (median)",
            "keystroke CPU",
            note="what load does not stretch",
        )
    )
    results.append(
        Result(
            benchmark=BENCHMARK,
            name="filter keystroke, the garbage collector's longest time in one key",
            value=max(samples.times["keystroke GC"]) * 1000,
            unit="ms",
            runs=len(samples.times["keystroke GC"]),
            load=list(samples.load),
            note="gc.callbacks, from the key to the frame",
        )
    )
    results.append(
        Result(
            benchmark=BENCHMARK,
            name="filter keystroke, the most CPU one key took (main thread, key to frame)",
            value=max(samples.times["keystroke CPU"]) * 1000,
            unit="ms",
            goal=("<=", 100),
            runs=len(samples.times["keystroke CPU"]),
            load=list(samples.load),
            note="what load does not stretch: the slowest key's wall time at a high load is mostly waiting",
        )
    )
    worst = max(samples.times["keystroke"])
    results.append(
        Result(
            benchmark=BENCHMARK,
            name="filter keystroke, the slowest key",
            value=worst * 1000,
            unit="ms",
            goal=("<=", 100),
            runs=len(samples.times["keystroke"]),
            load=list(samples.load),
        )
    )
    results.append(
        samples.result(
            BENCHMARK,
            "filter keystroke, key to Pilot idle (the former measure)",
            "keystroke to idle",
            note="adds Pilot's idle detection (two 20 ms sleeps or more) and any frame after the first",
        )
    )
    results.append(
        Result(
            benchmark=BENCHMARK,
            name="TUI resident memory, Home shown and the section screens built ahead (first round)",
            value=built_memory[0],  # later rounds run in a process still holding the earlier rounds' data
            unit="MB",
            goal=("<=", 400),
            runs=len(built_memory),
            load=list(samples.load),
        )
    )
    results.append(
        Result(
            benchmark=BENCHMARK,
            name="TUI resident memory, large book loaded (first round)",
            # Later rounds run in a process that has also held the previous app and the raw baseline's
            # decoded book (freed, not handed back to the system): 450-464 MB against 317-321 MB first.
            value=memory[0],
            unit="MB",
            goal=("<=", 400),
            runs=len(memory),
            load=list(samples.load),
            note=f"every round: {', '.join(f'{m:.0f}' for m in memory)} MB",
        )
    )
    if args.keys_during_prebuild:
        results.append(
            samples.result(
                BENCHMARK,
                "Risk's key pressed while the screens are built ahead, to its data (median)",
                "Risk during the prebuild",
                note=f"pressed {', '.join(f'{d:g}' for d in PREBUILD_KEY_DELAYS)} s after Home's data; "
                f"slowest {max(samples.times['Risk during the prebuild']) * 1000:.0f} ms",
            )
        )
    if SETTLES:
        results.append(
            Result(
                benchmark=BENCHMARK,
                name="the heap collected and frozen after large loads and at sign-out (longest)",
                value=max(SETTLES) * 1000,
                unit="ms",
                runs=len(SETTLES),
                load=list(samples.load),
                note=f"{len(SETTLES)} in the run: {', '.join(f'{s * 1000:.0f}' for s in SETTLES)} ms",
            )
        )
    return finish(args, results)


def finish(args: argparse.Namespace, results: list[Result]) -> list[Result]:
    print(f"Large book, median of {args.runs} interleaved rounds")
    for result in results:
        emit(result)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sections",
        help="only these sections (a name's start, comma-separated, e.g. 'Policy Services'); "
        "no keystroke, memory or Support",
    )
    parser.add_argument("--profile", type=Path, help="write a cProfile of each timed step of the app here")
    parser.add_argument(
        "--keys-during-prebuild",
        action="store_true",
        help="also press Risk's key at several moments of the build of the screens ahead, one app each",
    )
    args = parser.parse_args(argv)
    global PROFILE_DIR
    PROFILE_DIR = args.profile
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
