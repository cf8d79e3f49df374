"""The sign-in screen's "Create an account" and "Forgot username or password?" (Pilot, on a private sandbox):
a registration the portal team approves, the invitation code setting the first password, a reset code
setting a new one, and a username reminder; every answer read from the sandbox outbox as a user would."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import SandboxLike, app_of, click, db, wait_for, wait_for_screen

from ssp_tui.sandbox import registrations
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sign_in.login import LoginScreen
from ssp_tui.tui.sign_in.mfa_enroll import EnrollScreen
from ssp_tui.tui.sign_in.recovery import RecoveryScreen
from ssp_tui.tui.sign_in.register import RegisterScreen

SIZE = (120, 44)
NEW_PASSWORD = "maple canyon lighthouse 31"


def last_email(db_path: object, address: str) -> sqlite3.Row | None:
    with db(db_path) as conn:  # type: ignore[arg-type]
        return conn.execute(
            "SELECT * FROM outbox WHERE address = ? ORDER BY id DESC LIMIT 1", [address]
        ).fetchone()


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


def status_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def test_create_an_account_then_set_the_password_from_the_invitation(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "the portal")
        await click(pilot, "#create-account")
        await wait_for_screen(pilot, RegisterScreen, "#register-send")
        await click(pilot, "#type-authorized")
        assert not app.screen.query_one("#register-works-for", Input).disabled
        await type_into(pilot, "#register-name", "Ruth Ames")
        await type_into(pilot, "#register-email", "ruth.ames@lakes.example")
        await type_into(pilot, "#register-phone", "616-555-0100")
        await click(pilot, "#register-send")
        await wait_for(pilot, lambda: "Fill in" in status_of(pilot, "#register-status"), "the missing fields")
        with db(private_sandbox.db_path) as conn:
            policy = conn.execute(
                "SELECT p.policy_number FROM policies p JOIN users u ON u.customer_id = p.customer_id "
                "WHERE u.username = 'office.lakes' ORDER BY p.rowid LIMIT 1"
            ).fetchone()[0]
        await type_into(pilot, "#register-policy", policy)
        await type_into(pilot, "#register-works-for", "Great Lakes Orthopedic Associates")
        await click(pilot, "#register-send")
        await wait_for(pilot, lambda: "business days" in status_of(pilot, "#register-status"), "the answer")
        assert "sandbox outbox" in status_of(pilot, "#register-status")
        assert last_email(private_sandbox.db_path, "ruth.ames@lakes.example")["subject"] == (
            "We received your registration"
        )
        await click(pilot, "#register-close")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the sign-in form")

        # The portal team approves it: the invitation (username and code) lands in the outbox.
        with db(private_sandbox.db_path) as conn:
            [pending] = conn.execute(
                "SELECT id FROM registrations WHERE email = 'ruth.ames@lakes.example'"
            ).fetchall()
        conn = sqlite3.connect(private_sandbox.db_path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            username = registrations.approve(conn, pending[0], datetime.now(UTC))
        finally:
            conn.close()
        invitation = last_email(private_sandbox.db_path, "ruth.ames@lakes.example")

        await click(pilot, "#forgot")
        await wait_for_screen(pilot, RecoveryScreen, "#reset-set")
        await type_into(pilot, "#reset-username", username)
        await type_into(pilot, "#reset-code", invitation["code"])
        await type_into(pilot, "#reset-password", "short")
        await type_into(pilot, "#reset-again", "short")
        await click(pilot, "#reset-set")
        assert "at least 8 characters" in status_of(pilot, "#reset-status")
        await type_into(pilot, "#reset-password", "password123")
        await type_into(pilot, "#reset-again", "password123")
        await click(pilot, "#reset-set")
        await wait_for(pilot, lambda: "common" in status_of(pilot, "#reset-status"), "the portal's rule")
        await type_into(pilot, "#reset-password", NEW_PASSWORD)
        await type_into(pilot, "#reset-again", NEW_PASSWORD)
        await click(pilot, "#reset-set")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "back at the sign-in form")
        await wait_for(
            pilot, lambda: app.screen.query_one("#username", Input).value == username, "the username"
        )
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "password", "focus on the password")
        await pilot.press(*NEW_PASSWORD, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EnrollScreen), "the first sign-in's enrollment")


async def test_forgot_username_and_a_reset_code(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox)
    with db(private_sandbox.db_path) as conn:
        email = conn.execute("SELECT email FROM users WHERE username = 'dr.abbott'").fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app_of(pilot).demo_accounts, "the portal")
        await click(pilot, "#forgot")
        await wait_for_screen(pilot, RecoveryScreen, "#reset-send")
        await click(pilot, "#--content-tab-recovery-username")
        await type_into(pilot, "#remind-email", email)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "on its way" in status_of(pilot, "#remind-status"), "the answer")
        assert "dr.abbott" in last_email(private_sandbox.db_path, email)["body"]

        await click(pilot, "#--content-tab-recovery-password")
        await type_into(pilot, "#reset-username", "dr.abbott")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "reset code" in status_of(pilot, "#reset-sent"), "the code sent")
        code = last_email(private_sandbox.db_path, email)["code"]
        await type_into(pilot, "#reset-code", "000000" if code != "000000" else "111111")
        await type_into(pilot, "#reset-password", NEW_PASSWORD)
        await type_into(pilot, "#reset-again", NEW_PASSWORD)
        await click(pilot, "#reset-set")
        await wait_for(pilot, lambda: "not correct" in status_of(pilot, "#reset-status"), "a wrong code")
        await type_into(pilot, "#reset-code", code)
        await click(pilot, "#reset-set")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the sign-in form")
        await wait_for(
            pilot,
            lambda: app.screen.query_one("#username", Input).value == "dr.abbott",
            "the username filled",
        )


async def test_help_faq_tells_how_to_use_each_new_function(make_app: Callable[..., SspApp]) -> None:
    """F1 on the sign-in screen: the FAQ answers how to get a login, recover it, manage MFA, request a policy
    change and find renewal applications, each naming where it is."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "the portal")
        await pilot.press("f1")
        await wait_for(pilot, lambda: app.screen.query("#help-faq .help-block"), "Help")
        faq = "\n".join(str(block.render()) for block in app.screen.query("#help-faq .help-block"))
        for words in (
            "Create an account",
            "Forgot username or password?",
            "Settings (F2), then Security",
            "Policy Services, then c (Changes)",
            "Shift+A lists every renewal term",
        ):
            assert words in faq, words
