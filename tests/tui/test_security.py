"""Security under Settings (the portal's MFA Support page), walked as a user (Pilot, private sandbox): the
factors, a new phone proven by the code sent to it, the authenticator set up again from the QR dialog's
secret, and a remembered device revoked."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import SandboxLike, click, db, wait_for, wait_for_screen

from ssp_tui import clock
from ssp_tui.api.models import RememberedDevice
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.security.phone import PhoneChangeDialog
from ssp_tui.tui.security.reenroll import ReenrollDialog
from ssp_tui.tui.security.screen import SecurityScreen
from ssp_tui.tui.settings_screen import SettingsScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (130, 48)


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def open_security(pilot: Pilot, app: SspApp) -> SecurityScreen:
    await pilot.press("f2")
    await wait_for_screen(pilot, SettingsScreen, "#settings-security")
    await click(pilot, "#settings-security")
    await wait_for_screen(pilot, SecurityScreen, "#security-devices")
    screen = app.screen
    assert isinstance(screen, SecurityScreen)
    await wait_for(pilot, lambda: "***-***-" in text_of(pilot, "#security-status"), "the factors")
    return screen


async def test_change_phone_and_reenroll_the_authenticator(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, private_sandbox, "dr.patel")
        await open_security(pilot, app)
        assert "authenticator app, text message, voice call" in text_of(pilot, "#security-status")

        await click(pilot, "#security-phone")
        await wait_for_screen(pilot, PhoneChangeDialog, "#phone-send")
        await pilot.press(*"916-555-0166", "enter")
        await wait_for(
            pilot, lambda: "sent to ***-***-0166" in text_of(pilot, "#phone-status"), "the code sent"
        )
        with db(private_sandbox.db_path) as conn:
            code = conn.execute(
                "SELECT code FROM outbox WHERE address = '***-***-0166' ORDER BY id DESC LIMIT 1"
            ).fetchone()[0]
        assert app.focused is not None and app.focused.id == "phone-code"
        await pilot.press(*code, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SecurityScreen), "back at Security")
        await wait_for(pilot, lambda: "***-***-0166" in text_of(pilot, "#security-status"), "the new phone")

        await click(pilot, "#security-reenroll")
        await wait_for_screen(pilot, ReenrollDialog, "#reenroll-code")
        await wait_for(pilot, lambda: "█" in text_of(pilot, "#reenroll-qr"), "the QR code")
        secret = text_of(pilot, "#reenroll-secret").replace(" ", "")
        await pilot.press(*"000000", "enter")
        await wait_for(
            pilot, lambda: "not correct" in text_of(pilot, "#reenroll-status"), "a wrong code refused"
        )
        app.screen.query_one("#reenroll-code", Input).focus()
        await pilot.press(*pyotp.TOTP(secret).at(clock.now()), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SecurityScreen), "back at Security")
        with db(private_sandbox.db_path) as conn:
            stored = conn.execute("SELECT totp_secret FROM users WHERE username = 'dr.patel'").fetchone()[0]
        assert stored == secret


async def test_revoke_a_remembered_device(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, private_sandbox, "dr.patel")
        screen = await open_security(pilot, app)
        table = screen.query_one(VirtualTable)
        await wait_for(pilot, lambda: table.model.row_count >= 3, "the devices")
        labels = [row.label for row in table.shown_rows() if isinstance(row, RememberedDevice)]
        safari = next(row for row in table.shown_rows() if row.label.startswith("Safari"))
        assert table.move_cursor_to_key(safari.id)
        table.focus()
        await pilot.press("x")
        await wait_for(
            pilot,
            lambda: (
                [r.label for r in table.shown_rows()] == [label for label in labels if label != safari.label]
            ),
            "the device gone",
        )
