"""Errors say what happened and what to do next (issue 19.5): a download folder that cannot be made, a wrong
password and a login on hold, each said once, with when to retry and whom to ask."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from section_helpers import enter_as
from test_policy_services import open_documents
from textual.widgets import Static
from tui_helpers import SandboxLike, click, enter_password, wait_for

from ssp_tui.api.constants import WEB_SUPPORT_EMAIL
from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog
from ssp_tui.tui.dialogs.error_modal import ErrorModal
from ssp_tui.tui.sign_in.login import LoginScreen

SIZE = (150, 44)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _said(app: SspApp) -> str:
    notes = " ".join(f"{n.title}: {n.message}" for n in app._notifications)
    if isinstance(app.screen, ErrorModal):
        notes += " " + " ".join(str(w.render()) for w in app.screen.query(Static))
    return notes


@pytest.mark.parametrize("separate", [False, True], ids=["combined", "separate"])
async def test_a_download_folder_under_a_file_says_to_choose_another_folder(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path, separate: bool
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(Profile(download_dir=blocker / "downloads"))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        screen.documents.table.focus()
        await pilot.press("a", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadDialog), "the download dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query("#download-start"), "the dialog's buttons")
        await pilot.pause()
        if separate:
            await click(pilot, "#mode-separate")
            await wait_for(pilot, lambda: dialog.query_one("#download-name").disabled, "separate chosen")
        await click(pilot, "#download-start")
        reported = lambda: isinstance(app.screen, ErrorModal) or any(  # noqa: E731
            n.severity == "error" for n in app._notifications
        )
        await wait_for(pilot, reported, "the failure to be reported")
        said = _said(app)
        assert "internal error" not in said.lower() and "FileNotFoundError" not in said, said
        assert "cannot create the download folder" in said.lower(), said
        assert "choose another folder" in said.lower(), said
        assert not blocker.with_name("downloads").exists()


async def test_a_wrong_password_says_it_once_and_what_to_do(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    account = private_sandbox.account("policyholder", 2)
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await enter_password(pilot, account.username, account.password + "-wrong")
        status = app.screen.query_one("#login-status", Static)
        await wait_for(pilot, lambda: status.has_class("error"), "the error line")
        assert isinstance(app.screen, LoginScreen)
        shown = " ".join(str(status.render()).split())
        assert shown.startswith("The username or password is not correct."), shown
        assert "Authentication required" not in shown and "Signed out" not in shown, shown
        assert "Check the username and password and try again" in shown, shown
        assert WEB_SUPPORT_EMAIL in shown, shown
        assert account.password not in str(status.render())


async def test_a_login_on_hold_says_it_once_when_to_retry_and_whom_to_ask(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    locked = next(a for a in private_sandbox.accounts if "locked" in a.note)
    with sqlite3.connect(private_sandbox.db_path) as conn:
        conn.execute(
            "UPDATE users SET locked_at = '2999-01-01T00:00:00Z' WHERE username = ?", [locked.username]
        )
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await enter_password(pilot, locked.username, locked.password)
        status = app.screen.query_one("#login-status", Static)
        await wait_for(pilot, lambda: status.has_class("error"), "the error line")
        shown = " ".join(str(status.render()).split())
        assert shown.lower().count("on hold") == 1, shown
        assert "Login on hold:" not in shown and "locked:" not in shown.lower(), shown
        assert "unlocks by itself at 2999-01-01 00:30 UTC" in shown, shown
        assert "Try again once it has unlocked." in shown, shown
        assert WEB_SUPPORT_EMAIL in shown, shown
