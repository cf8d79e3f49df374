"""Help, the command palette and Settings (Pilot)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static
from tui_helpers import SandboxLike, click, sign_in_totp, usable_account, wait_for, wait_for_screen

from ssp_tui.settings.config import load_profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.commands import ScreenActionCommands, SectionCommands
from ssp_tui.tui.common.portal_info import SUPPORT_CONTACTS
from ssp_tui.tui.help import HelpScreen
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.settings_screen import SettingsScreen


def texts(screen: object) -> str:
    return "\n".join(str(widget.render()) for widget in screen.query(Static))  # type: ignore[attr-defined]


async def test_help_palette_and_number_keys_after_sign_in(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = usable_account(sandbox, "policyholder", 3)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in_totp(pilot, sandbox, account)
        home = app.screen

        await pilot.press("f1")
        await wait_for_screen(pilot, HelpScreen, ".help-block")
        shown = texts(app.screen)
        for contact in SUPPORT_CONTACTS:
            assert contact.name in shown
            assert (contact.phone or contact.email or "") in shown
        assert "800-282-6242" in shown
        assert "Reload" in shown, "the current screen's own keys are listed"
        assert "Log out" in shown and "Settings" in shown, "the app's own keys are listed"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home, "Help closed")

        sections = [hit.text async for hit in SectionCommands(home).discover()]
        assert "Go to Home" in sections and "Log out" in sections and "Help" in sections
        actions = {hit.text: hit for hit in [h async for h in ScreenActionCommands(home).discover()]}
        assert "Reload" in actions
        attention = home.query_one("#home-attention", OptionList)
        await wait_for(pilot, lambda: attention.option_count and attention.get_option_at_index(0).id, "Home")
        attention.clear_options()
        actions["Reload"].command()
        await wait_for(pilot, lambda: attention.option_count > 0, "the reload run from the palette")

        await pilot.press("1")
        assert isinstance(app.screen, HomeScreen)


async def test_settings_validate_and_save_to_the_profile(
    make_app: Callable[..., SspApp], isolated_config: Path, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await wait_for_screen(pilot, SettingsScreen, "#settings-status")
        screen = app.screen
        screen.query_one("#filename-template", Input).value = "{policy}/{nope}.pdf"
        await click(pilot, "#settings-save")
        status = screen.query_one("#settings-status", Static)
        assert "nope" in str(status.render())

        folder = tmp_path / "pdfs"
        screen.query_one("#filename-template", Input).value = "{policy}/{date}-{title}.pdf"
        screen.query_one("#download-dir", Input).value = str(folder)
        screen.query_one("#concurrency", Input).value = "4"
        screen.query_one("#theme", Select).value = "ansi-dark"
        await pilot.pause()
        assert app.theme == "ansi-dark", "the theme previews at once"
        await click(pilot, "#settings-save")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), "Settings closed")

    _name, saved = load_profile("test")
    assert (saved.download_dir, saved.filename_template, saved.concurrency, saved.theme) == (
        folder,
        "{policy}/{date}-{title}.pdf",
        4,
        "ansi-dark",
    )


async def test_settings_keep_the_comments_of_a_hand_written_config(
    make_app: Callable[..., SspApp], isolated_config: Path, tmp_path: Path
) -> None:
    isolated_config.write_text(
        "# Written by hand: keep these notes.\n"
        "default_profile = \"test\"  # the profile the tests use\n\n"
        "[profiles.test]\n"
        "concurrency = 2   # the office line is slow\n"
        "proxy_note = \"ask IT\"  # a key this version does not know\n"
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await wait_for_screen(pilot, SettingsScreen, "#settings-status")
        app.screen.query_one("#concurrency", Input).value = "3"
        await click(pilot, "#os-trust-store")
        await click(pilot, "#settings-save")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), "Settings closed")
    text = isolated_config.read_text()
    assert text.startswith(
        "# Written by hand: keep these notes.\n"
        "default_profile = \"test\"  # the profile the tests use\n\n"
        "[profiles.test]\n"
        "concurrency = 3   # the office line is slow\n"
        "proxy_note = \"ask IT\"  # a key this version does not know\n"
    ), text
    saved = load_profile("test")[1]
    assert saved.concurrency == 3 and saved.os_trust_store is True


async def test_cancelled_settings_restore_the_theme(make_app: Callable[..., SspApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        before = app.theme
        await pilot.press("f2")
        await wait_for_screen(pilot, SettingsScreen, "#settings-status")
        app.screen.query_one("#theme", Select).value = "ansi-light"
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), "Settings closed")
        assert app.theme == before
