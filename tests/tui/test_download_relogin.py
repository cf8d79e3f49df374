"""A session that ends during a bulk download (issue 18): the re-login dialog, then the same batch completes,
with what was saved before taken from the cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from test_policy_services import document_rows, open_documents
from test_relogin import revoke_sessions
from tui_helpers import SandboxLike, click, sign_in_totp, usable_account, wait_for, wait_for_screen

from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog
from ssp_tui.tui.sign_in.relogin import ReloginScreen


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


async def test_a_revoked_session_mid_download_asks_to_sign_in_and_then_completes_the_batch(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    account = usable_account(private_sandbox, "policyholder", 0)
    folder = tmp_path / "downloads"
    app = make_app(Profile(download_dir=folder), server=private_sandbox)
    async with app.run_test(size=(150, 44)) as pilot:
        await sign_in_totp(pilot, private_sandbox, account, remember_device=True)
        screen = await open_documents(pilot, app)
        documents = document_rows(screen)
        assert len(documents) > 1

        revoke_sessions(private_sandbox, account.username)
        screen.documents.table.focus()
        await pilot.press("a", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadDialog), "the download dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query("#download-start"), "the dialog's buttons")
        await pilot.pause()
        await click(pilot, "#download-start")

        # The engine met the ended session: not "Session ended" failures, the re-login dialog.
        await wait_for_screen(pilot, ReloginScreen, "#relogin-password")
        await wait_for(
            pilot, lambda: getattr(app.focused, "id", None) == "relogin-password", "password focus"
        )
        await pilot.press(*account.password, "enter")

        await wait_for(pilot, lambda: screen.runner.last_result is not None, "the batch to finish")
        result = screen.runner.last_result
        assert result is not None and result.complete, result.failure_lines()
        assert result.combined_path is not None and result.combined_path.parent == folder.resolve()
        with pikepdf.open(result.combined_path) as pdf:
            assert len(pdf.pages) == sum(d.pages for d in documents)
