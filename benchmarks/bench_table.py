"""VirtualTable with 100k rows: time to the first frame, and a filter keystroke to the re-rendered table.

Run: .venv/bin/python -m benchmarks.bench_table [--rows N] [--runs 5] [--datatable-rows N]

What is timed (medians of --runs runs, in a headless Textual app of 120x40):
- show: from set_rows(100k rows) to the table's first render_lines call with those rows on screen.
- keystroke: from pressing a key in the FilterBar to the table's render_lines call showing the new filter
  (typing "dana l" narrows; each backspace widens again). The search index is built in the background after
  the first frame; a "cold" keystroke (index built on that keystroke) is reported separately.
Baselines, measured in the same run over the same rows:
- one pure-Python pass formatting every cell (the least a table that measures every cell must do);
- a naive filter keystroke: one pass joining and lowercasing each row's text, then matching;
- the floor of a filter keystroke: one pass matching over the prebuilt lowercase strings;
- optionally Textual's DataTable showing --datatable-rows rows (off by default: it is slow).
Goal (issue 7): keystroke at most 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable, Input

from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, format_cents
from ssp_tui.widgets.table_model import TableModel
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (120, 40)
TYPED = "dana l"
SURNAMES = ["Smith", "Jones", "Garcia", "Lopez", "Miller", "Davis", "Wilson", "Nguyen", "Patel", "Brown"]
FIRST_NAMES = ["Avery", "Blake", "Casey", "Dana", "Evan", "Flo", "Gray", "Harper", "Indy", "Jules"]
TITLES = ["Managing Risk in Telehealth", "Informed Consent Essentials", "Documentation That Defends"]


@dataclass(slots=True)
class Activity:
    activity_id: str
    participant: str
    policy_number: str
    policyholder: str
    title: str
    completed_on: date
    fee_cents: int


COLUMNS = [
    Column("participant", "Participant"),
    Column("policy_number", "Policy #"),
    Column("policyholder", "Policyholder"),
    Column("title", "Title"),
    Column("completed_on", "Completed"),
    Column("fee_cents", "Fee", align="right", formatter=format_cents),
]


def make_rows(count: int) -> list[Activity]:
    start = date(2020, 1, 1)
    return [
        Activity(
            activity_id=f"act{i:07d}",
            participant=f"Dr. {FIRST_NAMES[i % 10]} {SURNAMES[(i // 10) % 10]}",
            policy_number=f"PL-{100000 + i % 5000}",
            policyholder=f"Clinic Group {i % 311}",
            title=f"{TITLES[i % 3]} ({i % 40})",
            completed_on=start + timedelta(days=i % 2500),
            fee_cents=(i * 7919) % 250_000,
        )
        for i in range(count)
    ]


class TimedTable(VirtualTable):
    """Notes when, and with which filter, the table was last drawn."""

    drawn: asyncio.Event
    drawn_at = 0.0
    drawn_cpu = 0.0
    drawn_filter: str | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        if self.model.row_count:
            self.drawn_at = time.perf_counter()
            self.drawn_cpu = time.process_time()
            self.drawn_filter = self.model.filter_text
            self.drawn.set()
        return strips


class BenchApp(App[None]):
    def __init__(self, index_in_background: bool) -> None:
        super().__init__()
        self.index_in_background = index_in_background

    def compose(self) -> ComposeResult:
        yield FilterBar(table="#table")
        table = TimedTable(COLUMNS, id="table", index_in_background=self.index_in_background)
        table.drawn = asyncio.Event()
        yield table


@dataclass
class Timings:
    """Wall-clock and CPU seconds (CPU is steadier on a busy machine) of each measured step."""

    show: list[tuple[float, float]]
    narrowing: list[tuple[float, float]]
    widening: list[tuple[float, float]]
    cold: list[tuple[float, float]]


async def drawn_after(table: TimedTable, filter_text: str, wall: float, cpu: float) -> tuple[float, float]:
    """(wall, CPU) seconds from (wall, cpu) until the table was drawn showing `filter_text`."""
    while table.drawn_filter != filter_text:
        table.drawn.clear()
        await asyncio.wait_for(table.drawn.wait(), timeout=60)
    return table.drawn_at - wall, table.drawn_cpu - cpu


async def one_run(rows: list[Activity], timings: Timings, cold: bool) -> None:
    app = BenchApp(index_in_background=not cold)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(TimedTable)
        table.drawn_filter = None
        wall, cpu = time.perf_counter(), time.process_time()
        table.set_rows(rows, key=lambda row: row.activity_id)
        shown = await drawn_after(table, "", wall, cpu)
        app.query_one(Input).focus()
        await pilot.pause()
        if cold:
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press(TYPED[0])
            timings.cold.append(await drawn_after(table, TYPED[0], wall, cpu))
            return
        timings.show.append(shown)
        while not table.model.has_search_index:  # the background index, built after the first frame
            await asyncio.sleep(0.01)
        typed = ""
        for character in TYPED:
            typed += character
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press("space" if character == " " else character)
            timings.narrowing.append(await drawn_after(table, typed, wall, cpu))
        while typed:
            typed = typed[:-1]
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press("backspace")
            timings.widening.append(await drawn_after(table, typed, wall, cpu))


def baseline_format_every_cell(rows: list[Activity]) -> float:
    model = TableModel(COLUMNS)
    model.set_rows(rows[:1])
    getters = [column.formatter or str for column in COLUMNS]
    names = [column.key for column in COLUMNS]
    started = time.perf_counter()
    formatted = [
        [show(getattr(row, name)) for show, name in zip(getters, names, strict=True)] for row in rows
    ]
    elapsed = time.perf_counter() - started
    assert len(formatted) == len(rows)
    return elapsed


def baseline_naive_filter(rows: list[Activity], needle: str) -> float:
    names = [column.key for column in COLUMNS]
    started = time.perf_counter()
    matched = [row for row in rows if needle in " ".join(str(getattr(row, n)) for n in names).lower()]
    elapsed = time.perf_counter() - started
    assert matched is not None
    return elapsed


def baseline_filter_floor(search_texts: list[str], needle: str) -> float:
    started = time.perf_counter()
    matched = [index for index, text in enumerate(search_texts) if needle in text]
    elapsed = time.perf_counter() - started
    assert matched is not None
    return elapsed


async def datatable_show(rows: list[Activity]) -> float:
    class DataTableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = DataTableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        table.add_columns(*(column.label for column in COLUMNS))
        started = time.perf_counter()
        table.add_rows([[(c.formatter or str)(getattr(row, c.key)) for c in COLUMNS] for row in rows])
        await pilot.pause()
        return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def median_pair(samples: list[tuple[float, float]]) -> str:
    wall = statistics.median(sample[0] for sample in samples)
    cpu = statistics.median(sample[1] for sample in samples)
    return f"{ms(wall)} wall {ms(cpu)} CPU"


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--datatable-rows", type=int, default=0)
    arguments = parser.parse_args()
    rows = make_rows(arguments.rows)
    timings = Timings([], [], [], [])
    for run in range(arguments.runs):
        await one_run(rows, timings, cold=False)
        if run < 3:
            await one_run(rows, timings, cold=True)

    model = TableModel(COLUMNS)
    model.set_rows(rows)
    search_texts = model.build_search_texts(rows)
    format_all = statistics.median(baseline_format_every_cell(rows) for _ in range(3))
    naive = statistics.median(baseline_naive_filter(rows, "dana") for _ in range(3))
    floor = statistics.median(baseline_filter_floor(search_texts, "dana") for _ in range(5))

    show = statistics.median(sample[0] for sample in timings.show)
    widen = statistics.median(sample[0] for sample in timings.widening)
    keystrokes = timings.narrowing + timings.widening
    print(
        f"VirtualTable, {arguments.rows:,} rows, {arguments.runs} runs, medians, terminal {SIZE[0]}x{SIZE[1]}"
    )
    print(f"  show (set_rows -> first frame)      {median_pair(timings.show)}")
    print(f"  keystroke, narrowing                {median_pair(timings.narrowing)}")
    print(f"  keystroke, widening (backspace)     {median_pair(timings.widening)}")
    print(f"  keystroke, all {len(keystrokes):3d}                  {median_pair(keystrokes)}")
    print(f"  keystroke, slowest                  {ms(max(sample[0] for sample in keystrokes))} wall")
    print(f"  keystroke, cold (builds the index)  {median_pair(timings.cold)}")
    print("Baselines (same rows, same run; wall clock)")
    print(f"  format every cell once              {ms(format_all)}   show / it = {show / format_all:.2f}x")
    print(
        f"  naive filter pass (join+lower)      {ms(naive)}   widening keystroke / it = {widen / naive:.2f}x"
    )
    print(
        f"  filter floor (prebuilt strings)     {ms(floor)}   widening keystroke / it = {widen / floor:.2f}x"
    )
    if arguments.datatable_rows:
        seconds = await datatable_show(rows[: arguments.datatable_rows])
        print(f"  Textual DataTable, {arguments.datatable_rows:,} rows shown   {ms(seconds)}")
    keystroke = statistics.median(sample[0] for sample in keystrokes)
    verdict = "met" if keystroke <= 0.1 else "NOT met"
    print(f"Goal: keystroke <= 100 ms (median, wall): {verdict} ({keystroke * 1000:.1f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
