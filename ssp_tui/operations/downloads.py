"""The bulk download engine, used by every screen and by the CLI.

Each job's bytes come from the content-addressed cache when it holds them, else through the client's
streamed, verified, atomically renamed download into the cache. From the cache, SEPARATE mode hard-links (or
copies) each file to its template path, never over another file; COMBINED mode appends every document to one
PDF written to a temporary file and renamed. A final path only ever receives a complete file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from pathlib import Path

from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.operations.download_cache import CachedBlob, ContentCache, file_sha256, normalise_sha256
from ssp_tui.operations.download_types import (
    BulkProgress,
    BulkResult,
    Downloader,
    DownloadJob,
    DownloadMode,
    FailedJob,
    JobState,
    Phase,
    ProgressCallback,
    SavedFile,
)
from ssp_tui.operations.file_placement import move_into_place, place_file, temp_path_beside
from ssp_tui.operations.manifest import MANIFEST_NAME, write_manifest
from ssp_tui.operations.pdf_combine import CombineSource, open_sources, write_combined
from ssp_tui.operations.safe_names import UnsafePath, numbered_path, resolve_inside, safe_filename

logger = logging.getLogger(__name__)

DEFAULT_COMBINED_NAME = "combined.pdf"
_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024


class NotAPdf(Exception):
    """The bytes that arrived are not a PDF (an HTML error page served as a PDF, say)."""


def _message_for(exc: BaseException) -> str:
    """A sentence fit for the screen; never a traceback, never a URL with a token."""
    user_message = getattr(exc, "user_message", None)
    if isinstance(user_message, str) and user_message:
        return user_message  # ssp_tui.api.errors.PortalError and subclasses
    if isinstance(exc, NotAPdf | UnsafePath):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Could not write the file: {exc.strerror or type(exc).__name__}."
    return f"Unexpected error ({type(exc).__name__})."


def _check_pdf_header(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(_PDF_HEADER_WINDOW)
    if _PDF_MAGIC not in head:
        raise NotAPdf("The portal sent something that is not a PDF.")


class _Run:
    """The state of one ``BulkDownloader.run``: outcomes by job index, and the progress counters."""

    def __init__(self, jobs: Sequence[DownloadJob], on_progress: ProgressCallback | None) -> None:
        self.jobs = jobs
        self.on_progress = on_progress
        self.blobs: dict[int, tuple[CachedBlob, bool]] = {}
        self.saved: dict[int, SavedFile] = {}
        self.failures: dict[int, str] = {}
        self.streaming: dict[int, int] = {}
        self.bytes_finished = 0
        self.fetched = 0
        self.phase = Phase.DOWNLOADING
        self.digest_locks: dict[str, asyncio.Lock] = {}

    def emit(self, index: int | None = None, state: JobState | None = None, **details: object) -> None:
        if self.on_progress is None:
            return
        self.on_progress(
            BulkProgress(
                phase=self.phase,
                files_total=len(self.jobs),
                files_done=len(self.saved),
                files_failed=len(self.failures),
                bytes_done=self.bytes_finished + sum(self.streaming.values()),
                job=None if index is None else self.jobs[index],
                job_state=state,
                **details,  # type: ignore[arg-type]
            )
        )

    def fail(self, index: int, exc: BaseException) -> None:
        message = _message_for(exc)
        self.failures[index] = message
        self.streaming.pop(index, None)
        self.emit(index, JobState.FAILED, message=message)


class BulkDownloader:
    """Concurrent, cached, verified downloads of many PDFs into separate files or one combined PDF."""

    def __init__(self, client: Downloader, cache_dir: Path, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.client = client
        self.cache = ContentCache(cache_dir)
        self.concurrency = concurrency

    async def run(
        self,
        jobs: Sequence[DownloadJob],
        target_dir: Path,
        mode: DownloadMode = DownloadMode.SEPARATE,
        combined_path: Path | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: asyncio.Event | None = None,
        *,
        allow_missing: bool = False,
    ) -> BulkResult:
        """Download ``jobs``; see the module docstring. Never raises for a failed job: see ``BulkResult``.

        ``cancel`` set (or this task cancelled) stops every download; finished separate files stay, the
        manifest says what is missing, no combined PDF is written, and no partial file is left anywhere final.
        In COMBINED mode a failed job means no PDF at all unless ``allow_missing``: then the PDF is written
        without it, ``missing`` lists it, and the PDF's first bookmark names it.
        """
        target = Path(target_dir).resolve()
        target.mkdir(parents=True, exist_ok=True)
        state = _Run(jobs, on_progress)
        semaphore = asyncio.Semaphore(self.concurrency)
        tasks = [
            asyncio.create_task(self._one_job(state, index, target, mode, semaphore))
            for index in range(len(jobs))
        ]
        cancelled = await self._wait_for(tasks, cancel)
        result = BulkResult(mode=mode, fetched=state.fetched, cancelled=cancelled)
        try:
            if mode is DownloadMode.COMBINED and not cancelled and state.blobs:
                await self._combine(state, target, combined_path, result, cancel, allow_missing)
        finally:
            self.cache.save_index()
        self._finish(state, result)
        if mode is DownloadMode.SEPARATE:
            result.manifest_path = await asyncio.to_thread(write_manifest, result, target)
        state.phase = Phase.FINISHED
        state.emit()
        return result

    async def _wait_for(self, tasks: list[asyncio.Task[None]], cancel: asyncio.Event | None) -> bool:
        """Wait for every job; True if the run was cancelled through ``cancel``."""
        watcher = asyncio.create_task(cancel.wait()) if cancel is not None else None
        everything = asyncio.gather(*tasks, return_exceptions=True)
        try:
            waiting: set[asyncio.Future[object]] = {everything}
            if watcher is not None:
                waiting.add(watcher)
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if everything.done():
                return False
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks)
            return True
        except asyncio.CancelledError:
            # The caller's task was cancelled: stop the jobs and let their cleanup run before giving up.
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.wait(tasks)
            raise
        finally:
            if watcher is not None:
                watcher.cancel()

    async def _one_job(
        self, state: _Run, index: int, target: Path, mode: DownloadMode, semaphore: asyncio.Semaphore
    ) -> None:
        job = state.jobs[index]
        try:
            blob, from_cache = await self._obtain(state, index, job, semaphore)
            state.blobs[index] = (blob, from_cache)
            path = blob.path
            if mode is DownloadMode.SEPARATE:
                path = await asyncio.to_thread(self._place, blob, target, job)
            state.saved[index] = SavedFile(job, path, blob.sha256, blob.bytes, from_cache)
            state.streaming.pop(index, None)
            state.bytes_finished += blob.bytes
            state.emit(
                index,
                JobState.CACHED if from_cache else JobState.DONE,
                job_bytes_done=blob.bytes,
                job_bytes_total=blob.bytes,
            )
        except asyncio.CancelledError:
            state.streaming.pop(index, None)
            raise
        except Exception as exc:
            if not isinstance(exc, OSError | NotAPdf | UnsafePath) and not hasattr(exc, "user_message"):
                logger.exception("unexpected error downloading job %s", job.key)
            state.fail(index, exc)

    async def _obtain(
        self, state: _Run, index: int, job: DownloadJob, semaphore: asyncio.Semaphore
    ) -> tuple[CachedBlob, bool]:
        expected = normalise_sha256(job.expected_sha256)
        if job.expected_sha256 is not None and expected is None:
            raise NotAPdf("The portal listed this document with an invalid checksum.")
        # Jobs for the same bytes wait for each other, so one download serves them all.
        lock = (
            state.digest_locks.setdefault(expected, asyncio.Lock()) if expected else contextlib.nullcontext()
        )
        async with lock:
            cached = await asyncio.to_thread(self.cache.lookup, sha256=expected, etag=job.etag)
            if cached is not None:
                return cached, True
            async with semaphore:
                return await self._fetch(state, index, job, expected), False

    async def _fetch(self, state: _Run, index: int, job: DownloadJob, expected: str | None) -> CachedBlob:
        staging = self.cache.new_staging_path(safe_filename(job.title or job.key) + ".pdf")
        state.emit(index, JobState.DOWNLOADING)

        def progress(done: int, total: int | None) -> None:
            state.streaming[index] = done
            state.emit(index, JobState.DOWNLOADING, job_bytes_done=done, job_bytes_total=total)

        try:
            downloaded = await self.client.download(
                job.api_path, staging, expected_sha256=expected, on_progress=progress
            )
            state.fetched += 1
            return await asyncio.to_thread(
                self._admit, Path(downloaded.path), downloaded.sha256, downloaded.etag
            )
        finally:
            # Whatever happened, nothing of this attempt stays in the staging area.
            self.cache.discard_staging(staging)  # sync: must run even while being cancelled

    def _admit(self, path: Path, reported_sha256: str, etag: str | None) -> CachedBlob:
        _check_pdf_header(path)
        digest = normalise_sha256(reported_sha256) or file_sha256(path)
        return self.cache.admit(path, digest, etag=etag)

    def _place(self, blob: CachedBlob, target: Path, job: DownloadJob) -> Path:
        final = resolve_inside(target, job.relative_path)
        if final == target / MANIFEST_NAME:
            final = numbered_path(final, 2)  # the manifest's name is taken by the manifest
        path, _already_there = place_file(blob.path, final, sha256=blob.sha256, size=blob.bytes)
        return path

    async def _combine(
        self,
        state: _Run,
        target: Path,
        combined_path: Path | None,
        result: BulkResult,
        cancel: asyncio.Event | None,
        allow_missing: bool,
    ) -> None:
        state.phase = Phase.COMBINING
        state.emit()
        order = sorted(state.blobs)
        sources = [CombineSource(state.blobs[i][0].path, state.jobs[i].title) for i in order]
        opened = await asyncio.to_thread(open_sources, sources)
        try:
            for position, message in opened.unreadable:
                index = order[position]
                state.saved.pop(index, None)
                state.fail(index, NotAPdf(message))
            if not opened.opened or (state.failures and not allow_missing):
                return
            wanted = self._combined_destination(target, combined_path)
            wanted.parent.mkdir(parents=True, exist_ok=True)
            missing_titles = [state.jobs[i].title for i in sorted(state.failures)]
            temp = temp_path_beside(wanted)
            writer = asyncio.ensure_future(
                asyncio.to_thread(
                    write_combined, opened, temp, missing_titles=missing_titles, total=len(state.jobs)
                )
            )
            try:
                await asyncio.shield(writer)
                if cancel is not None and cancel.is_set():
                    result.cancelled = True
                    return
                result.combined_path = await asyncio.to_thread(move_into_place, temp, wanted)
            finally:
                if not writer.done():
                    # Cancelled mid-write: the thread cannot be stopped; let it finish, then remove its file.
                    with contextlib.suppress(BaseException):
                        await writer
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
        finally:
            opened.close()

    @staticmethod
    def _combined_destination(target: Path, combined_path: Path | None) -> Path:
        if combined_path is None:
            return target / DEFAULT_COMBINED_NAME
        path = Path(combined_path).expanduser()
        # An absolute path is the user's explicit choice; a relative one must stay inside the target folder.
        return path.resolve() if path.is_absolute() else resolve_inside(target, path)

    @staticmethod
    def _finish(state: _Run, result: BulkResult) -> None:
        for index, job in enumerate(state.jobs):
            if index in state.failures:
                result.failed.append(FailedJob(job, state.failures[index]))
                result.missing.append(job)
            elif index in state.saved:
                result.files.append(state.saved[index])
            else:
                result.missing.append(job)
        if result.mode is DownloadMode.COMBINED and result.combined_path is None:
            result.missing = list(state.jobs)  # no PDF was written, so every job is missing from the output
