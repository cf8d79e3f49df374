"""The small things a careful user sees (issue 19, point 6), driven as a user against the sandbox."""

from __future__ import annotations

from collections.abc import Callable

from section_helpers import enter_as
from textual.widgets import Select, Static
from tui_helpers import SandboxLike, wait_for

from ssp_tui.api.models import StatusFilter
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.credentialing.screen import CredentialingScreen
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
