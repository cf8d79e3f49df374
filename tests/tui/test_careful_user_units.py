"""The small things a careful user sees (issue 19, point 6), as units: counts agree with their nouns."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import RadioSet

from ssp_tui.formatting import plural
from ssp_tui.operations.downloads import BulkResult, Destination, DownloadJob, DownloadMode
from ssp_tui.operations.downloads.results import SavedFile
from ssp_tui.tui.common.download_runner import describe_result
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog


def test_a_count_agrees_with_its_noun() -> None:
    assert plural(1, "file") == "1 file"
    assert plural(0, "file") == "0 files"
    assert plural(2, "policy", "policies") == "2 policies"
    assert plural(1, "policy", "policies") == "1 policy"
    assert plural(12_345, "certificate") == "12,345 certificates"


def test_one_saved_file_is_one_file(tmp_path: Path) -> None:
    job = DownloadJob("d1", "/documents/d1/content", "one.pdf", "Declarations")
    saved = SavedFile(job, tmp_path / "one.pdf", "0" * 64, 10, from_cache=False)
    result = BulkResult(DownloadMode.SEPARATE, files=[saved], manifest_path=tmp_path / "manifest.json")
    assert describe_result(result).startswith("Saved 1 file to "), describe_result(result)
    cancelled = BulkResult(DownloadMode.SEPARATE, missing=[job], cancelled=True)
    assert "saved 0 of 1 file to" in describe_result(cancelled), describe_result(cancelled)


class DialogApp(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.chosen: list[Destination | None] = []

    def on_mount(self) -> None:
        dialog = DownloadDialog(2, folder=self.folder, default_name="both.pdf", template="{title}.pdf")
        self.push_screen(dialog, self.chosen.append)


async def test_enter_on_the_download_type_list_confirms_the_dialog(tmp_path: Path) -> None:
    app = DialogApp(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.focused, RadioSet), "the dialog opens on the choice of one PDF or several"
        await pilot.press("down", "enter")  # to "Separate PDFs", and go
        await pilot.pause()
        assert app.chosen == [Destination.separate(tmp_path)]


async def test_enter_on_the_highlighted_default_downloads_one_pdf(tmp_path: Path) -> None:
    app = DialogApp(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [Destination.combined_in(tmp_path, "both.pdf")]
