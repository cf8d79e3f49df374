"""Opening a section styles only its own new widgets: no re-parse of every stylesheet of the app (which
Textual does for a screen it takes as stale, 0.1-0.3 s of every first open); a theme change still restyles
every section."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from section_helpers import enter_as
from textual.css.stylesheet import Stylesheet
from tui_helpers import SandboxLike, nav_section_ids, wait_for

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.section_registry import SECTIONS

SIZE = (120, 40)


def showing(app: SspApp, section_id: str) -> Callable[[], bool]:
    return lambda: getattr(app.screen, "SECTION_ID", "") == section_id


async def test_first_opens_reparse_no_stylesheet_and_a_theme_change_restyles_every_section(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    reparsed: list[int] = []
    original = Stylesheet.reparse

    def counting_reparse(self: Stylesheet) -> None:
        reparsed.append(1)
        original(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting_reparse)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        opened = []
        for section in SECTIONS:
            if section.id not in nav_section_ids(app) or section.id == "home":
                continue
            reparsed.clear()
            await pilot.press(section.key)
            await wait_for(pilot, showing(app, section.id), section.title)
            await pilot.pause()
            assert reparsed == [], f"opening {section.title} re-parsed the stylesheets"
            # Styled all the same: the section's own rules (a two-line nav, the footer at the bottom) apply.
            assert app.screen.query_one("#section-nav").outer_size.height == 2
            opened.append(app.screen)
        assert len(opened) >= 5
        theme = next(name for name in app.available_themes if name != app.theme)
        app.theme = theme
        await pilot.pause()
        assert reparsed, "a theme change re-parses the stylesheets"
        await pilot.press("2")  # back to a section opened before the change
        await pilot.pause()
        assert app.screen._css_update_count == app._css_update_count  # restyled for the new theme
