"""Signing in through MFA as every role, and the menus each role gets (Pilot, against the sandbox)."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from textual.widgets import Input, OptionList, Static
from tui_helpers import (
    SandboxLike,
    app_of,
    click,
    enter_password,
    nav_section_ids,
    press_burst,
    sign_in_sms,
    sign_in_totp,
    usable_account,
    wait_for,
)

from ssp_tui import clock
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.section_registry import SECTIONS
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sign_in.login import LoginScreen
from ssp_tui.tui.sign_in.mfa import MfaScreen
from ssp_tui.tui.sign_in.mfa_enroll import EnrollScreen

PORTAL_MENUS = {"home", "payments", "policy_services", "risk", "seminars"}
EXPECTED_SECTIONS: dict[str, set[str]] = {
    "policyholder": PORTAL_MENUS | {"credentialing"},
    # A COI and their own seminar activity, nothing more: no Payments, no Policy Services.
    "insured": {"home", "risk", "seminars", "credentialing"},
    "agent": PORTAL_MENUS | {"credentialing", "agent"},
    "support": PORTAL_MENUS | {"support"},
}
"""The menus each role may use (the role table, ssp_tui/api/roles.py). Only sections that are built are
shown, so a role's nav bar is this set restricted to the registry."""


def test_every_registered_section_is_expected_for_some_role() -> None:
    known = set().union(*EXPECTED_SECTIONS.values())
    assert {section.id for section in SECTIONS} <= known, "add the new section to EXPECTED_SECTIONS"


@pytest.mark.parametrize("role", ["policyholder", "insured", "agent", "support"])
async def test_each_role_signs_in_with_totp_and_sees_exactly_its_menus(
    role: str, sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = sandbox.account(role, 0)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in_totp(pilot, sandbox, account)
        assert app.controller.user is not None and app.controller.user.role.value == role
        built = {section.id for section in SECTIONS}
        expected = [s.id for s in SECTIONS if s.id in EXPECTED_SECTIONS[role] & built]
        assert nav_section_ids(app) == expected
        header = app.screen.query_one("#header-user", Static)
        assert account.display_name in str(header.render()) and role in str(header.render())


async def test_sms_sign_in_with_the_code_from_the_outbox(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = sandbox.account("policyholder", 1)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in_sms(pilot, sandbox, account)
        assert app.controller.user is not None and app.controller.user.username == account.username


async def test_picking_a_demo_account_fills_the_form(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = sandbox.account("agent", 0)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "demo accounts")
        await pilot.press("ctrl+o")
        options = app.screen.query_one("#demo-accounts", OptionList)
        assert app.focused is options
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == account.username
        )
        await pilot.press("enter")
        assert app.screen.query_one("#username", Input).value == account.username
        assert app.screen.query_one("#password", Input).value == account.password
        assert app.focused is app.screen.query_one("#password", Input)


async def test_ctrl_o_then_enter_picks_the_first_demo_account(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    # Found by hand in tmux: Ctrl+O focused the list with nothing highlighted, so Enter did nothing.
    first = sandbox.accounts[0]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "demo accounts")
        await pilot.press("ctrl+o", "enter")
        assert app.screen.query_one("#username", Input).value == first.username
        assert app.screen.query_one("#password", Input).value == first.password


async def test_wrong_code_keeps_the_dialog_open_with_a_message(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = usable_account(private_sandbox, "policyholder", 2)
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await enter_password(pilot, account.username, account.password)
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA dialog")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "mfa-code", "the dialog ready")
        await pilot.press(*"000000", "enter")
        status = app.screen.query_one("#mfa-status", Static)
        await wait_for(pilot, lambda: status.has_class("error"), "the wrong-code message")
        assert isinstance(app.screen, MfaScreen)
        assert app.focused is app.screen.query_one("#mfa-code", Input)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "back on the sign-in form")


async def test_first_sign_in_enrolls_the_authenticator(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = next(a for a in private_sandbox.accounts if a.totp_secret is None and "locked" not in a.note)
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await enter_password(pilot, account.username, account.password)
        await wait_for(pilot, lambda: isinstance(app.screen, EnrollScreen), "the enrollment dialog")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "enroll-code", "the dialog ready")
        assert "█" in str(app.screen.query_one("#enroll-qr", Static).render())
        secret = str(app.screen.query_one("#enroll-secret", Static).render()).replace(" ", "").strip()
        await click(pilot, "#keep-secret")
        app.screen.query_one("#enroll-code", Input).focus()
        await pilot.press(*pyotp.TOTP(secret).at(clock.now()), "enter")
        await wait_for(pilot, lambda: app.controller.user is not None, "the session")
        # Signed in means Home is shown (the test must not end while the app is still switching to it).
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
        assert await app.controller.totp_secret(account.username) == secret


async def test_log_out_returns_to_the_sign_in_form(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = sandbox.account("insured", 1)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        first_login_screen = app.screen
        await sign_in_sms(pilot, sandbox, account)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the sign-in form")
        # The default screen is reused (SspApp.on_mount registers its mode), never a second login screen.
        assert app.screen is first_login_screen
        assert len(app.screen.query("#demo-accounts")) == 1
        assert app.controller.user is None
        assert app.screen.query_one("#password", Input).value == ""
        assert app_of(pilot).visible_sections() == []


@pytest.mark.parametrize("between", ["tab", "enter"])
async def test_keys_typed_in_one_burst_land_in_the_field_focused_for_them(
    make_app: Callable[..., SspApp], between: str
) -> None:
    """A password manager types username, Tab (or Enter), password without waiting: the password must land
    in Password, never in Username in clear (issue 19)."""
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "the sandbox's demo accounts")
        screen = app.screen
        await press_burst(pilot, *"user1", between, *"secret")
        await wait_for(pilot, lambda: screen.query_one("#password", Input).value, "the password typed")
        assert screen.query_one("#username", Input).value == "user1"
        assert screen.query_one("#password", Input).value == "secret"
        assert app.focused is screen.query_one("#password", Input)
