"""The downloads view (issue 19, "what the best keyboard apps give"): a Policy Services batch with one failed
file, seen in the view from another section, its folder opened, the failed file retried until it is there."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from section_helpers import enter_as
from test_policy_services import TEMPLATE, document_rows, download_all, open_documents
from textual.command import CommandPalette
from tui_helpers import SandboxLike, click, wait_for, wait_for_screen

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import DownloadError
from ssp_tui.operations.season.ledger import Ledger, LedgerAction, LedgerEntry
from ssp_tui.portal.target import SANDBOX_PORTAL_KEY
from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common.download_history import DownloadRow, RowState
from ssp_tui.tui.dialogs.download_failures import DownloadFailuresDialog
from ssp_tui.tui.dialogs.downloads_view import DownloadsScreen
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen

SIZE = (150, 44)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The engine's cache and the COI ledger (the data folder) of this test only."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "cache"


def fail_once(monkeypatch: pytest.MonkeyPatch, api_path: str) -> list[str]:
    """The portal's answer for ``api_path`` breaks the first time only; returns the paths asked for."""
    asked: list[str] = []
    real = PortalClient.download

    async def download(self: PortalClient, path: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(path)
        if path == api_path and asked.count(path) == 1:
            raise DownloadError("The connection dropped in the middle of the file.")
        return await real(self, path, *args, **kwargs)

    monkeypatch.setattr(PortalClient, "download", download)
    return asked


def view_rows(screen: DownloadsScreen) -> list[DownloadRow]:
    return [row for row in screen.table.shown_rows() if isinstance(row, DownloadRow)]


async def test_the_downloads_view_lists_a_failed_file_opens_its_folder_and_retries_it(
    sandbox: SandboxLike,
    make_app: Callable[..., SspApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened_in_browser: list[str],
) -> None:
    folder = tmp_path / "pdfs"
    app = make_app(Profile(download_dir=folder, filename_template=TEMPLATE))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        documents = document_rows(screen)
        broken = documents[1]
        asked = fail_once(monkeypatch, f"/documents/{broken.id}/content")
        await download_all_until_failures(pilot, app, screen)
        result = screen.runner.last_result
        assert result is not None and [failed.job.title for failed in result.failed] == [broken.title]

        # From another section, by its key.
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
        await pilot.press("f3")
        await wait_for_screen(pilot, DownloadsScreen, "#downloads-table")
        view = app.screen
        assert isinstance(view, DownloadsScreen)
        await wait_for(pilot, lambda: view.table.model.row_count > 0, "the rows")
        rows = view_rows(view)
        failed = [row for row in rows if row.state is RowState.FAILED]
        saved = [row for row in rows if row.state is RowState.SAVED]
        assert [row.title for row in failed] == [broken.title]
        assert "connection dropped" in failed[0].message
        assert sorted(row.title for row in saved) == sorted(d.title for d in documents if d is not broken)
        assert all(row.path is not None and row.path.is_file() for row in saved)
        # The folder's manifest is this batch's: nothing is listed twice as an earlier run.
        assert len(rows) == len(documents) and {row.batch for row in rows} == {1}

        # The highlighted row is the first saved file: its folder opens (here: the test's stand-in browser).
        await pilot.press("f")
        await wait_for(pilot, lambda: opened_in_browser, "the folder to open")
        assert opened_in_browser[-1] == saved[0].path.parent.as_uri()  # type: ignore[union-attr]

        # Retry the failed one: only it is asked for again, and it is saved where it was meant to go.
        view.table.move_cursor(rows.index(failed[0]))
        before = len(asked)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app.download_history.batches) == 2, "the retry batch")
        retried = app.download_history.batches[1].result
        assert retried.complete and [saved.job.title for saved in retried.files] == [broken.title]
        assert asked[before:] == [f"/documents/{broken.id}/content"]
        await wait_for(
            pilot,
            lambda: any(r.batch == 2 and r.state is RowState.SAVED for r in view_rows(view)),
            "the view to show the retried file",
        )
        newest = view_rows(view)[0]
        assert newest.batch == 2 and newest.title == broken.title and newest.path is not None
        assert newest.path.is_file()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "back on Home")


async def download_all_until_failures(pilot: Any, app: SspApp, screen: PolicyServicesScreen) -> None:
    """``download_all`` (separate files), answering the failures question with Stop."""
    await download_all(pilot, app, screen, separate=True)
    await wait_for_screen(pilot, DownloadFailuresDialog, "#failures-stop")
    await pilot.pause()
    await click(pilot, "#failures-stop")
    await wait_for(pilot, lambda: app.download_history.batches, "the batch to be reported")


async def test_the_command_palette_opens_the_downloads_view_with_the_folders_earlier_runs(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    folder = tmp_path / "pdfs"
    (folder / "NCP1").mkdir(parents=True)
    (folder / "NCP1" / "dec.pdf").write_bytes(b"%PDF-1.7 from the CLI, yesterday")
    manifest = {
        "generated_at": "2026-11-27T09:30:00+00:00",
        "files": [{"file": "NCP1/dec.pdf", "title": "Dec"}],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    coi = tmp_path / "coi" / "Lee-Mercy.pdf"
    coi.parent.mkdir()
    coi.write_bytes(b"%PDF-1.7 a certificate")
    with Ledger.open(SANDBOX_PORTAL_KEY) as ledger:
        names = ("ce_demo1", "NCP0000001", "Ann Lee, MD", "Mercy General Hospital")
        at = clock.now() - timedelta(days=1)
        ledger.record([LedgerEntry(at, LedgerAction.DOWNLOADED, *names, "b" * 64, file=str(coi))])
    app = make_app(Profile(download_dir=folder))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        await open_documents(pilot, app)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
        await pilot.press(*"Downloads")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, DownloadsScreen, "#downloads-table")
        view = app.screen
        assert isinstance(view, DownloadsScreen)
        await wait_for(pilot, lambda: view.table.model.row_count > 0, "the earlier run")
        await wait_for(pilot, lambda: view.table.model.row_count == 2, "the ledger's certificate")
        assert [(row.state, row.title, row.path) for row in view_rows(view)] == [
            (RowState.EARLIER, "Dec", (folder / "NCP1" / "dec.pdf").resolve()),
            (RowState.LEDGER, "COI Ann Lee, MD - Mercy General Hospital (NCP0000001)", coi),
        ]
        status = str(view.query_one("#downloads-status").render())
        assert status.startswith("0 batches this session; 2 from earlier runs"), status
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "back in Policy Services")


async def test_a_file_an_earlier_session_failed_to_download_is_retried_from_the_view(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch with a failed file, the app closed; the next session's view lists the failure from the folder's
    manifest, and `r` fetches it into the place it was meant to go (before, only listed)."""
    folder = tmp_path / "pdfs"
    profile = Profile(download_dir=folder, filename_template=TEMPLATE)
    first = make_app(profile)
    async with first.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, first)
        broken = document_rows(screen)[1]
        asked = fail_once(monkeypatch, f"/documents/{broken.id}/content")
        await download_all_until_failures(pilot, first, screen)
        result = screen.runner.last_result
        assert result is not None and [failed.job for failed in result.failed]
        intended = folder.resolve() / result.failed[0].job.relative_path
    assert not intended.exists()

    app = make_app(profile)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        await pilot.press("f3")
        await wait_for_screen(pilot, DownloadsScreen, "#downloads-table")
        view = app.screen
        assert isinstance(view, DownloadsScreen)
        await wait_for(pilot, lambda: view.table.model.row_count > 0, "the earlier run")
        rows = view_rows(view)
        failed = [row for row in rows if row.state is RowState.EARLIER_FAILED]
        assert [row.title for row in failed] == [broken.title] and "connection dropped" in failed[0].message
        status = str(view.query_one("#downloads-status").render())
        assert "1 not downloaded (r retries them)" in status, status
        view.table.move_cursor(rows.index(failed[0]))
        await wait_for(pilot, lambda: view.check_action("retry", ()), "r to be offered")
        before = len(asked)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.download_history.batches, "the retry batch")
        retried = app.download_history.batches[0].result
        assert retried.complete and [saved.path for saved in retried.files] == [intended]
        assert asked[before:] == [f"/documents/{broken.id}/content"]
        assert intended.read_bytes().startswith(b"%PDF")
        await wait_for(
            pilot,
            lambda: not any(row.state is RowState.EARLIER_FAILED for row in view_rows(view)),
            "the failure gone from the view",
        )
        assert any(row.batch == 1 and row.path == intended for row in view_rows(view))
