"""``ssp-tui`` with no portal configured: the sign-in screen first, the sandbox child process beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from tui_helpers import enter_password, fresh_totp, wait_for

from ssp_tui.portal.target import EmbeddedSandboxPortal, choose_target
from ssp_tui.settings.config import Profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sign_in.login import LoginScreen
from ssp_tui.tui.sign_in.mfa import MfaScreen


async def test_embedded_sandbox_starts_beside_the_sign_in_screen(
    fresh_db: Path, tmp_path: Path, keyring_backend: KeyringBackend
) -> None:
    target = EmbeddedSandboxPortal(fresh_db)
    app = SspApp(
        target,
        profile_name="test",
        profile=Profile(download_dir=tmp_path),
        show_clock=False,
        secret_store=SecretStore("test", backend=keyring_backend),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, LoginScreen), "the form is up before the sandbox answers"
        await wait_for(pilot, lambda: app.demo_accounts, "the sandbox's demo accounts")
        account = next(iter(app.demo_accounts.values()))
        assert account.role == "policyholder", "the policyholder is listed first"
        await enter_password(pilot, account.username, account.password)
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA dialog")
        assert account.totp_secret
        await pilot.press(*await fresh_totp(fresh_db, account.username, account.totp_secret), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
        assert target.running
    assert not target.running, "the sandbox child stops with the app"


def test_portal_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSP_PORTAL", raising=False)
    configured = Profile(portal_url="https://portal.example/api/v1/")
    assert isinstance(choose_target(None, Profile(), force_sandbox=False), EmbeddedSandboxPortal)
    assert choose_target(None, configured, force_sandbox=False).describe() == "https://portal.example"
    assert isinstance(choose_target(None, configured, force_sandbox=True), EmbeddedSandboxPortal)
    assert (
        choose_target("http://127.0.0.1:9", configured, force_sandbox=False).describe()
        == "http://127.0.0.1:9"
    )
    monkeypatch.setenv("SSP_PORTAL", "https://env.example")
    assert choose_target(None, configured, force_sandbox=False).describe() == "https://env.example"
