"""Risk Management (Pilot, against the sandbox): the resources for each role's coverage types, by category,
searched by the portal and narrowed as you type; a PDF downloaded into the download folder, several as one
combined PDF, a public link opened, and a first-page preview."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static
from tui_helpers import SandboxLike, click, db, nav_section_ids, wait_for

from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common.resource_library import LibraryItem
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog, PreviewDialog
from ssp_tui.tui.sections.risk_management.screen import RISK_CATEGORY_LABELS, RiskManagementScreen

SIZE = (150, 44)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The engine's cache of this test only (so every test really downloads)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def visible_titles(sandbox: SandboxLike, username: str) -> set[str]:
    """Resources for the coverage types of the user's policies (agents and support: every resource)."""
    with db(sandbox.db_path) as conn:
        user = conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
        resources = conn.execute("SELECT title, coverage_types FROM risk_resources").fetchall()
        if user["role"] in ("agent", "support"):
            return {r["title"] for r in resources}
        if user["role"] == "insured":
            sql = "SELECT p.coverage_type FROM policies p JOIN policy_insureds pi ON pi.policy_id = p.id "
            mine = {r[0] for r in conn.execute(sql + "WHERE pi.insured_id = ?", [user["insured_id"]])}
        else:
            sql = "SELECT coverage_type FROM policies WHERE customer_id = ?"
            mine = {r[0] for r in conn.execute(sql, [user["customer_id"]])}
    return {r["title"] for r in resources if mine.intersection(json.loads(r["coverage_types"]))}


async def open_risk(pilot: Pilot, app: SspApp) -> RiskManagementScreen:
    await pilot.press("5")
    await wait_for(pilot, lambda: isinstance(app.screen, RiskManagementScreen), "Risk Management")
    screen = app.screen
    assert isinstance(screen, RiskManagementScreen)
    await wait_for(pilot, lambda: screen.table.model.row_count > 0, "the resources")
    return screen


def items(screen: RiskManagementScreen) -> list[LibraryItem]:
    return [row for row in screen.table.shown_rows() if isinstance(row, LibraryItem)]


@pytest.mark.parametrize("username", ["dr.patel", "dr.nguyen", "agent.rivera", "support.morgan"])
async def test_each_role_sees_the_resources_for_its_coverage_by_category(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        assert "risk" in nav_section_ids(app)
        screen = await open_risk(pilot, app)
        shown = items(screen)
        assert {item.title for item in shown} == visible_titles(sandbox, username)
        order = list(RISK_CATEGORY_LABELS)
        ranks = [(order.index(item.category), -item.published_on.toordinal()) for item in shown]
        assert ranks == sorted(ranks)  # by category in the portal's order, newest first within each
        summary = str(screen.query_one("#risk-summary", Static).render())
        assert f"{len(shown)} resources in all categories" in summary
        first = shown[0]
        detail = f"{RISK_CATEGORY_LABELS[first.category]} · {first.summary}"
        await wait_for(pilot, lambda: detail in str(screen.query_one("#risk-detail").render()), "the detail")


async def test_category_search_and_type_ahead(sandbox: SandboxLike, make_app: Callable[..., SspApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_risk(pilot, app)
        everything = items(screen)

        screen.query_one("#risk-category", Select).value = "toolkits"
        await wait_for(pilot, lambda: {i.category for i in items(screen)} == {"toolkits"}, "the toolkits")
        assert len(items(screen)) == sum(1 for i in everything if i.category == "toolkits")
        assert "in Risk toolkits" in str(screen.query_one("#risk-summary", Static).render())
        await pilot.press("c")  # the next category: Other
        await wait_for(pilot, lambda: {i.category for i in items(screen)} == {"other"}, "the others")

        screen.query_one("#risk-category", Select).value = "all"
        await pilot.press("slash")
        assert app.focused is screen.query_one("#risk-query", Input)
        await pilot.press(*"survey", "enter")
        await wait_for(
            pilot, lambda: "matching 'survey'" in str(screen.query_one("#risk-summary").render()), "search"
        )
        found = items(screen)
        assert found and all("survey" in (i.title + i.summary).lower() for i in found)
        assert screen.table.has_focus

        screen.query_one("#risk-filter Input", Input).focus()
        await pilot.press(*"surgical")
        assert [i.title for i in items(screen)] == ["Surgical Safety Site Survey"]


async def test_download_one_pdf_several_combined_preview_and_open_a_link(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path, opened_in_browser: list[str]
) -> None:
    opened = opened_in_browser
    downloads = tmp_path / "downloads"
    app = make_app(Profile(download_dir=downloads, filename_template="{type}/{title}.pdf"))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_risk(pilot, app)
        shown = items(screen)
        pdfs = [i for i in shown if i.document_id]
        link = next(i for i in shown if i.url)

        # Enter on a link opens it in the browser.
        screen.table.move_cursor(shown.index(link))
        screen.table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: opened == [link.url], "the browser")

        # d on one PDF: straight into the download folder.
        screen.table.move_cursor(shown.index(pdfs[0]))
        await pilot.press("d")
        await wait_for(pilot, lambda: screen.runner.last_result is not None, "the download")
        result = screen.runner.last_result
        assert result is not None and result.complete
        assert [f.path for f in result.files] == [downloads / "resource" / f"{pdfs[0].title}.pdf"]
        with pikepdf.open(result.files[0].path) as pdf:
            assert len(pdf.pages) >= 1

        # Two selected: the dialog, one combined PDF with a bookmark each.
        screen.table.select_keys([pdfs[1].id, pdfs[2].id])
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadDialog), "the download dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query("#download-start"), "its buttons")
        await pilot.pause()
        await click(pilot, "#download-start")
        await wait_for(pilot, lambda: screen.runner.last_result is not result, "the combined download")
        combined = screen.runner.last_result
        assert combined is not None and combined.combined_path is not None and combined.complete
        with pikepdf.open(combined.combined_path) as pdf, pdf.open_outline() as outline:
            assert [item.title for item in outline.root] == [pdfs[1].title, pdfs[2].title]

        # p: the text of the highlighted PDF's first page.
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewDialog), "the preview")
        assert app.screen.document_title == pdfs[0].title  # type: ignore[attr-defined]
