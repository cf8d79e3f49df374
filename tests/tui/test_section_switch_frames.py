"""A section key switches to its screen built ahead without Textual's 50 ms hold on frames.

``App.switch_mode`` holds every frame 50 ms (``delay_update``) to hide a screen still composing. A screen
built ahead is composed and laid out already: held, its first frame came after the first page of its data
(Policy Services on the large book: 58-75 ms after the key, against 4-23 ms; docs/performance.md, "Policy
Services: the documents asked for before the frame"). A screen composed at the key keeps the hold."""

from __future__ import annotations

from collections.abc import Callable

from section_helpers import enter_as
from test_section_prebuild import AGENT, SIZE, all_built
from tui_helpers import SandboxLike, wait_for

from ssp_tui.tui.app import SspApp


async def test_a_screen_built_ahead_is_drawn_without_the_hold(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        screens = await all_built(pilot, app)
        app.open_section("policy_services")
        assert app.screen is screens["policy_services"]
        assert app._batch_count == 0  # frames are not held: the next idle turn draws the screen


async def test_a_screen_composed_at_the_key_keeps_textuals_hold(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    app.prebuild = False
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        app.open_section("payments")
        assert app._batch_count >= 1  # held while the screen composes, as Textual does
        await wait_for(pilot, lambda: app._batch_count == 0, "the hold over")
