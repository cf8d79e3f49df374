"""An expired session mid-action: the re-login dialog, then the same action carries on, on the same screen."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import OptionList
from tui_helpers import SandboxLike, db, sign_in_totp, usable_account, wait_for, wait_for_screen

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sign_in.relogin import ReloginScreen


def revoke_sessions(sandbox: SandboxLike, username: str) -> None:
    """What the portal does when a session ends early (expiry, an admin): every token of the user dies."""
    with db(sandbox.db_path) as conn:
        conn.execute(
            "UPDATE sessions SET revoked = 1 WHERE user_id = (SELECT id FROM users WHERE username = ?)",
            [username],
        )


async def test_expired_session_asks_for_the_password_and_continues(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = usable_account(private_sandbox, "agent", 1)
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in_totp(pilot, private_sandbox, account, remember_device=True)
        home = app.screen
        assert isinstance(home, HomeScreen)
        attention = home.query_one("#home-attention", OptionList)
        await wait_for(pilot, lambda: attention.option_count and attention.get_option_at_index(0).id, "Home")
        attention.clear_options()  # so that only the continued reload can fill it again

        revoke_sessions(private_sandbox, account.username)
        await pilot.press("r")
        await wait_for_screen(pilot, ReloginScreen, "#relogin-password")
        await wait_for(
            pilot, lambda: getattr(app.focused, "id", None) == "relogin-password", "password focus"
        )
        await pilot.press(*account.password, "enter")

        # The remembered device skips the code; the interrupted reload then finishes on the same screen.
        await wait_for(pilot, lambda: app.screen is home, "back on Home")
        await wait_for(pilot, lambda: attention.option_count > 0, "the reload to finish")
        assert attention.get_option_at_index(0).id, "the real attention items, not a placeholder"
        assert app.controller.user is not None and app.controller.user.username == account.username


async def test_cancelling_the_re_login_reports_the_expired_session(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = usable_account(private_sandbox, "insured", 0)
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in_totp(pilot, private_sandbox, account)
        home = app.screen
        revoke_sessions(private_sandbox, account.username)
        await pilot.press("r")
        await wait_for_screen(pilot, ReloginScreen, "#relogin-password")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home, "back on Home")
        await wait_for(pilot, lambda: any(n.title == "Signed out" for n in app._notifications), "the notice")
