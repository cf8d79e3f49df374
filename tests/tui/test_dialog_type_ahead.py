"""Keys typed right after a key that opens a dialog from a worker land in that dialog (Pilot, against the
sandbox; issue 19: keys land where typed).

A download's `d`, a preview's `p` and an export's `e` make their dialog a moment after the key: the jobs are
made, the page fetched. The keys a fast typist sent meanwhile reached the screen below (Enter there opens
the highlighted document; Escape does nothing) and the dialog then waited for keys already spent. Now they
wait for the dialog, or, when the worker ends without one (a single PDF goes straight to the folder), go
where they would have gone. In a text field the letter is typed, as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from section_helpers import enter_as
from test_policy_services import open_documents
from test_risk import open_risk
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SandboxLike, press_burst, wait_for

from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common.resource_library import LibraryItem
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog, PreviewDialog
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen

SIZE = (150, 44)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The engine's cache of this test only (so every test really downloads)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


async def documents_focused(pilot: Pilot, app: SspApp) -> PolicyServicesScreen:
    screen = await open_documents(pilot, app)
    screen.documents.table.focus()
    await wait_for(pilot, lambda: app.focused is screen.documents.table, "the documents focused")
    return screen


def idle(app: SspApp, group: str) -> bool:
    return not any(w.group == group and not w.is_finished for w in app.workers)


async def test_enter_typed_right_after_d_starts_the_download(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    """`a`, `d` and Enter in one burst: every document, one combined PDF (Enter is the dialog's default)."""
    app = make_app(Profile(download_dir=tmp_path / "downloads"))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await documents_focused(pilot, app)
        await press_burst(pilot, "a", "d", "enter")
        await wait_for(pilot, lambda: screen.runner.last_result is not None, "the download Enter started")
        result = screen.runner.last_result
        assert result is not None and result.complete and result.combined_path is not None
        assert result.combined_path.name == "NCP1513214-current-documents.pdf"
        assert app.screen is screen


async def test_escape_typed_right_after_p_closes_the_preview(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """`p` fetches the document before its preview opens: an Escape typed meanwhile closes that preview (it
    reached the documents, and the preview then stayed open)."""
    app = make_app()
    opened: list[object] = []
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        app.screen_change_signal.subscribe(app, opened.append, immediate=True)
        await press_burst(pilot, "p", "escape")
        await wait_for(pilot, lambda: idle(app, "preview"), "the preview's worker")
        await wait_for(pilot, lambda: app.screen is screen, "the preview closed")
        assert any(isinstance(shown, PreviewDialog) for shown in opened), "the preview was opened"


async def test_a_key_after_a_d_that_opens_no_dialog_goes_to_the_list(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    """One PDF goes straight into the folder, no dialog: the key typed after `d` waits for that and then
    moves the cursor as it would have."""
    downloads = tmp_path / "downloads"
    app = make_app(Profile(download_dir=downloads))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_risk(pilot, app)
        shown = [row for row in screen.table.shown_rows() if isinstance(row, LibraryItem)]
        first_pdf = next(i for i, item in enumerate(shown) if item.document_id)
        screen.table.move_cursor(first_pdf)
        screen.table.focus()
        await wait_for(pilot, lambda: app.focused is screen.table, "the resources focused")
        await press_burst(pilot, "d", "down")
        await wait_for(pilot, lambda: screen.runner.last_result is not None, "the download")
        result = screen.runner.last_result
        assert result is not None and result.complete and len(result.files) == 1
        moved = first_pdf + 1
        await wait_for(pilot, lambda: screen.table.model.cursor_index == moved, "the cursor moved down")
        assert not isinstance(app.screen, DownloadDialog)


async def test_dialog_keys_are_typed_in_a_text_field(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """The dialog keys are taken as they arrive, but not from the filter box: there they are letters."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_risk(pilot, app)
        field = screen.query_one("#risk-filter Input", Input)
        field.focus()
        await wait_for(pilot, lambda: app.focused is field, "the filter focused")
        await press_burst(pilot, *"pod")
        await wait_for(pilot, lambda: field.value == "pod", "the letters typed")
        assert app.screen is screen
        assert screen.runner.last_result is None
