"""Each role's menus are the published role table (Pilot, against the sandbox): the nav bar shows exactly the
sections the role may use, the number key of any other section does nothing, and every section shown opens
with something in it and without the portal ever answering 403 (no empty section, no 403 surprise); Help
lists the same sections and says who sees what in the role table's words.

The expected menus are written out from ProAssurance's published rules, not read from the registry."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import httpx2
import pytest
from section_helpers import enter_as, shown_text
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList, Tree
from tui_helpers import SandboxLike, nav_section_ids, wait_for

from ssp_tui.api.roles import ROLE_SCOPES
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.help import HelpScreen
from ssp_tui.tui.section_registry import SECTIONS, Section
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (150, 50)
MENUS = {
    # Insured: a COI for themself and their own seminar activity; Home and the public resources.
    "dr.nguyen": ["home", "credentialing", "risk", "seminars"],
    # Policyholder: + billing and Pay, policy documents.
    "dr.patel": ["home", "payments", "policy_services", "credentialing", "risk", "seminars"],
    # Agent: documents, billing summaries, COIs of all clients, the agent library; never Pay.
    "agent.rivera": ["home", "payments", "policy_services", "credentialing", "risk", "seminars", "agent"],
    # Support: reads every account; changes nothing (no Credentialing, where COIs are requested).
    "support.morgan": ["home", "payments", "policy_services", "risk", "seminars", "support"],
}
SEARCH_FIRST = {"support"}
"""Sections that open on a search box by design (triage starts with a name)."""


def rows_shown(screen: Screen[object]) -> int:
    """Rows of data on the screen: table rows, selectable options, tree groups (and Home's news)."""
    rows = len(screen.query(".announcement"))
    rows += sum(table.model.row_count for table in screen.query(VirtualTable))
    for options in screen.query(OptionList):
        rows += sum(1 for i in range(options.option_count) if not options.get_option_at_index(i).disabled)
    rows += sum(len(tree.root.children) for tree in screen.query(Tree))
    return rows


def screen_class(section_id: str) -> type:
    section = next(s for s in SECTIONS if s.id == section_id)
    module, _, name = section.screen.partition(":")
    return getattr(import_module(module), name)


async def open_and_load(pilot: Pilot[None], app: SspApp, section: Section) -> None:
    """Wait for the section's screen, something in it, and every load it started to end."""
    wanted = screen_class(section.id)
    await wait_for(pilot, lambda: isinstance(app.screen, wanted), section.title)
    screen = app.screen
    if section.id not in SEARCH_FIRST:
        await wait_for(pilot, lambda: rows_shown(screen) > 0, f"something in {section.title}")
    await wait_for(pilot, lambda: not any(w.is_running for w in app.workers), "loading to end")


@pytest.mark.parametrize("username", list(MENUS))
async def test_each_role_sees_exactly_its_sections_each_with_content_and_no_403(
    sandbox: SandboxLike,
    make_app: Callable[..., SspApp],
    username: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: list[tuple[int, str]] = []
    real_send = httpx2.AsyncClient.send

    async def recording_send(self: httpx2.AsyncClient, request: httpx2.Request, **kwargs: object) -> object:
        response = await real_send(self, request, **kwargs)  # type: ignore[arg-type]
        answers.append((response.status_code, f"{request.method} {request.url.path}"))
        return response

    monkeypatch.setattr(httpx2.AsyncClient, "send", recording_send)
    app = make_app()
    errors: list[BaseException] = []
    show_error = app.show_error

    def recording_show_error(error: BaseException) -> None:
        errors.append(error)
        show_error(error)

    monkeypatch.setattr(app, "show_error", recording_show_error)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        assert nav_section_ids(app) == MENUS[username]
        for section in SECTIONS:
            await pilot.press(section.key)
            if section.id not in MENUS[username]:
                await pilot.pause()
                assert not isinstance(app.screen, screen_class(section.id)), section.id
                continue
            await open_and_load(pilot, app, section)
        assert not errors, errors
        assert not [answer for answer in answers if answer[0] == 403], answers
        await pilot.press("f1")  # Help lists the same sections, and says who sees what in the table's words
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "Help")
        help_text = shown_text(app.screen)
        yours = help_text.split("Your sections", 1)[1].split("\n\n", 1)[0]
        labels = {section.id: f"{section.key}  {section.title}" for section in SECTIONS}
        listed = [section_id for section_id, label in labels.items() if label in yours]
        assert listed == MENUS[username]
        assert all(scope in help_text for scope in ROLE_SCOPES.values())
