"""DownloadRunner: runs a batch of download jobs through the shared engine and shows it in a progress panel.

Any screen that downloads (Policy Services, Credentialing, Risk Management, Agent) composes one and, from an
async worker, awaits ``runner.run(client, request)``. The runner owns the ``DownloadProgressPanel`` it shows:
per-file and overall progress, `c`/escape to cancel, and the outcome in one line. When files fail it asks
the user (``DownloadFailuresDialog``) to retry them, to combine without them, or to stop; a retry runs the
whole batch again, which costs nothing for the files already done (the engine's cache serves them and an
identical file at a final path is reused).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical

from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.api.errors import DownloadError
from ssp_tui.operations.download_cache import default_cache_dir
from ssp_tui.operations.download_types import (
    BulkProgress,
    BulkResult,
    Downloader,
    DownloadJob,
    DownloadMode,
    JobState,
)
from ssp_tui.operations.downloads import BulkDownloader
from ssp_tui.operations.pdf_text import first_page_text
from ssp_tui.screens.download_failures import DownloadFailuresDialog, FailureChoice
from ssp_tui.widgets.download_panel import DownloadProgressPanel


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """What to download and where."""

    jobs: Sequence[DownloadJob]
    mode: DownloadMode
    folder: Path
    """SEPARATE: the files go under it (at their template paths) with ``manifest.json``."""
    combined_path: Path | None = None
    """COMBINED: the PDF to write (relative paths are inside ``folder``)."""
    allow_missing: bool = False
    """COMBINED: write the PDF without the documents that failed (its first bookmark names them)."""


def describe_result(result: BulkResult) -> str:
    """One line for the panel and a notification: what was written, and what is missing."""
    failed_titles = ", ".join(failed.job.title for failed in result.failed)
    if result.mode is DownloadMode.COMBINED:
        if result.combined_path is None:
            if result.cancelled:
                return "Cancelled: no PDF was written."
            return f"No PDF was written: {len(result.failed)} failed ({failed_titles})."
        done = f"Combined {len(result.files)} documents into {result.combined_path}"
        if result.missing:
            missing = ", ".join(job.title for job in result.missing)
            return f"{done}; missing {len(result.missing)} (named in its first bookmark): {missing}."
        return f"{done}."
    folder = _folder_of(result)
    if result.cancelled:
        total = len(result.files) + len(result.missing)
        return (
            f"Cancelled: saved {len(result.files)} of {total} files to {folder}; the manifest lists the rest."
        )
    saved = f"Saved {len(result.files)} files to {folder}"
    if result.failed:
        return f"{saved}; {len(result.failed)} failed ({failed_titles}); the manifest lists them."
    return f"{saved} (manifest: {result.manifest_path.name if result.manifest_path else 'none'})."


async def fetch_one(
    client: Downloader, job: DownloadJob, folder: Path, *, cache_dir: Path | None = None
) -> Path:
    """One file through the engine (cache, verification, safe name) into ``folder``, e.g. for a preview.

    Raises ``DownloadError`` with the engine's message when it cannot be fetched.
    """
    downloader = BulkDownloader(client, cache_dir or default_cache_dir(), concurrency=1)
    result = await downloader.run([job], folder)
    if not result.files:
        reason = result.failed[0].message if result.failed else "It was not downloaded."
        raise DownloadError(f"{job.title}: {reason}")
    return result.files[0].path


def _folder_of(result: BulkResult) -> str:
    return str(result.manifest_path.parent) if result.manifest_path else "the download folder"


class DownloadRunner(Vertical):
    """A progress panel plus the logic that feeds it from ``BulkDownloader``; hidden until the first run."""

    DEFAULT_CSS: ClassVar[str] = """
    DownloadRunner { height: auto; display: none; }
    DownloadRunner.-shown { display: block; }
    """

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cache_dir = cache_dir
        self._cancel: asyncio.Event | None = None
        self.last_result: BulkResult | None = None

    def compose(self) -> ComposeResult:
        yield DownloadProgressPanel()

    @property
    def panel(self) -> DownloadProgressPanel:
        return self.query_one(DownloadProgressPanel)

    @property
    def is_running(self) -> bool:
        return self._cancel is not None

    def cancel(self) -> None:
        """Stop the running batch: finished files stay, nothing partial is left at a final path."""
        if self._cancel is not None:
            self._cancel.set()

    def on_download_progress_panel_cancelled(self, message: DownloadProgressPanel.Cancelled) -> None:
        message.stop()
        self.cancel()

    async def run(
        self, client: Downloader, request: DownloadRequest, *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> BulkResult:
        """Run the batch until it succeeds, is cancelled, or the user settles for what failed.

        Must be awaited from a worker (the failures dialog is awaited with ``push_screen_wait``).
        """
        if self.is_running:
            raise RuntimeError("a download is already running here")
        if not request.jobs:
            raise ValueError("nothing to download")
        while True:
            result = await self.run_once(client, request, concurrency=concurrency)
            if result.cancelled or not result.failed:
                return result
            if request.allow_missing and result.combined_path is not None:
                return result  # the user chose a PDF without them; it names what is missing
            can_combine_without = request.mode is DownloadMode.COMBINED and not request.allow_missing
            can_combine_without = can_combine_without and len(result.failed) < len(request.jobs)
            choice = await self.app.push_screen_wait(
                DownloadFailuresDialog(result.failure_lines(), can_combine_without=can_combine_without)
            )
            if choice is FailureChoice.RETRY:
                continue
            if choice is FailureChoice.WITHOUT_THEM:
                request = replace(request, allow_missing=True)
                continue
            return result

    async def run_and_report(
        self, client: Downloader, request: DownloadRequest, *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> BulkResult:
        """``run``, then one notification saying how it went: how every screen reports a batch."""
        try:
            result = await self.run(client, request, concurrency=concurrency)
        finally:
            self.screen.refresh_bindings()  # the screen's download keys depend on whether one is running
        severity = "information" if result.complete else "warning"
        self.app.notify(describe_result(result), title="Download", severity=severity, timeout=10)
        return result

    async def run_once(
        self, client: Downloader, request: DownloadRequest, *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> BulkResult:
        """One pass of the engine over ``request`` with the panel showing it (no questions asked)."""
        downloader = BulkDownloader(client, self._cache_dir or default_cache_dir(), concurrency=concurrency)
        panel = self.panel
        self.add_class("-shown")
        self._cancel = asyncio.Event()
        panel.start(len(request.jobs))
        try:
            result = await downloader.run(
                request.jobs,
                request.folder,
                request.mode,
                combined_path=request.combined_path,
                on_progress=self._show_progress,
                cancel=self._cancel,
                allow_missing=request.allow_missing,
            )
        except asyncio.CancelledError:
            panel.finish("Stopped: no partial file was left behind.")
            raise
        except Exception:
            panel.finish("The download could not run.")
            raise
        finally:
            self._cancel = None
        self.last_result = result
        panel.finish(describe_result(result))
        return result

    def _show_progress(self, progress: BulkProgress) -> None:
        # The engine runs on this event loop (its file work is in threads), so the panel is updated directly.
        job = progress.job
        panel = self.panel
        if job is None:
            return
        if progress.job_state is JobState.DOWNLOADING:
            panel.file_progress(job.key, job.title, progress.job_bytes_done, progress.job_bytes_total)
        elif progress.job_state in (JobState.DONE, JobState.CACHED):
            panel.file_done(job.key, size=progress.job_bytes_total)
        elif progress.job_state is JobState.FAILED:
            panel.file_failed(job.key, job.title, progress.message)


async def fetch_preview_text(client: Downloader, job: DownloadJob) -> str:
    """The text of the first page of ``job``'s PDF, for the previews; raises ``PdfTextError``.

    The file is only read for its text, so it lives in a folder that goes away with the preview (the engine's
    cache keeps the bytes, so a later download of it costs nothing).
    """
    with tempfile.TemporaryDirectory(prefix="ssp-preview-") as folder:
        path = await fetch_one(client, job, Path(folder))
        return await asyncio.to_thread(first_page_text, path)
