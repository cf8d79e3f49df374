"""DownloadRunner: the one TUI helper that asks where a download goes, runs it through the session, reports.

Any screen that downloads (Policy Services, Credentialing, Risk Management, Agent) composes one and, from an
async worker, awaits ``runner.ask_and_run(session, jobs, ...)`` (or ``run_and_report(session, plan)`` when
there is nothing to ask). The runner owns the ``DownloadProgressPanel`` it shows: per-file and overall
progress, `c`/escape to cancel, and the outcome in one line. The engine runs through ``session.call``, so an
ended session shows the re-login dialog and then runs the same plan again: what was saved before comes from
the cache. When files fail it asks the user (``DownloadFailuresDialog``) to retry them, to combine without
them, or to stop; a retry costs nothing for the files already done.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from textual import getters
from textual.app import ComposeResult
from textual.containers import Vertical

from ssp_tui.api.errors import DownloadError
from ssp_tui.formatting import plural
from ssp_tui.operations.downloads import (
    BulkProgress,
    BulkResult,
    Destination,
    DestinationUnusable,
    DownloadEngine,
    DownloadJob,
    DownloadMode,
    DownloadPlan,
    JobState,
)
from ssp_tui.operations.pdf_text import first_page_text
from ssp_tui.tui.common.browser_delivery import BrowserDelivery, browser_delivery
from ssp_tui.tui.common.download_history import DownloadHistory
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog
from ssp_tui.tui.dialogs.download_failures import DownloadFailuresDialog, FailureChoice
from ssp_tui.widgets.download_panel import DownloadProgressPanel

if TYPE_CHECKING:
    from ssp_tui.api.client import PortalClient
    from ssp_tui.settings.config import Profile

T = TypeVar("T")


class DownloadSession(Protocol):
    """What the runner needs of the session (``SessionController``): the profile, the one engine, and calls
    that survive an ended session (re-login, then the same call again)."""

    profile: Profile

    async def download_engine(self) -> DownloadEngine: ...

    async def call(self, request: Callable[[PortalClient], Awaitable[T]]) -> T: ...


def describe_result(result: BulkResult) -> str:
    """One line for the panel and a notification: what was written, and what is missing."""
    failed_titles = ", ".join(failed.job.title for failed in result.failed)
    problems = "".join(f" {problem}" for problem in result.problems)
    if result.mode is DownloadMode.COMBINED:
        if result.combined_path is None:
            if result.cancelled:
                return "Cancelled: no PDF was written."
            return f"No PDF was written: {len(result.failed)} failed ({failed_titles})."
        done = f"Combined {plural(len(result.files), 'document')} into {result.combined_path}"
        if result.missing:
            missing = ", ".join(job.title for job in result.missing)
            return f"{done}; missing {len(result.missing)} (named in its first bookmark): {missing}."
        return f"{done}."
    folder = _folder_of(result)
    if result.cancelled:
        total = len(result.files) + len(result.missing)
        return (
            f"Cancelled: saved {len(result.files)} of {plural(total, 'file')} to {folder}; "
            "the manifest lists the rest." + problems
        )
    saved = f"Saved {plural(len(result.files), 'file')} to {folder}"
    if result.failed:
        return f"{saved}; {len(result.failed)} failed ({failed_titles}); the manifest lists them.{problems}"
    if result.problems:
        return f"{saved}.{problems}"
    return f"{saved} (manifest: {result.manifest_path.name if result.manifest_path else 'none'})."


def _folder_of(result: BulkResult) -> str:
    if result.manifest_path is not None:
        return str(result.manifest_path.parent)
    if result.files:
        return str(result.files[0].path.parent)
    return "the download folder"


def _for_the_browser(result: BulkResult, sent: str | None) -> str:
    """The outcome in a browser session, where the server's folders mean nothing to the user."""
    if sent is None:
        return "Cancelled: nothing was sent." if result.cancelled else "Nothing could be downloaded."
    if result.failed:
        titles = ", ".join(failed.job.title for failed in result.failed)
        return f"{sent} {len(result.failed)} failed: {titles}."
    if result.combined_path is not None and result.missing:
        return f"{sent} Missing {len(result.missing)} (named in its first bookmark)."
    return sent


async def fetch_preview_text(session: DownloadSession, job: DownloadJob) -> str:
    """The text of the first page of ``job``'s PDF, for the previews; raises ``PdfTextError`` or
    ``DownloadError``.

    The file is only read for its text, so it lives in a folder that goes away with the preview (the engine's
    cache keeps the bytes, so a later download of it costs nothing).
    """
    engine = await session.download_engine()
    with tempfile.TemporaryDirectory(prefix="ssp-preview-") as folder:
        plan = DownloadPlan([job], Destination.separate(Path(folder)), concurrency=1)
        result = await session.call(lambda _client: engine.run(plan))
        if not result.files:
            reason = result.failed[0].message if result.failed else "It was not downloaded."
            raise DownloadError(f"{job.title}: {reason}")
        return await asyncio.to_thread(first_page_text, result.files[0].path)


class DownloadRunner(Vertical):
    """A progress panel plus the logic that feeds it from the engine; hidden until the first run."""

    DEFAULT_CSS: ClassVar[str] = """
    DownloadRunner { height: auto; display: none; }
    DownloadRunner.-shown { display: block; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cancel: asyncio.Event | None = None
        self.last_result: BulkResult | None = None

    def compose(self) -> ComposeResult:
        yield DownloadProgressPanel()

    panel = getters.query_one(DownloadProgressPanel)

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

    async def ask_and_run(
        self,
        session: DownloadSession,
        jobs: Sequence[DownloadJob],
        *,
        default_name: str,
        title: str = "",
        labels: Sequence[str] = (),
    ) -> BulkResult | None:
        """Ask where (one combined PDF or separate files, and the folder), then ``run_and_report``; None
        when the user closed the dialog. Must be awaited from a worker."""
        profile = session.profile
        destination = await self.app.push_screen_wait(
            DownloadDialog(
                len(jobs),
                folder=profile.download_dir,
                default_name=default_name,
                template=profile.filename_template,
                ask_folder=self._browser_delivery() is None,
            )
        )
        if destination is None:
            return None
        plan = DownloadPlan(
            jobs, destination, concurrency=profile.concurrency, title=title, labels=tuple(labels)
        )
        return await self.run_and_report(session, plan)

    async def run_and_report(self, session: DownloadSession, plan: DownloadPlan) -> BulkResult | None:
        """``run``, then one notification saying how it went: how every screen reports a batch. None (and
        the reason on screen) when the folder cannot be used.

        In a browser session the files are made in the session's own folder and then sent to the browser.
        """
        delivery = self._browser_delivery()
        asked = plan
        if delivery is not None:
            plan = delivery.retarget(plan)
        try:
            result = await self.run(session, plan)
        except DestinationUnusable as error:
            self.panel.finish(error.full_message)
            self.app.notify(error.full_message, title="Download", severity="error", timeout=12)
            return None
        finally:
            self.screen.refresh_bindings()  # the screen's download keys depend on whether one is running
        self._record(session, asked, result)
        severity = "information" if result.complete else "warning"
        outcome = describe_result(result)
        if delivery is not None:
            sent = await delivery.deliver(self.app, plan, result)
            outcome = _for_the_browser(result, sent)
            self.panel.finish(outcome)
        self.app.notify(outcome, title="Download", severity=severity, timeout=10)
        return result

    def _browser_delivery(self) -> BrowserDelivery | None:
        return browser_delivery(self.app)

    def _record(self, session: DownloadSession, plan: DownloadPlan, result: BulkResult) -> None:
        """Into the app's downloads view, with a retry that runs through this runner and session again (its
        panel, re-login and failure questions)."""
        history = getattr(self.app, "download_history", None)
        if isinstance(history, DownloadHistory):
            history.record(plan, result, retry=partial(self.run_and_report, session))

    async def run(self, session: DownloadSession, plan: DownloadPlan) -> BulkResult:
        """Run ``plan`` until it succeeds, is cancelled, or the user settles for what failed.

        Must be awaited from a worker (the failures dialog is awaited with ``push_screen_wait``).
        """
        if self.is_running:
            raise RuntimeError("a download is already running here")
        if not plan.jobs:
            raise ValueError("nothing to download")
        engine = await session.download_engine()
        while True:
            # Through the session: an ended session asks for a new sign-in, then the same pass runs again.
            result = await session.call(lambda _client, plan=plan: self._one_pass(engine, plan))
            if result.cancelled or not result.failed:
                return result
            if plan.allow_missing and result.combined_path is not None:
                return result  # the user chose a PDF without them; it names what is missing
            can_combine_without = plan.mode is DownloadMode.COMBINED and not plan.allow_missing
            can_combine_without = can_combine_without and len(result.failed) < len(plan.jobs)
            choice = await self.app.push_screen_wait(
                DownloadFailuresDialog(result.failure_lines(), can_combine_without=can_combine_without)
            )
            if choice is FailureChoice.RETRY:
                continue
            if choice is FailureChoice.WITHOUT_THEM:
                plan = plan.allowing_missing()
                continue
            return result

    async def _one_pass(self, engine: DownloadEngine, plan: DownloadPlan) -> BulkResult:
        """One pass of the engine over ``plan`` with the panel showing it (no questions asked)."""
        panel = self.panel
        self.add_class("-shown")
        self._cancel = asyncio.Event()
        panel.start(len(plan.jobs), at_once=plan.concurrency)
        try:
            result = await engine.run(plan, on_progress=self._show_progress, cancel=self._cancel)
        except asyncio.CancelledError:
            panel.finish("Stopped: no partial file was left behind.")
            raise
        except DestinationUnusable:
            raise
        except Exception:
            panel.finish("The download stopped; what was saved is kept.")
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
