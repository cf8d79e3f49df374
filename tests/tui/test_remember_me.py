"""Remember me across a restart, and the consent to keep secrets in a private file (issue 19, point 4).

A restart is a new SspApp over the same config file and the same keyring, with the profile read back from
that file, as ``run_app`` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring.backends.fail
import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input
from tui_helpers import SandboxLike, app_of, fresh_totp, usable_account, wait_for, wait_for_screen

from ssp_tui.portal.target import FixedPortal
from ssp_tui.settings.config import Profile, load_config, load_profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.dialogs.secrets_consent import SecretsConsentDialog
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.settings_screen import SettingsScreen
from ssp_tui.tui.sign_in.login import LoginScreen
from ssp_tui.tui.sign_in.mfa import MfaScreen

PROFILE = "test"
"""The profile name tests/tui/conftest.py's ``make_app`` uses."""


def saved_profile() -> Profile:
    return load_profile(PROFILE)[1]


async def form_ready(pilot: Pilot) -> None:
    app = app_of(pilot)
    await wait_for_screen(pilot, LoginScreen, "#remember-me")
    await wait_for(pilot, lambda: app.demo_accounts, "the sandbox's demo accounts")


async def verify_with_code(
    pilot: Pilot, sandbox: SandboxLike, username: str, secret: str, *, remember_device: bool
) -> None:
    app = app_of(pilot)
    await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA dialog")
    await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "mfa-code", "focus on the code")
    if remember_device:
        await toggle(pilot, app.screen.query_one("#remember-device", Checkbox))
        app.screen.query_one("#mfa-code", Input).focus()
    code = await fresh_totp(sandbox.db_path, username, secret)
    await pilot.press(*code, "enter")


async def test_remember_me_keeps_the_username_across_a_restart_and_unticking_forgets_it(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    account = usable_account(private_sandbox, "policyholder", 0)
    assert account.totp_secret is not None
    downloads = tmp_path / "downloads"

    first = make_app(profile=Profile(download_dir=downloads), server=private_sandbox)
    async with first.run_test(size=(120, 36)) as pilot:
        await form_ready(pilot)
        remember = first.screen.query_one("#remember-me", Checkbox)
        assert remember.value is False, "nothing is remembered on a first start"
        await toggle(pilot, remember)
        first.screen.query_one("#username", Input).focus()
        await pilot.press(*account.username, "tab", *account.password, "enter")
        await verify_with_code(
            pilot, private_sandbox, account.username, account.totp_secret, remember_device=True
        )
        await wait_for(pilot, lambda: isinstance(first.screen, HomeScreen), "Home")
    assert saved_profile().username == account.username

    # Restart: the username is filled in, remember me is ticked, and the password field has the focus.
    second = make_app(profile=saved_profile(), server=private_sandbox)
    async with second.run_test(size=(120, 36)) as pilot:
        await form_ready(pilot)
        assert second.screen.query_one("#username", Input).value == account.username
        assert second.screen.query_one("#remember-me", Checkbox).value is True
        await wait_for(
            pilot, lambda: getattr(second.focused, "id", None) == "password", "focus on the password"
        )
        # Untick it and sign in (the device is remembered: no code): the username is forgotten.
        await toggle(pilot, second.screen.query_one("#remember-me", Checkbox))
        password = second.screen.query_one("#password", Input)
        password.value = ""
        password.focus()
        await pilot.press(*account.password, "enter")
        await wait_for(pilot, lambda: isinstance(second.screen, HomeScreen), "Home")
    assert saved_profile().username is None

    third = make_app(profile=saved_profile(), server=private_sandbox)
    async with third.run_test(size=(120, 36)) as pilot:
        await form_ready(pilot)
        assert third.screen.query_one("#username", Input).value == ""
        assert third.focused is third.screen.query_one("#username", Input)


async def toggle(pilot: Pilot, box: Checkbox) -> None:
    """Tick or untick ``box`` from the keyboard (a click can land before a dialog is laid out)."""
    before = box.value
    box.focus()
    await pilot.press("space")
    await wait_for(pilot, lambda: box.value is not before, f"#{box.id} toggled")


async def toggle_and_save(pilot: Pilot, consent: Checkbox) -> None:
    """Tick or untick the consent, then Ctrl+S."""
    await toggle(pilot, consent)
    await pilot.press("ctrl+s")


def no_keyring_app(server: SandboxLike, profile: Profile, secrets_dir: Path) -> SspApp:
    """An app on a machine with no OS keyring: the consent is read from the config file."""
    target = FixedPortal(server.base_url, is_sandbox=True, accounts=server.accounts, label="sandbox (test)")
    store = SecretStore(PROFILE, backend=keyring.backends.fail.Keyring(), fallback_dir=secrets_dir)
    return SspApp(target, profile_name=PROFILE, profile=profile, show_clock=False, secret_store=store)


def stored_device_token(secrets_dir: Path, username: str) -> str | None:
    path = secrets_dir / "secrets.json"
    if not path.exists():
        return None
    assert path.stat().st_mode & 0o777 == 0o600
    return json.loads(path.read_text())[f"ssp-tui:{PROFILE}"].get(f"{username}/device_token")


async def test_the_consent_set_in_settings_persists_and_keeps_the_device_token_in_the_file(
    private_sandbox: SandboxLike, tmp_path: Path
) -> None:
    account = usable_account(private_sandbox, "agent", 0)
    assert account.totp_secret is not None
    secrets_dir = tmp_path / "secrets"
    app = no_keyring_app(private_sandbox, Profile(download_dir=tmp_path / "downloads"), secrets_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await form_ready(pilot)
        await pilot.press("f2")
        await wait_for_screen(pilot, SettingsScreen, "#secrets-file-consent")
        consent = app.screen.query_one("#secrets-file-consent", Checkbox)
        assert consent.value is False
        await toggle_and_save(pilot, consent)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "Settings closed")
        assert load_config().secrets_file_consent is True
        app.screen.query_one("#username", Input).focus()
        await pilot.press(*account.username, "tab", *account.password, "enter")
        await verify_with_code(
            pilot, private_sandbox, account.username, account.totp_secret, remember_device=True
        )
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
    assert stored_device_token(secrets_dir, account.username)

    # A restart reads the consent back, and Settings shows it; unticking it there is saved too.
    again = no_keyring_app(private_sandbox, saved_profile(), secrets_dir)
    async with again.run_test(size=(120, 36)) as pilot:
        await form_ready(pilot)
        await pilot.press("f2")
        await wait_for_screen(pilot, SettingsScreen, "#secrets-file-consent")
        assert again.screen.query_one("#secrets-file-consent", Checkbox).value is True
        await toggle_and_save(pilot, again.screen.query_one("#secrets-file-consent", Checkbox))
        await wait_for(pilot, lambda: isinstance(again.screen, LoginScreen), "Settings closed")
    assert load_config().secrets_file_consent is False


@pytest.mark.parametrize("agree", [True, False])
async def test_do_not_challenge_me_without_a_keyring_offers_the_consent_there(
    agree: bool, private_sandbox: SandboxLike, tmp_path: Path
) -> None:
    account = usable_account(private_sandbox, "insured", 0 if agree else 1)
    assert account.totp_secret is not None
    secrets_dir = tmp_path / "secrets"
    app = no_keyring_app(private_sandbox, Profile(download_dir=tmp_path / "downloads"), secrets_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await form_ready(pilot)
        await pilot.press(*account.username, "tab", *account.password, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA dialog")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "mfa-code", "focus on the code")
        await toggle(pilot, app.screen.query_one("#remember-device", Checkbox))
        await wait_for_screen(pilot, SecretsConsentDialog, "#consent-yes")
        if agree:
            app.screen.query_one("#consent-yes").focus()
            await pilot.press("enter")
        else:
            await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "back in the MFA dialog")
        assert app.screen.query_one("#remember-device", Checkbox).value is agree
        app.screen.query_one("#mfa-code", Input).focus()
        code = await fresh_totp(private_sandbox.db_path, account.username, account.totp_secret)
        await pilot.press(*code, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
    assert load_config().secrets_file_consent is agree
    assert bool(stored_device_token(secrets_dir, account.username)) is agree
