"""The bulk download engine, used by every screen and by the CLI.

Each job's bytes come from the content-addressed cache when it holds them, else through the client's
streamed, verified, atomically renamed download into the cache. From the cache, SEPARATE mode hard-links (or
copies) each file to its template path, never over another file; COMBINED mode appends every document to one
PDF written to a temporary file and renamed. A final path only ever receives a complete file.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path

from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.operations.download_cache import CachedBlob, ContentCache, file_sha256, normalise_sha256
from ssp_tui.operations.download_combine import combine_into
from ssp_tui.operations.download_run_state import NotAPdf, RunState
from ssp_tui.operations.download_types import (
    BulkResult,
    Downloader,
    DownloadJob,
    DownloadMode,
    FailedJob,
    JobState,
    Phase,
    ProgressCallback,
)
from ssp_tui.operations.file_placement import place_file
from ssp_tui.operations.manifest import MANIFEST_NAME, write_manifest
from ssp_tui.operations.safe_names import numbered_path, resolve_inside, safe_filename

DEFAULT_COMBINED_NAME = "combined.pdf"
CACHE_BATCH = 32
"""Jobs served from the cache per worker-thread call (between two progress reports)."""
_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024


def _check_pdf_header(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(_PDF_HEADER_WINDOW)
    if _PDF_MAGIC not in head:
        raise NotAPdf("The portal sent something that is not a PDF.")


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
        state = RunState(jobs, on_progress)
        served = await self._serve_from_cache(state, target, mode, cancel)
        semaphore = asyncio.Semaphore(self.concurrency)
        tasks = [
            asyncio.create_task(self._one_job(state, index, target, mode, semaphore))
            for index in range(len(jobs))
            if index not in served
        ]
        cancelled = await self._wait_for(tasks, cancel)
        result = BulkResult(mode=mode, fetched=state.fetched, cancelled=cancelled)
        try:
            if mode is DownloadMode.COMBINED and not cancelled and state.blobs:
                wanted = self._combined_destination(target, combined_path)
                await combine_into(state, self.cache, wanted, result, cancel, allow_missing)
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

    async def _serve_from_cache(
        self, state: RunState, target: Path, mode: DownloadMode, cancel: asyncio.Event | None
    ) -> set[int]:
        """Serve every job the cache already holds, a batch at a time on one worker thread; the indices done.

        A thread hop per job (lookup, then placement) cost more than the work itself: a warm run of 150
        documents took three times as long that way (docs/performance.md). Batches keep progress moving.
        """
        candidates = [
            index
            for index, job in enumerate(state.jobs)
            if normalise_sha256(job.expected_sha256) is not None
            or (job.etag and job.expected_sha256 is None)
        ]
        served: set[int] = set()
        for start in range(0, len(candidates), CACHE_BATCH):
            if cancel is not None and cancel.is_set():
                break
            batch = candidates[start : start + CACHE_BATCH]
            outcomes = await asyncio.to_thread(self._serve_batch, state.jobs, batch, target, mode)
            for index, outcome in outcomes:
                served.add(index)
                if isinstance(outcome, Exception):
                    state.fail(index, outcome)
                else:
                    state.record(index, *outcome, from_cache=True)
        return served

    def _serve_batch(
        self, jobs: Sequence[DownloadJob], batch: Sequence[int], target: Path, mode: DownloadMode
    ) -> list[tuple[int, tuple[CachedBlob, Path] | Exception]]:
        """Blocking: look up (and in SEPARATE mode place) each job of ``batch``; misses are left out."""
        outcomes: list[tuple[int, tuple[CachedBlob, Path] | Exception]] = []
        for index in batch:
            job = jobs[index]
            blob = self.cache.lookup(sha256=normalise_sha256(job.expected_sha256), etag=job.etag)
            if blob is None:
                continue
            try:
                path = self._place(blob, target, job) if mode is DownloadMode.SEPARATE else blob.path
            except Exception as exc:  # reported for this job only, like a failed download
                outcomes.append((index, exc))
                continue
            outcomes.append((index, (blob, path)))
        return outcomes

    async def _one_job(
        self, state: RunState, index: int, target: Path, mode: DownloadMode, semaphore: asyncio.Semaphore
    ) -> None:
        job = state.jobs[index]
        try:
            blob, from_cache = await self._obtain(state, index, job, semaphore)
            path = blob.path
            if mode is DownloadMode.SEPARATE:
                path = await asyncio.to_thread(self._place, blob, target, job)
            state.record(index, blob, path, from_cache=from_cache)
        except asyncio.CancelledError:
            state.streaming.pop(index, None)
            raise
        except Exception as exc:
            state.fail(index, exc)

    async def _obtain(
        self, state: RunState, index: int, job: DownloadJob, semaphore: asyncio.Semaphore
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

    async def _fetch(self, state: RunState, index: int, job: DownloadJob, expected: str | None) -> CachedBlob:
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

    @staticmethod
    def _combined_destination(target: Path, combined_path: Path | None) -> Path:
        if combined_path is None:
            return target / DEFAULT_COMBINED_NAME
        path = Path(combined_path).expanduser()
        # An absolute path is the user's explicit choice; a relative one must stay inside the target folder.
        return path.resolve() if path.is_absolute() else resolve_inside(target, path)

    @staticmethod
    def _finish(state: RunState, result: BulkResult) -> None:
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
