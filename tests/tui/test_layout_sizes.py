"""Layouts at 80x24 (the smallest supported size) and 120x36, read from the cells on screen: money, policy
and account numbers are never cut, every section is in the menu bar, the header keeps its parts apart and
dialogs keep their edges (issue 19, point 3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from screen_text import screen_lines
from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import Tabs
from tui_helpers import SandboxLike, wait_for

from ssp_tui.api.models import BillingSummary, PolicySummary
from ssp_tui.formatting import money
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.payments.screen import PaymentsScreen
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen
from ssp_tui.tui.settings_screen import SettingsScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZES = [(80, 24), (120, 36)]


def visible_rows(table: VirtualTable) -> list[object]:
    """The rows inside the table's viewport (header line excluded)."""
    top = table.scroll_offset.y
    body = table.scrollable_content_region.height - 1
    shown = table.shown_rows()
    return shown[top : top + body]


def line_with(lines: list[str], *texts: str) -> str:
    """The first line on screen showing every one of `texts` whole."""
    found = [line for line in lines if all(f" {text} " in f" {line} " for text in texts)]
    assert found, f"{texts!r} not on one line, whole:\n" + "\n".join(lines)
    return found[0]


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_payments_shows_every_account_number_and_amount_whole(
    size: tuple[int, int], sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await enter_as(pilot, sandbox, sandbox.account("agent", 0).username)
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentsScreen), "Payments")
        screen = app.screen
        assert isinstance(screen, PaymentsScreen)
        await wait_for(pilot, lambda: screen.detail is not None, "the first account's details")
        await settle(pilot)
        lines = screen_lines(app)
        rows = [row for row in visible_rows(screen.billing_list.table) if isinstance(row, BillingSummary)]
        assert len(rows) >= 2
        for row in rows:
            shown = [row.number, money(row.amount_due_cents)]
            if row.past_due_cents:
                shown.append(money(row.past_due_cents))
            line_with(lines, *shown)
        # The details show every figure beside its label, whole.
        detail = screen.detail
        assert detail is not None
        line_with(lines, "Current amount due", money(detail.amount_due_cents))
        assert "…" not in line_with(lines, "Term amount").partition("Term amount")[2]


@pytest.mark.parametrize("size", SIZES)
async def test_policy_services_shows_every_policy_number_whole(
    size: tuple[int, int], sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await enter_as(pilot, sandbox, sandbox.account("agent", 0).username)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "Policy Services")
        screen = app.screen
        assert isinstance(screen, PolicyServicesScreen)
        await wait_for(pilot, lambda: screen.documents.table.model.row_count > 0, "the documents")
        await settle(pilot)
        lines = screen_lines(app)
        rows = [row for row in visible_rows(screen.picker.table) if isinstance(row, PolicySummary)]
        assert rows
        for row in rows:
            line_with(lines, row.policy_number, f"{row.term_end:%m/%d/%Y}")


@pytest.mark.parametrize("size", SIZES)
async def test_the_menu_bar_shows_every_section_and_marks_the_current_one(
    size: tuple[int, int], sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await enter_as(pilot, sandbox, sandbox.account("agent", 0).username)
        sections = app.visible_sections()
        assert [s.key for s in sections] == ["1", "2", "3", "4", "5", "6", "7"]
        for section in (sections[-1], sections[0]):
            await pilot.press(section.key)
            await wait_for(pilot, lambda: app.current_mode == section.id, section.title)  # noqa: B023
            await settle(pilot)
            nav = screen_lines(app)[1]
            for shown in sections:
                assert f"{shown.key} {shown.short_title or shown.title}" in nav or (
                    f"{shown.key} {shown.title}" in nav
                ), nav
            assert app.screen.query_one(Tabs).active == f"nav-{section.id}"


LONG_PORTAL = "embedded sandbox at http://127.0.0.1:54321"


@pytest.mark.parametrize("size", SIZES)
async def test_the_header_keeps_the_user_role_and_portal_apart(
    size: tuple[int, int],
    sandbox: SandboxLike,
    make_app: Callable[..., SspApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = sandbox.account("agent", 0)
    app = make_app()
    # A real portal label is longer than the tests' one; the agency must give way to it, not run into it.
    monkeypatch.setattr(app.controller.target, "_label", LONG_PORTAL)
    async with app.run_test(size=size) as pilot:
        await enter_as(pilot, sandbox, account.username)
        await settle(pilot)
        header = screen_lines(app)[0].rstrip()
        assert f"{account.display_name} · agent · Riv" in header  # name and role whole, then the agency
        portal_start = header.index("embedded")
        portal = header[portal_start:]
        assert portal == LONG_PORTAL or LONG_PORTAL.startswith(portal.removesuffix("…")), header
        # Two blank cells between the agency (whole or ending in an ellipsis) and the portal label.
        assert header[portal_start - 2 : portal_start] == "  " and header[portal_start - 3] != " ", header
        if size[0] >= 120:
            assert portal == LONG_PORTAL, header  # only the agency gave way


async def test_a_dialog_keeps_its_edges_at_80x24(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_as(pilot, sandbox, sandbox.account("agent", 0).username)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), "Settings")
        await settle(pilot)
        dialog = app.screen.query_one(".dialog")
        assert app.screen.region.contains_region(dialog.region), dialog.region
