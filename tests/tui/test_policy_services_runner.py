"""DownloadRunner (the shared screen-side runner of the download engine): cancel, failures named, retry, and
combine without the failed ones, driven through its panel and dialog with a client double."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pikepdf
import pytest
from operations.fakes import FakePortal, sha256_of
from textual.app import App, ComposeResult
from textual.widgets import Static
from tui_helpers import wait_for

from ssp_tui.operations.downloads import (
    BulkResult,
    Destination,
    DownloadEngine,
    DownloadJob,
    DownloadMode,
    DownloadPlan,
)
from ssp_tui.settings.config import Profile
from ssp_tui.tui.common.download_runner import DownloadRunner, describe_result
from ssp_tui.tui.dialogs.download_failures import DownloadFailuresDialog
from ssp_tui.tui.dialogs.error_modal import ErrorModal
from ssp_tui.widgets.download_panel import DownloadProgressPanel

T = TypeVar("T")


class FakeSession:
    """The runner's ``DownloadSession`` over a client double: one engine, calls run once (no re-login)."""

    def __init__(self, client: FakePortal, cache_dir: Path) -> None:
        self.profile = Profile()
        self.portal = client
        self.engine = DownloadEngine(client, cache_dir)

    async def download_engine(self) -> DownloadEngine:
        return self.engine

    async def call(self, request: Callable[[FakePortal], Awaitable[T]]) -> T:
        return await request(self.portal)


class RunnerApp(App[None]):
    def __init__(self, cache_dir: Path) -> None:
        super().__init__()
        self.cache_dir = cache_dir
        self.results: list[BulkResult] = []

    def compose(self) -> ComposeResult:
        yield DownloadRunner()

    def start(self, client: FakePortal, plan: DownloadPlan) -> None:
        session = FakeSession(client, self.cache_dir)

        async def run() -> None:
            self.results.append(await self.query_one(DownloadRunner).run(session, plan))

        self.run_worker(run(), exit_on_error=False)


def jobs_for(portal: FakePortal, pages: list[int]) -> list[DownloadJob]:
    jobs = []
    for number, count in enumerate(pages, start=1):
        api_path = f"/documents/d{number}/content"
        data = portal.add(api_path, count)
        jobs.append(
            DownloadJob(
                key=f"d{number}",
                api_path=api_path,
                relative_path=f"POL1/current/doc-{number}.pdf",
                title=f"Document {number}",
                expected_sha256=sha256_of(data),
                pages=count,
            )
        )
    return jobs


def every_file(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("mode", [DownloadMode.SEPARATE, DownloadMode.COMBINED])
async def test_cancelled_mid_download_leaves_no_partial_file(tmp_path: Path, mode: DownloadMode) -> None:
    portal = FakePortal()
    jobs = jobs_for(portal, [1, 2, 3])
    portal.gate = asyncio.Event()
    folder = tmp_path / "out"
    app = RunnerApp(tmp_path / "cache")
    async with app.run_test() as pilot:
        where = Destination.combined(folder / "all.pdf") if mode is DownloadMode.COMBINED else None
        app.start(portal, DownloadPlan(jobs, where or Destination.separate(folder)))
        await wait_for(pilot, portal.half_written.is_set, "a download half-way")
        panel = app.query_one(DownloadProgressPanel)
        panel.focus()
        await pilot.press("c")
        await wait_for(pilot, lambda: app.results, "the run to stop")
        result = app.results[0]
        assert result.cancelled and not result.files
        left = every_file(folder)
        assert not [name for name in left if name.endswith((".pdf", ".part", ".tmp"))], left
        if mode is DownloadMode.SEPARATE:
            assert left == ["manifest.json"]
        summary = str(panel.query_one("#download-summary", Static).render())
        assert summary.startswith("Cancelled")


async def test_a_failure_is_named_and_the_pdf_is_combined_without_it(tmp_path: Path) -> None:
    portal = FakePortal()
    jobs = jobs_for(portal, [1, 2, 3])
    portal.fail[jobs[1].api_path] = "The portal lost this document."
    folder = tmp_path / "out"
    app = RunnerApp(tmp_path / "cache")
    async with app.run_test() as pilot:
        app.start(portal, DownloadPlan(jobs, Destination.combined(folder / "all.pdf")))
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadFailuresDialog), "the failures dialog")
        await wait_for(pilot, lambda: app.screen.query(".download-failure"), "the failures listed")
        named = "\n".join(str(s.render()) for s in app.screen.query(".download-failure"))
        assert "Document 2: The portal lost this document." in named
        assert not (folder / "all.pdf").exists(), "nothing is combined until the user says so"
        await pilot.press("w")
        await wait_for(pilot, lambda: app.results, "the second run")
        result = app.results[0]
        assert result.combined_path == (folder / "all.pdf").resolve()
        assert [job.key for job in result.missing] == ["d2"]
        with pikepdf.open(result.combined_path) as pdf:
            assert len(pdf.pages) == 1 + 3
            with pdf.open_outline() as outline:
                titles = [item.title for item in outline.root]
                missing_list = [child.title for child in outline.root[0].children]
        assert titles[1:] == ["Document 1", "Document 3"]
        assert "MISSING 1 of 3" in titles[0], "the first bookmark says something is missing"
        assert any("Document 2" in title for title in missing_list), missing_list
        assert "missing 1" in describe_result(result) and "Document 2" in describe_result(result)
        assert portal.fetches[jobs[0].api_path] == 1, "the retry took the good files from the cache"


async def test_retry_after_a_failure_completes_the_batch(tmp_path: Path) -> None:
    portal = FakePortal()
    jobs = jobs_for(portal, [2, 1])
    portal.fail[jobs[0].api_path] = "The portal had a problem."
    folder = tmp_path / "out"
    app = RunnerApp(tmp_path / "cache")
    async with app.run_test() as pilot:
        app.start(portal, DownloadPlan(jobs, Destination.separate(folder)))
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadFailuresDialog), "the failures dialog")
        await wait_for(pilot, lambda: app.screen.query("#failures-retry"), "the dialog's buttons")
        assert not app.screen.query("#failures-without"), "combining is not offered for separate files"
        del portal.fail[jobs[0].api_path]
        await pilot.press("r")
        await wait_for(pilot, lambda: app.results, "the retry")
        result = app.results[0]
        assert result.complete
        assert every_file(folder) == ["POL1/current/doc-1.pdf", "POL1/current/doc-2.pdf", "manifest.json"]


async def test_a_folder_that_cannot_be_created_is_named_on_screen(tmp_path: Path) -> None:
    portal = FakePortal()
    jobs = jobs_for(portal, [1])
    app = RunnerApp(tmp_path / "cache")
    outcomes: list[BulkResult | None] = []
    async with app.run_test() as pilot:
        runner = app.query_one(DownloadRunner)
        session = FakeSession(portal, tmp_path / "cache")
        plan = DownloadPlan(jobs, Destination.separate(Path("/proc/nope/dl")))

        async def run() -> None:
            outcomes.append(await runner.run_and_report(session, plan))

        app.run_worker(run(), exit_on_error=False)
        await wait_for(pilot, lambda: outcomes, "the run to give up")
        assert outcomes == [None] and portal.fetches[jobs[0].api_path] == 0
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Cannot create the download folder /proc/nope/dl: ") for m in said), said
        assert "internal error" not in " ".join(said).lower() and "web support" not in " ".join(said).lower()
        assert not isinstance(app.screen, ErrorModal), "no error dialog: the panel and a notification say it"
