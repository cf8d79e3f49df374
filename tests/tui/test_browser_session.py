"""The app as a browser session runs it (``ssp-tui web``), at its seams, with Textual's web driver stood in
for: downloads go to the browser (one ZIP for separate files), links open in the user's tab, nothing is kept
on the server, and the tab's first focus lands on the username (tests/web does it in a real chromium)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from memory_keyring import MemoryKeyring
from section_helpers import enter_as
from test_credentialing import SIZE, open_credentialing
from test_seminars import export_via_dialog, open_seminars
from textual import events
from tui_helpers import SandboxLike, click, wait_for

from ssp_tui.portal.target import FixedPortal
from ssp_tui.settings.config import Profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui import app as app_module
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common.links import LinkDialog, open_link
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog


class BrowserSessionApp(SspApp):
    """SspApp with Textual's web driver stood in for: what it would send to the browser is recorded."""

    CSS_PATH = str(Path(app_module.__file__).parent / SspApp.CSS_PATH)  # relative to SspApp's own module

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[tuple[Path, bytes, dict[str, Any]]] = []
        self.opened: list[str] = []

    @property
    def is_web(self) -> bool:
        return True

    def deliver_binary(self, path_or_file: Any, **options: Any) -> str:
        self.sent.append((Path(path_or_file), Path(path_or_file).read_bytes(), options))
        return "key"

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


@pytest.fixture
def browser_app(sandbox: SandboxLike, tmp_path: Path, isolated_config: Path) -> Iterator[BrowserSessionApp]:
    target = FixedPortal(sandbox.base_url, is_sandbox=True, accounts=sandbox.accounts)
    yield BrowserSessionApp(
        target,
        profile_name="test",
        profile=Profile(download_dir=tmp_path / "server-downloads"),
        show_clock=False,
        secret_store=SecretStore("test", backend=MemoryKeyring()),
        session_folder=tmp_path / "session",
    )


async def test_separate_certificates_reach_the_browser_as_one_zip(
    browser_app: BrowserSessionApp, sandbox: SandboxLike, tmp_path: Path, isolated_config: Path
) -> None:
    app = browser_app
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        await pilot.press("a", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadDialog), "the download dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: bool(dialog.query("#mode-separate")), "the dialog's fields")
        assert not dialog.query("#download-folder"), "no folder on the server to choose"
        await click(pilot, "#mode-separate")
        await click(pilot, "#download-start")
        await wait_for(pilot, lambda: bool(app.sent) and not screen.runner.is_running, "the delivery")
        await app.save_profile()
    [(path, data, options)] = app.sent
    assert options == {"save_filename": "ssp-tui-documents.zip", "mime_type": "application/zip"}
    assert path.is_relative_to(tmp_path / "session"), "made in the session's own folder"
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
        manifest = json.loads(bundle.read("manifest.json"))
    pdfs = [name for name in names if name.endswith(".pdf")]
    assert len(pdfs) >= 3 and sorted(pdfs) == sorted(entry["file"] for entry in manifest["files"])
    assert data.startswith(b"PK")
    assert not (tmp_path / "server-downloads").exists(), "nothing in the server's download folder"
    assert not isolated_config.exists(), "settings and the username are not written to the server's config"


async def test_links_open_in_the_users_tab_and_the_first_focus_is_the_username(
    browser_app: BrowserSessionApp,
) -> None:
    app = browser_app
    async with app.run_test() as pilot:
        await open_link(app, "https://www.proassurance.com/", "ProAssurance")
        await pilot.pause()
        assert app.opened == ["https://www.proassurance.com/"]
        assert not isinstance(app.screen, LinkDialog)
        # A tab that loads without focus: Textual skipped AUTO_FOCUS; the tab's focus gives it.
        app.screen.set_focus(None)
        app.post_message(events.AppFocus())
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "username", "focus on Username")


async def test_an_export_reaches_the_browser_and_no_server_file_is_read(
    browser_app: BrowserSessionApp, sandbox: SandboxLike, tmp_path: Path
) -> None:
    app = browser_app
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_seminars(pilot, app)
        asked_for = tmp_path / "on-the-server" / "activity.xlsx"
        await export_via_dialog(pilot, app, screen, asked_for, csv_format=False)
        await wait_for(pilot, lambda: bool(app.sent), "the export sent to the browser")
        [(path, data, options)] = app.sent
        assert path.name == "activity.xlsx" and path.is_relative_to(tmp_path / "session")
        assert options == {"save_filename": "activity.xlsx"} and data.startswith(b"PK")
        assert not asked_for.parent.exists(), "nothing written where the server's path pointed"

        # A holder list read from a file would be a file on the server: refused in the browser.
        await pilot.press("4")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CredentialingScreen", "Credentialing")
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ == "CredentialingScreen", "no file dialog"
        assert any("on the server" in str(note.message) for note in app._notifications)
