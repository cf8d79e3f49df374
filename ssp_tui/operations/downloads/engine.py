"""The download engine: ``DownloadEngine(client, cache_dir)``, built once, then ``await run(plan, ...)``.

Each job's bytes come from the content-addressed cache when it holds them, else through the client's
streamed, verified, atomically renamed download into the cache. From the cache, SEPARATE mode copies each
file to its template path (a private, independent copy, never over another file); COMBINED mode appends every
document to one PDF written in the cache's staging area and copied into place. A final path only ever
receives a complete file.

A session that ends mid-run (``AuthenticationRequired``) stops the run like a cancel, keeps every verified
file, writes the manifest, and is then raised: the TUI runs the engine through its session (re-login, then
run the same plan again, served from the cache) and the CLI through its retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Sequence
from pathlib import Path

from ssp_tui.api.download import DownloadedFile
from ssp_tui.api.errors import AuthenticationRequired
from ssp_tui.errors import next_step_for_os_error, os_reason
from ssp_tui.operations.downloads.cache import CachedBlob, ContentCache, file_sha256, normalise_sha256
from ssp_tui.operations.downloads.combine import combine_into
from ssp_tui.operations.downloads.manifest import MANIFEST_NAME, recorded_files, write_manifest
from ssp_tui.operations.downloads.pdf import check_pdf_header
from ssp_tui.operations.downloads.placement import (
    SourceChanged,
    prepare_folder,
)
from ssp_tui.operations.downloads.placer import FetchedPlacer, final_path, place_fetched, place_found
from ssp_tui.operations.downloads.plan import Downloader, DownloadJob, DownloadMode, DownloadPlan
from ssp_tui.operations.downloads.results import BulkResult, FailedJob, JobState, Phase, ProgressCallback
from ssp_tui.operations.downloads.state import (
    FinishedWhileStopping,
    NotAPdf,
    PlacedWhileStopping,
    RunState,
    finishing,
    stop_after,
    to_the_end,
)
from ssp_tui.operations.safe_names import title_filename

CACHE_BATCH = 32
"""Jobs served from the cache per worker-thread call (between two progress reports)."""
CACHE_THREADS = 4
"""Cache-hit batches placed at once (asyncio's default pool has min(32, CPUs + 4) threads)."""


class DownloadEngine:
    """Concurrent, cached, verified downloads of many PDFs into separate files or one combined PDF."""

    def __init__(self, client: Downloader, cache_dir: Path) -> None:
        self.client = client
        self.cache = ContentCache(cache_dir)

    async def run(
        self,
        plan: DownloadPlan,
        on_progress: ProgressCallback | None = None,
        cancel: asyncio.Event | None = None,
    ) -> BulkResult:
        """Download ``plan``; see the module docstring. Never raises for a failed job: see ``BulkResult``.

        Raises ``DestinationUnusable`` (before fetching anything) when the folder cannot be created or
        written, and ``AuthenticationRequired`` when the session ended (after keeping what was saved).
        ``cancel`` set (or this task cancelled) stops every download; finished separate files stay, the
        manifest says what is missing, no combined PDF is written, and no partial file is left anywhere: not
        at a final path, not in the cache (no ``.part``), so the next run picks up from the cache.
        In COMBINED mode a failed job means no PDF at all unless ``plan.allow_missing``: then the PDF is
        written without it, ``missing`` lists it, and the PDF's first bookmark names it.
        """
        target = await asyncio.to_thread(prepare_folder, plan.destination.folder)
        state = RunState(plan.jobs, on_progress, keep_blobs=plan.mode is DownloadMode.COMBINED)
        if plan.mode is DownloadMode.SEPARATE:
            state.recorded = await asyncio.to_thread(recorded_files, target)
        served = await self._serve_from_cache(state, target, plan.mode, cancel)
        semaphore = asyncio.Semaphore(plan.concurrency)
        # A few workers take the jobs in turn: a task per job (5,000 of them waiting at once) cost memory in
        # proportion to the run, for nothing; so did a list of the jobs left.
        remaining = len(plan.jobs) - served.count(1)
        queue = (index for index, done in enumerate(served) if not done)

        async def worker() -> None:
            for index in queue:
                await self._one_job(state, index, target, plan.mode, semaphore, placer)

        placer = None
        workers = plan.concurrency
        if plan.mode is DownloadMode.SEPARATE:
            placer = FetchedPlacer(state, functools.partial(place_fetched, self.cache, state, target))
            # As many workers again as slots: a worker whose file waits for its batch leaves its slot to one
            # that fetches (the slots alone bound the requests to the portal).
            workers *= 2
        tasks = [asyncio.create_task(worker()) for _ in range(min(workers, remaining))]
        try:
            stopped = await self._wait_for(tasks, cancel, state.halted)
        finally:
            if placer is not None:
                await placer.close()
        result = BulkResult(mode=plan.mode, fetched=state.fetched, cancelled=stopped)
        try:
            if plan.mode is DownloadMode.COMBINED and not stopped and state.blobs:
                await combine_into(state, self.cache, plan, result, cancel)
        finally:
            await asyncio.to_thread(self.cache.end_run)
        self._finish(state, result, plan)
        if plan.mode is DownloadMode.SEPARATE:
            await self._write_manifest(result, target)
        state.phase = Phase.FINISHED
        state.emit()
        if state.session_ended is not None:
            raise state.session_ended
        return result

    @staticmethod
    async def _write_manifest(result: BulkResult, target: Path) -> None:
        try:
            result.manifest_path = await asyncio.to_thread(write_manifest, result, target)
        except OSError as exc:
            # A full disk must not hide what was saved: the result still lists every file.
            where = target / MANIFEST_NAME
            said = f"The manifest could not be written to {where}: {os_reason(exc)}."
            result.problems.append(f"{said} {next_step_for_os_error(exc)}")

    async def _wait_for(
        self, tasks: list[asyncio.Task[None]], cancel: asyncio.Event | None, halted: asyncio.Event
    ) -> bool:
        """Wait for every job; True if the run was stopped early (``cancel``, or the session ended)."""
        watchers = [asyncio.create_task(event.wait()) for event in (cancel, halted) if event is not None]
        everything = asyncio.gather(*tasks, return_exceptions=True)
        try:
            await asyncio.wait({everything, *watchers}, return_when=asyncio.FIRST_COMPLETED)
            if everything.done() and not halted.is_set():
                return False
            for task in tasks:
                task.cancel()
            if tasks:
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
            for watcher in watchers:
                watcher.cancel()

    async def _serve_from_cache(
        self, state: RunState, target: Path, mode: DownloadMode, cancel: asyncio.Event | None
    ) -> bytearray:
        """Serve every job the cache already holds, a batch at a time on one worker thread; 1 for each job
        done (served or failed), by index.

        A thread hop per job (lookup, then placement) cost more than the work itself: a warm run of 150
        documents took three times as long that way (docs/performance.md). Batches keep progress moving.
        """
        candidates = [
            index
            for index, job in enumerate(state.jobs)
            if normalise_sha256(job.expected_sha256) is not None or (job.etag and job.expected_sha256 is None)
        ]
        served = bytearray(len(state.jobs))
        # Batches run on a few threads at once: every placed file is fsynced, and the disk commits concurrent
        # fsyncs together (one at a time: 4 ms a file on the benchmark machine; eight at once: 0.4 ms).
        gate = asyncio.Semaphore(CACHE_THREADS)
        step = CACHE_BATCH
        batches = [candidates[start : start + step] for start in range(0, len(candidates), step)]

        async def serve(batch: list[int]) -> None:
            async with gate:
                if cancel is not None and cancel.is_set():
                    return
                outcomes = await asyncio.to_thread(self._serve_batch, state, batch, target, mode)
            for index in batch:
                state.looked_up[index] = 1
            for index, outcome in outcomes:
                served[index] = 1
                if isinstance(outcome, Exception):
                    state.fail(index, outcome)
                else:
                    state.record(index, *outcome, from_cache=True)

        await asyncio.gather(*(serve(batch) for batch in batches))
        return served

    def _serve_batch(
        self, state: RunState, batch: Sequence[int], target: Path, mode: DownloadMode
    ) -> list[tuple[int, tuple[CachedBlob, Path] | Exception]]:
        """Blocking: look up (and in SEPARATE mode place) each job of ``batch``; misses are left out.

        The batch's copies are placed together (``place_files``: all written, then each fsynced and named)."""
        outcomes: list[tuple[int, tuple[CachedBlob, Path] | Exception]] = []
        separate = mode is DownloadMode.SEPARATE
        found: list[tuple[int, CachedBlob, Path]] = []
        for index in batch:
            job = state.jobs[index]
            # A separate copy is hashed as it is written, so the lookup need not read the blob first.
            blob = self.cache.lookup(
                sha256=normalise_sha256(job.expected_sha256), etag=job.etag, verify=not separate
            )
            if blob is None:
                continue
            if not separate:
                outcomes.append((index, (blob, blob.path)))
                continue
            try:
                found.append((index, blob, final_path(state, target, job)))
            except Exception as exc:  # reported for this job only, like a failed download
                outcomes.append((index, exc))
        placed = place_found(self.cache, state, [(blob, final) for _, blob, final in found])
        for (index, blob, _), outcome in zip(found, placed, strict=True):
            if isinstance(outcome, SourceChanged):
                continue  # altered on disk (evicted): fetched again, never vouched for
            outcomes.append((index, outcome if isinstance(outcome, Exception) else (blob, outcome)))
        return outcomes

    async def _one_job(
        self,
        state: RunState,
        index: int,
        target: Path,
        mode: DownloadMode,
        semaphore: asyncio.Semaphore,
        placer: FetchedPlacer | None,
    ) -> None:
        job = state.jobs[index]
        place_in = target if mode is DownloadMode.SEPARATE else None
        try:
            got = await self._obtain(state, index, job, semaphore, place_in, placer)
            if got is not None:  # else the placer recorded it
                state.record(index, *got[:2], from_cache=got[2])
        except PlacedWhileStopping as placed:
            state.record(index, placed.blob, placed.path, from_cache=placed.from_cache)
            raise asyncio.CancelledError from None
        except asyncio.CancelledError:
            state.streaming.pop(index, None)
            raise
        except AuthenticationRequired as exc:
            state.end_session(index, exc)
        except Exception as exc:
            state.fail(index, exc)

    async def _obtain(
        self,
        state: RunState,
        index: int,
        job: DownloadJob,
        semaphore: asyncio.Semaphore,
        target: Path | None,
        placer: FetchedPlacer | None = None,
    ) -> tuple[CachedBlob, Path, bool] | None:
        """The job's blob, and (``target`` given: SEPARATE mode) its file placed under ``target``; None when
        ``placer`` placed (and recorded) a fetched file."""
        expected = normalise_sha256(job.expected_sha256)
        if job.expected_sha256 is not None and expected is None:
            raise NotAPdf("The portal listed this document with an invalid checksum.")
        # Jobs for the same bytes wait for each other, so one download serves them all. Only digests the
        # plan names more than once get a lock: a lock per job was memory in proportion to the run.
        lock = state.digest_locks.get(expected) if expected else None
        async with lock or contextlib.nullcontext():
            # A job the cache was asked about at the start is asked again only when this run has since
            # admitted its bytes (another job for them): a thread hop per file is not free.
            if not state.looked_up[index] or (expected is not None and expected in state.admitted):
                mode = DownloadMode.COMBINED if target is None else DownloadMode.SEPARATE
                try:
                    outcomes = await finishing(self._serve_batch, state, [index], target or Path(), mode)
                except FinishedWhileStopping as finished:
                    stop_after(finished.result, target, from_cache=True)
                if outcomes:
                    outcome = outcomes[0][1]
                    if isinstance(outcome, Exception):
                        raise outcome
                    return outcome[0], outcome[1], True
            async with semaphore:
                blob = await self._fetch(state, index, job, expected)
            if placer is None or target is None:
                return blob, blob.path, False
            await placer.place(index, blob)  # the slot is free again meanwhile
            return None

    async def _fetch(
        self,
        state: RunState,
        index: int,
        job: DownloadJob,
        expected: str | None,
    ) -> CachedBlob:
        """The job's bytes downloaded and admitted into the cache (its copy is the placer's, in SEPARATE
        mode: not while the slot is held)."""
        # Named after the whole title: the client's messages name this file ("2026-2027 renewal.pdf").
        # Made synchronously (one mkdir, or a folder emptied by an earlier download): in a thread, a cancel
        # arriving while it ran left the folder behind, since the cleanup below only covers what comes after.
        staging = self.cache.new_staging_path(title_filename(job.title or job.key) + ".pdf")
        state.emit(index, JobState.DOWNLOADING)

        def progress(done: int, total: int | None) -> None:
            state.streaming[index] = done
            state.emit(index, JobState.DOWNLOADING, job_bytes_done=done, job_bytes_total=total)

        arrived: list[DownloadedFile] = []
        settled: list[CachedBlob] = []

        def settle(downloaded: DownloadedFile) -> None:
            arrived.append(downloaded)
            settled.append(self._settle(staging, downloaded, job))

        try:
            # Not fsynced: a blob is verified whenever it is used (hashed as it is copied, or before it is
            # combined), and a placed copy is made durable before it gets its name. The admission runs in the
            # thread the client checks the file in: one thread hop per file.
            downloaded = await self.client.download(
                job.api_path,
                staging,
                expected_sha256=expected,
                on_progress=progress,
                durable=False,
                then=settle,
            )
        except BaseException:
            # Nothing of this attempt stays in the staging area; removing a folder is blocking file work
            # (on the event loop it stalled the other downloads), and it must finish even when cancelled.
            # Once the file arrived, ``_settle`` has been done with the folder (the client waits for its
            # thread even when cancelled): a second discard would hand it out twice.
            if not arrived:
                await to_the_end(self.cache.discard_staging, staging)
            if arrived:  # it came over the network, then could not be kept, or the run was stopped
                state.fetched += 1
            if settled:  # admitted, then the run was stopped: the bytes are in the cache
                state.note_admitted(settled[0].sha256)
                raise asyncio.CancelledError from None
            raise
        state.fetched += 1
        if not settled:  # a downloader that does not take ``then``
            try:
                settled.append(await finishing(self._settle, staging, downloaded, job))
            except FinishedWhileStopping as finished:
                state.note_admitted(finished.result.sha256)  # type: ignore[attr-defined]
                raise asyncio.CancelledError from None
        state.note_admitted(settled[0].sha256)
        return settled[0]

    def _settle(self, staging: Path, downloaded: DownloadedFile, job: DownloadJob) -> CachedBlob:
        """Blocking, in the thread the client checked the file in: the download admitted into the cache
        (renamed out of its staging folder). A thread hop of its own a file cost more than the work itself on
        a loaded machine (docs/performance.md, issue 23)."""
        try:
            path = Path(downloaded.path)
            # The real client has just proved it a PDF that opens (a stricter check than the header's, on the
            # same bytes): reading it again cost an open, a read and a close a file (issue 23). A downloader
            # that does not say so (tests' fakes, others) still gets the header check.
            if not getattr(downloaded, "pdf_checked", False):
                check_pdf_header(path)
            digest = normalise_sha256(downloaded.sha256) or file_sha256(path)
            if digest == job.expected_sha256:
                digest = job.expected_sha256  # the same string everywhere it is kept: memory per file
            private_size = downloaded.bytes if getattr(downloaded, "private", False) else None
            blob = self.cache.admit(path, digest, etag=downloaded.etag, private_size=private_size)
        finally:
            self.cache.discard_staging(staging)  # emptied by the admission: kept for the next download
        return blob

    @staticmethod
    def _finish(state: RunState, result: BulkResult, plan: DownloadPlan) -> None:
        for reference, message in plan.unresolved:
            result.failed.append(FailedJob(DownloadJob(reference, "", "", reference), message))
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
