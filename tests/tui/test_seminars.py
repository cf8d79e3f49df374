"""Seminars (Pilot, against the sandbox): the activity history as each role may see it, the portal filters
(with the date errors shown inline), the type-ahead filter, the count and credits, an export read back with
openpyxl, the catalog's links, and Home's "Seminar Activity" quick jump."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from section_helpers import enter_as, shown_text
from textual.pilot import Pilot
from textual.widgets import Input, LoadingIndicator, Static, TabbedContent
from tui_helpers import SandboxLike, click, db, nav_section_ids, wait_for

from ssp_tui.api.models import Page, Seminar, SeminarActivity, SeminarFormat
from ssp_tui.api.pagination import Paginator
from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.seminars.activity import ActivityFilters, activity_summary_of
from ssp_tui.tui.sections.seminars.credit_tally import CreditTally
from ssp_tui.tui.sections.seminars.export import ExportDialog
from ssp_tui.tui.sections.seminars.screen import CATALOG_TAB, SeminarsScreen

SIZE = (150, 44)


def activity_count(sandbox: SandboxLike, username: str, where: str = "1", args: tuple = ()) -> int:
    """What the user may see, counted straight from the sandbox's database (insureds see only their own)."""
    with db(sandbox.db_path) as conn:
        user = conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
        scope, params = "1", []
        if user["role"] == "agent":
            scope, params = (
                "a.customer_id IN (SELECT id FROM customers WHERE agency_id = ?)",
                [user["agency_id"]],
            )
        elif user["role"] in ("policyholder", "insured"):
            scope, params = "a.customer_id = ?", [user["customer_id"]]
        if user["role"] == "insured":
            scope += " AND a.participant = (SELECT name FROM insureds WHERE id = ?)"
            params.append(user["insured_id"])
        sql = (
            "SELECT COUNT(*) FROM seminar_activity a JOIN seminars s ON s.id = a.seminar_id "
            f"WHERE {scope} AND {where}"
        )
        return int(conn.execute(sql, [*params, *args]).fetchone()[0])


async def open_seminars(pilot: Pilot, app: SspApp) -> SeminarsScreen:
    await pilot.press("6")
    await wait_for(pilot, lambda: isinstance(app.screen, SeminarsScreen), "Seminars")
    screen = app.screen
    assert isinstance(screen, SeminarsScreen)
    await wait_for_load(pilot, screen)
    await wait_for(pilot, lambda: screen.catalog_table.model.row_count > 0, "the catalog")
    return screen


async def wait_for_load(pilot: Pilot, screen: SeminarsScreen) -> None:
    await pilot.pause()
    await wait_for(pilot, lambda: not screen.activity_loading, "the activity to load")
    await pilot.pause()


def activity_rows(screen: SeminarsScreen) -> list[SeminarActivity]:
    return [row for row in screen.activity_table.shown_rows() if isinstance(row, SeminarActivity)]


def status(screen: SeminarsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.parametrize("username", ["dr.patel", "dr.nguyen", "agent.rivera", "support.morgan"])
async def test_each_role_sees_the_activity_it_may_and_the_catalog(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        assert "seminars" in nav_section_ids(app)
        screen = await open_seminars(pilot, app)
        rows = activity_rows(screen)
        assert len(rows) == activity_count(sandbox, username) > 0
        if username == "dr.nguyen":
            assert {row.participant for row in rows} == {"Lucas Nguyen"}
        assert [row.completed_on for row in rows] == sorted((row.completed_on for row in rows), reverse=True)
        credits = sum((row.credits for row in rows), Decimal(0))
        summary = status(screen, "#activity-summary")
        assert f"{len(rows):,} completions" in summary and f"{credits.normalize():f} credits" in summary
        assert f"{len(rows):,} rows" in status(screen, "#activity-status")


async def test_portal_filters_dates_and_the_type_ahead_filter(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_seminars(pilot, app)
        everything = activity_rows(screen)

        await pilot.press("f")
        assert app.focused is not None and app.focused.id == "activity-participant"
        screen.query_one("#activity-from", Input).focus()
        await pilot.press(*"13/45/2026", "enter")
        error = status(screen, "#activity-filter-error")
        assert "13/45/2026" in error and "month must be 1 to 12" in error
        assert len(activity_rows(screen)) == len(everything)  # nothing was sent

        screen.query_one("#activity-from", Input).value = "Jan 1 2026"
        screen.query_one("#activity-to", Input).value = "06/30/26"
        screen.query_one("#activity-from", Input).focus()
        await pilot.press("enter")
        await wait_for_load(pilot, screen)
        assert status(screen, "#activity-filter-error") == ""
        in_range = activity_rows(screen)
        expected = activity_count(
            sandbox, "agent.rivera", "a.completed_on BETWEEN ? AND ?", ("2026-01-01", "2026-06-30")
        )
        assert len(in_range) == expected > 0
        assert all(date(2026, 1, 1) <= row.completed_on <= date(2026, 6, 30) for row in in_range)

        policyholder = in_range[0].policyholder
        screen.query_one("#activity-policyholder", Input).value = policyholder
        screen.query_one("#activity-policyholder", Input).focus()
        await pilot.press("enter")
        await wait_for_load(pilot, screen)
        narrowed = activity_rows(screen)
        assert narrowed and all(policyholder.lower() in row.policyholder.lower() for row in narrowed)
        assert all(date(2026, 1, 1) <= row.completed_on <= date(2026, 6, 30) for row in narrowed)

        await click(pilot, "#activity-clear")
        await wait_for_load(pilot, screen)
        assert len(activity_rows(screen)) == len(everything)

        # The type-ahead filter narrows what is shown (and the summary says so) without asking the portal.
        participant = everything[0].participant
        screen.activity_table.focus()
        await pilot.press("slash", *participant)
        shown = activity_rows(screen)
        assert shown and len(shown) < len(everything)
        assert all(participant.lower() in row.participant.lower() for row in shown)
        assert f"filtered from {len(everything):,} loaded" in status(screen, "#activity-summary")


async def export_via_dialog(
    pilot: Pilot, app: SspApp, screen: SeminarsScreen, path: Path, *, csv_format: bool
) -> None:
    screen.activity_table.focus()
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
    dialog = app.screen
    await wait_for(pilot, lambda: dialog.query("#export-start"), "the dialog's buttons")
    await pilot.pause()
    if csv_format:
        await click(pilot, "#format-csv")
    dialog.query_one("#export-path", Input).value = str(path)
    await click(pilot, "#export-start")


async def test_export_has_exactly_the_rows_shown_with_real_dates(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    app = make_app(Profile(download_dir=tmp_path / "downloads"))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_seminars(pilot, app)
        policy_number = activity_rows(screen)[-1].policy_number
        screen.activity_table.focus()
        await pilot.press("slash", *policy_number)  # the type-ahead filter is part of what is shown
        shown = activity_rows(screen)
        assert 0 < len(shown) < screen.activity_table.model.row_count

        # The default file is in the profile's download folder.
        screen.activity_table.focus()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        default = Path(app.screen.query_one("#export-path", Input).value)
        assert default.parent == tmp_path / "downloads" and default.suffix == ".xlsx"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")

        target = tmp_path / "out" / "activity.xlsx"
        await export_via_dialog(pilot, app, screen, target, csv_format=False)
        await wait_for(pilot, lambda: screen.last_export == target, "the export")
        assert f"to {target}" in status(screen, "#activity-status")
        sheet = openpyxl.load_workbook(target, read_only=True).active
        assert sheet is not None
        values = list(sheet.iter_rows(values_only=True))
        assert values[0] == (
            "Participant",
            "Policy #",
            "Policyholder",
            "Seminar",
            "Format",
            "Completed on",
            "Credits",
        )
        expected = [
            (
                r.participant,
                r.policy_number,
                r.policyholder,
                r.title,
                r.format.value.capitalize(),
                datetime.combine(r.completed_on, datetime.min.time()),
                float(r.credits),
            )
            for r in shown
        ]
        assert values[1:] == expected
        assert all(isinstance(row[5], datetime) for row in values[1:])

        # CSV of the same rows; an existing file is replaced only after "Replace".
        csv_target = tmp_path / "out" / "activity.csv"
        csv_target.write_text("keep me", encoding="utf-8")
        await export_via_dialog(pilot, app, screen, csv_target, csv_format=True)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await wait_for(
            pilot,
            lambda: "already exists" in str(dialog.query_one("#export-error", Static).render()),
            "the question",
        )
        assert csv_target.read_text(encoding="utf-8") == "keep me"
        await pilot.pause()  # laid out again (the question moved the buttons), so the click lands
        # A Button ignores clicks for 0.2 s after a press (its "-active" effect): wait it out like a user.
        start = dialog.query_one("#export-start")
        await wait_for(pilot, lambda: not start.has_class("-active"), "the Replace button to be ready")
        await click(pilot, "#export-start")
        await wait_for(pilot, lambda: screen.last_export == csv_target, "the CSV export")
        with csv_target.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
        assert len(lines) == len(shown) + 1
        assert [line[5] for line in lines[1:]] == [r.completed_on.isoformat() for r in shown]


async def test_catalog_link_and_home_quick_jump(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], opened_in_browser: list[str]
) -> None:
    opened = opened_in_browser
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        await click(pilot, "#jump-seminars")
        await wait_for(pilot, lambda: isinstance(app.screen, SeminarsScreen), "Seminars")
        screen = app.screen
        assert isinstance(screen, SeminarsScreen)
        await wait_for(pilot, lambda: screen.activity_table.has_focus, "the activity, focused")
        await wait_for(pilot, lambda: screen.catalog_table.model.row_count > 0, "the catalog")
        await pilot.press("l")
        assert screen.query_one(TabbedContent).active == CATALOG_TAB
        seminars = [row for row in screen.catalog_table.shown_rows() if isinstance(row, Seminar)]
        with db(sandbox.db_path) as conn:
            assert len(seminars) == conn.execute("SELECT COUNT(*) FROM seminars").fetchone()[0]
        live = next(s for s in seminars if s.event_on is not None)
        screen.catalog_table.move_cursor(seminars.index(live))
        await pilot.pause()
        assert f"{live.event_on:%m/%d/%Y}" in shown_text(screen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: opened == [live.url], "the browser to open the link")


class _ActivityPages:
    """``client.seminars`` of a fake portal: ``count`` activity rows in pages of ``page_size``."""

    def __init__(self, count: int, page_size: int) -> None:
        self.rows = [
            SeminarActivity(
                id=f"sa_{index:06d}",
                participant=f"Participant {index:06d}",
                policy_number=f"NCP{index % 997:07d}",
                policyholder=f"Practice {index % 251}",
                seminar_id="se_1",
                title="Informed consent",
                format=SeminarFormat.ONLINE,
                completed_on=date(2026, 1, 1) + timedelta(days=index % 300),
                credits=Decimal("0.5"),
            )
            for index in range(count)
        ]
        self.page_size = page_size

    def activity(self, **filters: object) -> Paginator[SeminarActivity]:
        async def fetch_page(cursor: str | None) -> Page[SeminarActivity]:
            start = int(cursor or 0)
            end = start + self.page_size
            following = str(end) if end < len(self.rows) else None
            return Page(items=self.rows[start:end], next_cursor=following)

        return Paginator(fetch_page, endpoint="GET /seminars/activity")


async def test_the_activity_table_takes_100k_rows_page_by_page(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_seminars(pilot, app)
        fake = SimpleNamespace(seminars=_ActivityPages(100_000, page_size=1000))
        statuses: list[str] = []
        set_status = screen._set_status
        screen._set_status = lambda text: (statuses.append(text), set_status(text))  # type: ignore[method-assign]
        total = await screen._fetch_activity(fake, ActivityFilters())  # type: ignore[arg-type]
        # The count is shown as the table grows, every tenth page and at the end, not for every page (each
        # update lays the screen out again).
        assert 10 < len(statuses) < 30 and statuses[-1] == "Loaded 100,000 rows…"
        await pilot.pause()
        table = screen.activity_table
        assert total == table.model.row_count == 100_000
        assert "Loaded 100,000 rows" in status(screen, "#activity-status")
        assert status(screen, "#activity-summary") == "100,000 completions · 50000 credits"
        assert [row.id for row in activity_rows(screen)[:3]] == ["sa_000000", "sa_000001", "sa_000002"]
        # Values repeated across rows are held once (200,000 real rows: 134 MB -> 37 MB).
        rows = activity_rows(screen)
        assert rows[0].policyholder is rows[251].policyholder  # equal, and made as separate objects
        table.focus()
        await pilot.press("slash", *"09999")
        expected = [row.id for row in fake.seminars.rows if "09999" in row.participant]
        assert [row.id for row in activity_rows(screen)] == expected and len(expected) == 11
        summary = status(screen, "#activity-summary")
        assert summary == "11 completions · 5.5 credits (filtered from 100,000 loaded)"


class _GatedPages(_ActivityPages):
    """The first page at once; the others only once ``gate`` is set."""

    def __init__(self, count: int, page_size: int) -> None:
        super().__init__(count, page_size)
        self.gate = asyncio.Event()

    def activity(self, **filters: object) -> Paginator[SeminarActivity]:
        pages = super().activity(**filters)

        async def fetch_page(cursor: str | None) -> Page[SeminarActivity]:
            if cursor is not None:
                await self.gate.wait()
            return await pages._fetch_page(cursor)

        return Paginator(fetch_page, endpoint="GET /seminars/activity")


async def test_rows_show_while_the_activity_loads_and_nothing_covers_the_screen(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """The rows of the first pages are on screen while the rest load; no loading indicator hides them (one
    did, repainting the whole screen on every frame: 360 full repaints while 200,000 rows loaded)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_seminars(pilot, app)
        fake = SimpleNamespace(seminars=_GatedPages(3000, page_size=1000))
        app.controller.call = lambda request: request(fake)  # type: ignore[method-assign]
        screen.load_activity(ActivityFilters())
        await wait_for(pilot, lambda: screen.activity_table.model.row_count == 1000, "the first page")
        assert screen.activity_loading
        assert not screen.loading and not screen.query(LoadingIndicator)
        table = screen.activity_table
        assert "Participant 000000" in "".join(table.render_line(y).text for y in range(3))
        fake.seminars.gate.set()
        await wait_for_load(pilot, screen)
        assert screen.activity_table.model.row_count == 3000


def test_the_activity_summary_counts_and_adds_credits_exactly() -> None:
    # A filtered view's credits are a sum of integers by row index (it runs on every filter keystroke):
    # still exact, and every row counted.
    tally = CreditTally()
    tally.extend([SimpleNamespace(credits=Decimal(c)) for c in ("0.1", "0.1", "0.1", "1.5", "0.25", "1.5")])
    assert activity_summary_of(6, tally.total(range(6))) == "6 completions · 3.55 credits"
    assert (
        activity_summary_of(1, tally.total([0]), filtered_from=6)
        == "1 completion · 0.1 credits (filtered from 6 loaded)"
    )
    assert activity_summary_of(0, tally.total([])) == "0 completions · 0 credits"
