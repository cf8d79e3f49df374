"""The Agent library (Pilot, against the sandbox): agents see the seven categories, newest first in each,
search and download or open them; no other role sees the section."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import Select, Static
from tui_helpers import SandboxLike, click, db, nav_section_ids, wait_for

from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common.resource_library import LibraryItem
from ssp_tui.tui.sections.agent_library.screen import AGENT_CATEGORY_LABELS, AgentLibraryScreen

SIZE = (150, 44)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


async def open_library(pilot: Pilot, app: SspApp) -> AgentLibraryScreen:
    await pilot.press("7")
    await wait_for(pilot, lambda: isinstance(app.screen, AgentLibraryScreen), "the Agent library")
    screen = app.screen
    assert isinstance(screen, AgentLibraryScreen)
    await wait_for(pilot, lambda: screen.table.model.row_count > 0, "the resources")
    return screen


def items(screen: AgentLibraryScreen) -> list[LibraryItem]:
    return [row for row in screen.table.shown_rows() if isinstance(row, LibraryItem)]


@pytest.mark.parametrize("username", ["agent.rivera", "agent.chen"])
async def test_agents_see_the_library_by_category_newest_first_in_each(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        assert "agent" in nav_section_ids(app)
        screen = await open_library(pilot, app)
        shown = items(screen)
        with db(sandbox.db_path) as conn:
            titles = {r[0] for r in conn.execute("SELECT title FROM agent_resources")}
        assert {i.title for i in shown} == titles
        order = list(AGENT_CATEGORY_LABELS)
        ranks = [(order.index(item.category), -item.published_on.toordinal()) for item in shown]
        assert ranks == sorted(ranks), "by category in the portal's order, newest first within each"
        assert {i.category for i in shown} == set(AGENT_CATEGORY_LABELS) and len(AGENT_CATEGORY_LABELS) == 7
        options = [str(label) for label, _value in screen.query_one("#agent-category", Select)._options]
        assert "ProVisions newsletter archive" in options and "Agent bulletins" in options


@pytest.mark.parametrize("username", ["dr.patel", "dr.nguyen", "support.morgan"])
async def test_other_roles_do_not_see_the_agent_library(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        assert "agent" not in nav_section_ids(app)
        await pilot.press("7")
        await pilot.pause()
        assert not isinstance(app.screen, AgentLibraryScreen)


async def test_search_a_category_download_and_open(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path, opened_in_browser: list[str]
) -> None:
    opened = opened_in_browser
    downloads = tmp_path / "downloads"
    app = make_app(Profile(download_dir=downloads, filename_template="{title}.pdf"))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_library(pilot, app)
        screen.query_one("#agent-category", Select).value = "bulletins"
        await wait_for(pilot, lambda: {i.category for i in items(screen)} == {"bulletins"}, "the bulletins")
        await pilot.press("slash", *"norcal", "enter")
        await wait_for(pilot, lambda: len(items(screen)) == 1, "the search")
        assert "matching 'norcal'" in str(screen.query_one("#agent-summary", Static).render())
        (bulletin,) = items(screen)
        assert bulletin.url and not bulletin.document_id
        await pilot.press("o")
        await wait_for(pilot, lambda: opened == [bulletin.url], "the browser")
        await pilot.press("d")  # a link is not a file: nothing is downloaded
        await pilot.pause()
        assert screen.runner.last_result is None

        screen.query_one("#agent-query").value = ""  # type: ignore[attr-defined]
        screen.query_one("#agent-category", Select).value = "agent_of_record"
        await wait_for(pilot, lambda: {i.category for i in items(screen)} == {"agent_of_record"}, "AOR")
        await pilot.press("a", "d")
        await wait_for(pilot, lambda: app.screen is not screen, "the download dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query("#download-start"), "its buttons")
        await pilot.pause()
        await click(pilot, "#mode-separate")
        await wait_for(pilot, lambda: dialog.query_one("#download-name").disabled, "separate chosen")
        await click(pilot, "#download-start")
        await wait_for(pilot, lambda: screen.runner.last_result is not None, "the downloads")
        result = screen.runner.last_result
        assert result is not None and result.complete
        assert sorted(f.path.name for f in result.files) == sorted(f"{i.title}.pdf" for i in items(screen))
        assert all(f.path.parent == downloads for f in result.files)
