"""The small things a careful user sees (issue 19, point 6), driven as a user against the sandbox."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from section_helpers import enter_as
from textual.widgets import Input, Select, Static
from tui_helpers import SandboxLike, click, wait_for

from ssp_tui.api.models import AttentionKind, Seminar, StatusFilter
from ssp_tui.api.models.credentialing import OPEN_HOLDER_REQUEST_STATUSES
from ssp_tui.formatting import plural
from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.credentialing.requests import HolderRequestsPane, RequestRow
from ssp_tui.tui.sections.credentialing.screen import CredentialingScreen
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sections.seminars.export import ExportDialog
from ssp_tui.tui.sections.seminars.screen import SeminarsScreen
from ssp_tui.tui.sign_in.login import LoginScreen

SIZE = (150, 50)


async def test_a_cancelled_policy_says_so_instead_of_an_empty_tree(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.abbott")  # a policyholder with a cancelled policy
        app.open_section("credentialing")
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialingScreen), "Credentialing")
        screen = app.screen
        assert isinstance(screen, CredentialingScreen)
        await wait_for(pilot, lambda: screen.last_search is not None, "the first search")
        screen.query_one("#coi-status", Select).value = StatusFilter.CANCELLED
        await wait_for(
            pilot,
            lambda: screen.last_search is not None and screen.last_search.status is StatusFilter.CANCELLED,
            "the cancelled policies",
        )
        await pilot.pause()
        summary = str(screen.query_one("#coi-summary", Static).render())
        assert summary.startswith("1 insured on 1 policy. Policy "), summary
        assert "is cancelled: a cancelled policy has no certificates" in summary, summary
        assert not screen.tree.display, "no empty tree under the summary"


async def test_the_sign_in_form_message_goes_once_both_fields_are_filled(
    make_app: Callable[..., SspApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "the sandbox's demo accounts")
        await pilot.press(*"dr.patel", "enter", "enter")  # on to the password, and Enter with it empty
        status = app.screen.query_one("#login-status", Static)
        await wait_for(pilot, lambda: status.has_class("error"), "the form's message")
        assert str(status.render()) == "Enter your username and password."
        assert app.focused is not None and app.focused.id == "password"
        await pilot.press("x")
        await pilot.pause()
        assert str(status.render()) == "" and not status.has_class("error"), "filled: the message is gone"
        assert isinstance(app.screen, LoginScreen), "and nothing was sent"


async def test_export_on_the_catalog_tab_writes_the_catalog(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    app = make_app(Profile(download_dir=tmp_path / "downloads"))
    async with app.run_test(size=(150, 44)) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SeminarsScreen), "Seminars")
        screen = app.screen
        assert isinstance(screen, SeminarsScreen)
        await wait_for(pilot, lambda: screen.catalog_table.model.row_count > 0, "the catalog")
        await wait_for(pilot, lambda: not screen.activity_loading, "the activity")
        await pilot.press("l", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query("#export-start"), "the dialog's buttons")
        seminars = [row for row in screen.catalog_table.shown_rows() if isinstance(row, Seminar)]
        assert str(dialog.query_one(".dialog-title", Static).render()) == (
            f"Export {len(seminars)} rows (the catalog)"
        )
        target = tmp_path / "catalog.csv"
        await click(pilot, "#format-csv")
        dialog.query_one("#export-path", Input).value = str(target)
        await click(pilot, "#export-start")
        await wait_for(pilot, lambda: screen.last_export == target, "the export")
        with target.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
        assert lines[0] == ["Title", "Format", "CME credits", "Event date", "Link"]
        assert [line[0] for line in lines[1:]] == [seminar.title for seminar in seminars]
        assert [line[2] for line in lines[1:]] == [f"{s.cme_credits.normalize():f}" for s in seminars]


@pytest.mark.parametrize("username", ["credentialing.mercy", "agent.chen"])
async def test_home_and_holder_requests_agree_on_what_is_overdue(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    """Home's words for the open requests follow the OVERDUE marks of the list: all overdue (the triage
    account's one request), or some (an agent's book)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: home.attention, "the attention items")
        [item] = [i for i in home.attention if i.kind is AttentionKind.HOLDER_REQUESTS]
        app.open_section("credentialing", intent="holder_requests")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, CredentialingScreen) and app.screen.query(HolderRequestsPane),
            "Credentialing",
        )
        pane = app.screen.query_one(HolderRequestsPane)
        await wait_for(pilot, lambda: pane.table.model.row_count > 0, "the requests")
        rows = [r for r in pane.table.shown_rows() if isinstance(r, RequestRow)]
        overdue = sum(r.overdue for r in rows)
        still_open = sum(r.request.status in OPEN_HOLDER_REQUEST_STATUSES for r in rows)
        assert overdue, "the seed has an open request past its 48 hours"
        noun = plural(still_open, "certificate holder request")
        if overdue == still_open:
            assert item.message == f"{noun} overdue (past the 48 hours)"
        else:
            assert item.message == f"{noun} in progress, {overdue} overdue (past the 48 hours)"
