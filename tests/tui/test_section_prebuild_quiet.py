"""The screens built ahead wait for the user to pause (tui/idle.py, PAUSE_S): a mount holds the event loop for
a tenth of a second or more, and keys typed meanwhile would wait behind it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from section_helpers import enter_as
from tui_helpers import SandboxLike, wait_for

from ssp_tui.tui import idle
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.home.screen import HomeScreen

SIZE = (150, 50)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_nothing_is_built_ahead_until_the_user_pauses(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idle, "PAUSE_S", 0.05)  # the real sleeps between looks stay short
    clock = FakeClock()
    app = make_app()
    app.user_pause._clock = clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")  # typed on the login screen, at the clock's "now", which does not move on
        await enter_as(pilot, sandbox, "agent.rivera")
        await wait_for(pilot, lambda: app.user_pause.waiting, "the build held back by the key")
        sections = [s.id for s in app.visible_sections() if s.id != "home"]
        for _ in range(3):
            await wait_for(pilot, lambda: app.user_pause.waiting, "still held back")
            await pilot.pause()
        assert not any(app.prebuilder.built(s) for s in sections), "nothing built while the user types"

        clock.now += idle.PAUSE_S  # the user has paused
        await wait_for(
            pilot,
            lambda: not app.prebuilder.running and all(app.prebuilder.built(s) for s in sections),
            "every screen built once the user paused",
        )
        assert isinstance(app.screen, HomeScreen)
