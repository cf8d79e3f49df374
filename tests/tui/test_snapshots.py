"""Snapshots at 120x36 of the sign-in screen, the MFA dialog and Home (seeded sandbox of the test's own; no
clock, countdown or blinking cursor on screen). Update with ``pytest tests/tui --snapshot-update`` after
checking the new pictures in the report."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tui_helpers import SandboxLike, enter_password, sign_in_totp, wait_for, wait_for_screen

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.section_registry import SECTIONS
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sign_in.mfa import MfaScreen

SIZE = (120, 36)
HOME_ONLY = tuple(section for section in SECTIONS if section.id == "home")
"""The pictures show the shell, so they must not change each time a section is added to the registry."""


async def steady(pilot: Pilot) -> None:
    """No blinking cursor: the picture must not depend on the moment it is taken."""
    for screen in pilot.app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()


def test_login_screen(
    snap_compare: Callable[..., bool], private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox, registry=HOME_ONLY)

    async def ready(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: app.demo_accounts, "the demo accounts")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_mfa_dialog(
    snap_compare: Callable[..., bool], private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox, registry=HOME_ONLY)
    account = private_sandbox.account("agent", 0)

    async def at_mfa(pilot: Pilot) -> None:
        await enter_password(pilot, account.username, account.password)
        await wait_for_screen(pilot, MfaScreen, "#mfa-code")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "mfa-code", "focus on the code")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=at_mfa)


def test_home(
    snap_compare: Callable[..., bool], private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox, registry=HOME_ONLY)
    account = private_sandbox.account("policyholder", 0)

    async def at_home(pilot: Pilot) -> None:
        await sign_in_totp(pilot, private_sandbox, account)
        home = app.screen
        assert isinstance(home, HomeScreen)
        attention = home.query_one("#home-attention", OptionList)
        await wait_for(pilot, lambda: attention.option_count and attention.get_option_at_index(0).id, "Home")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=at_home)
