"""Every section opens from every other, every time (issue 19): by its number key, by a click on its menu tab
and by the command palette, for each role, and the menu bar marks the section shown each time.

The number key is also pressed with a drop-down list open in the section being left (Credentialing's search
options, Risk Management's categories): the list's type-to-search took the digit, and the section never
opened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from section_helpers import enter_as, session_for
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select
from tui_helpers import SandboxLike, click, wait_for

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.section_registry import Section
from ssp_tui.tui.section_screen import SectionNav, SectionScreen

SIZE = (150, 50)
ROLES = ["dr.nguyen", "dr.patel", "agent.rivera", "support.morgan"]
"""One login per role: insured, policyholder, agent, support."""


def showing(app: SspApp, section: Section) -> bool:
    screen = app.screen
    return (
        isinstance(screen, SectionScreen)
        and section.id == screen.SECTION_ID
        and bool(screen.query(SectionNav))
    )


async def arrive(pilot: Pilot[None], app: SspApp, section: Section, how: str) -> None:
    await wait_for(pilot, lambda: showing(app, section), f"{section.title} ({how})")
    nav = app.screen.query_one(SectionNav)
    await wait_for(pilot, lambda: nav.active == f"nav-{section.id}", f"the menu bar marking {section.title}")
    active = nav.active_tab
    assert active is not None and active.id == f"nav-{section.id}", (how, section.id)


async def open_a_list(pilot: Pilot[None], app: SspApp) -> bool:
    """Open the first drop-down list of the screen, as a user choosing an option; False when there is none."""
    screen = app.screen
    select = next((s for s in screen.query(Select) if s.display and not s.disabled), None)
    if select is None:
        return False
    screen.set_focus(select)
    await pilot.press("enter")
    await wait_for(pilot, lambda: select.expanded, "the list open")
    return True


async def by_palette(pilot: Pilot[None], app: SspApp, section: Section) -> None:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    await pilot.press(*f"go to {section.title}")
    palette = app.screen

    def first_hit_is_it() -> bool:
        hits = palette.query("CommandList")
        return (
            bool(hits)
            and hits.first().option_count > 0
            and f"Go to {section.title}" in str(hits.first().get_option_at_index(0).prompt)
        )

    await wait_for(pilot, first_hit_is_it, f"'Go to {section.title}' in the palette")
    if palette.query_one("CommandList", OptionList).highlighted is None:
        await pilot.press("down")
    await pilot.press("enter")


async def leave_text_field(pilot: Pilot[None], app: SspApp) -> None:
    """In a text field digits are text (Support opens on its search box): Shift+Tab out, as a user would."""
    for _ in range(5):
        if not isinstance(app.focused, Input):
            return
        await pilot.press("shift+tab")
    raise AssertionError(f"focus stays in a text field: {app.focused}")


@pytest.mark.parametrize("username", ROLES)
async def test_every_section_opens_from_every_other_by_key_click_and_palette(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        sections = app.visible_sections()

        async def go(section: Section, how: str) -> None:
            await leave_text_field(pilot, app)
            await pilot.press(section.key)
            await arrive(pilot, app, section, how)

        # Every section from every other: by its number, then back by a click on the menu bar.
        for source in sections:
            for target in sections:
                if target is not source:
                    await go(source, f"back to {source.title}")
                    await go(target, f"key from {source.title}")
                    await click(pilot, f"#nav-{source.id}")
                    await arrive(pilot, app, source, f"click from {target.title}")
        # With a drop-down list open in the section left (each section that has one), and by the palette.
        for source, target in zip(sections, [*sections[1:], sections[0]], strict=True):
            await go(source, f"back to {source.title}")
            if await open_a_list(pilot, app):
                await pilot.press(target.key)
                await arrive(pilot, app, target, f"key over an open list in {source.title}")
            await go(source, f"back to {source.title}")
            await by_palette(pilot, app, target)
            await arrive(pilot, app, target, f"palette from {source.title}")


async def test_a_section_opened_at_once_after_sign_in_opens_marked(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """A section asked for in the same moment Home is entered (a palette command, a quick jump typed ahead)
    once failed with "No Tab with id 'nav-seminars'": the menu bar was told which tab to mark before it had
    mounted its tabs."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session = await session_for(sandbox, "dr.patel")
        await app.controller.install(session)
        await app.enter_portal()
        app.open_section("seminars")  # as Home is still being composed
        sections = app.visible_sections()
        await arrive(pilot, app, next(s for s in sections if s.id == "seminars"), "before Home was ready")
        for section in sections:  # one after another without waiting, each still being composed
            app.open_section(section.id)
        await arrive(pilot, app, sections[-1], "at once")
        for section in sections:
            app.open_section(section.id)
            await arrive(pilot, app, section, "again")


async def test_a_menu_bar_whose_tabs_are_gone_marks_nothing_instead_of_failing(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """As the app closes, a screen still mounting can find its menu tabs already removed: the menu bar then
    marks nothing. Textual raised "No Tab with id 'nav-home'" from the closing app (seen in the suite)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        nav = app.screen.query_one(SectionNav)
        await wait_for(pilot, lambda: nav.active == "nav-home", "Home marked")
        await nav.query_one("#tabs-list").remove_children()
        nav.active = "nav-home"
        assert nav.active == ""
