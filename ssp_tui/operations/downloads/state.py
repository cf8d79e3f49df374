"""The state of one run of the engine, shared by its phases (``engine.py``, ``combine.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TypeVar

from ssp_tui.api.errors import AuthenticationRequired
from ssp_tui.errors import SspError, next_step_for_os_error, os_reason
from ssp_tui.operations.downloads.cache import CachedBlob, normalise_sha256
from ssp_tui.operations.downloads.plan import DownloadJob
from ssp_tui.operations.downloads.results import BulkProgress, JobState, Phase, ProgressCallback, SavedFile

T = TypeVar("T")
logger = logging.getLogger("ssp_tui.operations.downloads")


class NotAPdf(SspError):
    """The bytes that arrived are not a PDF (an HTML error page served as a PDF, say)."""


def message_for(exc: BaseException) -> str:
    """A sentence fit for the screen, with what to do next; never a traceback, never a URL with a token."""
    if isinstance(exc, SspError):
        return exc.full_message
    if isinstance(exc, OSError):
        return f"Could not write the file: {os_reason(exc)}. {next_step_for_os_error(exc)}"
    return f"Unexpected error ({type(exc).__name__})."


class RunState:
    """The state of one ``DownloadEngine.run``: outcomes by job index, and the progress counters."""

    def __init__(
        self, jobs: Sequence[DownloadJob], on_progress: ProgressCallback | None, *, keep_blobs: bool = True
    ) -> None:
        self.jobs = jobs
        self.on_progress = on_progress
        self.keep_blobs = keep_blobs
        """COMBINED mode needs every job's blob (``blobs``) to combine; SEPARATE mode only ``saved``."""
        self.blobs: dict[int, tuple[CachedBlob, bool]] = {}
        self.saved: dict[int, SavedFile] = {}
        self.failures: dict[int, str] = {}
        self.streaming: dict[int, int] = {}
        self.bytes_finished = 0
        self.fetched = 0
        self.phase = Phase.DOWNLOADING
        self.digest_locks: dict[str, asyncio.Lock] = shared_digest_locks(jobs)
        """A lock for each SHA-256 that more than one job names, so one download serves them all."""
        self.session_ended: AuthenticationRequired | None = None
        self.looked_up = bytearray(len(jobs))
        """1 for each job the cache was asked about when the run started (``_serve_from_cache``)."""
        self.admitted: set[str] = set()
        """SHA-256 of the blobs this run downloaded into the cache that another job of the run also names."""
        self.recorded: dict[Path, str] = {}
        """SEPARATE mode: the files the folder's manifest vouches for (``manifest.recorded_files``)."""
        self.folders: set[Path] = set()
        """SEPARATE mode: folders known to exist (made or checked once by ``placement``, not per file)."""
        self.folder_paths: dict[str, Path] = {}
        """SEPARATE mode: one Path object per folder files are placed in, that their paths are made from."""
        self.resolved_root = ""
        """SEPARATE mode: the destination folder, resolved once for the run."""
        self.resolved_folders: dict[str, str] = {}
        """SEPARATE mode: each folder files go in, resolved once for the run (``final_name_inside``)."""
        self.halted = asyncio.Event()
        """Set when the session ends: the other jobs would only fail the same way, so the run stops."""

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

    def record(self, index: int, blob: CachedBlob, path: Path, *, from_cache: bool) -> None:
        """Job ``index`` is done: its bytes are ``blob`` and (SEPARATE mode) its file is ``path``."""
        job = self.jobs[index]
        if self.keep_blobs:
            self.blobs[index] = (blob, from_cache)
        # The job's own copy of the digest when it is the same: one string per file, not two.
        digest = job.expected_sha256 if job.expected_sha256 == blob.sha256 else blob.sha256
        if not self.keep_blobs:
            # A fresh Path from the folder's: the one the placement used keeps its whole text as well, some
            # 150 bytes a file for as long as the result lives (issue 23).
            path = path.parent / path.name
        self.saved[index] = SavedFile(job, path, digest, blob.bytes, from_cache)
        self.streaming.pop(index, None)
        self.bytes_finished += blob.bytes
        self.emit(
            index,
            JobState.CACHED if from_cache else JobState.DONE,
            job_bytes_done=blob.bytes,
            job_bytes_total=blob.bytes,
        )

    def note_admitted(self, sha256: str) -> None:
        """A download of ``sha256`` is in the cache now; only jobs sharing a digest need to know."""
        if sha256 in self.digest_locks:
            self.admitted.add(sha256)

    def fail(self, index: int, exc: BaseException) -> None:
        if not isinstance(exc, OSError | SspError):
            logger.error("unexpected error in download job %s", self.jobs[index].key, exc_info=exc)
        message = message_for(exc)
        self.failures[index] = message
        self.streaming.pop(index, None)
        self.emit(index, JobState.FAILED, message=message)

    def end_session(self, index: int, exc: AuthenticationRequired) -> None:
        """Job ``index`` met an ended session: stop the run; it is not a failure of this file."""
        self.streaming.pop(index, None)
        if self.session_ended is None:
            self.session_ended = exc
        self.halted.set()


def shared_digest_locks(jobs: Sequence[DownloadJob]) -> dict[str, asyncio.Lock]:
    """A lock for each valid SHA-256 named by two jobs or more (the others never wait for anyone)."""
    seen: set[str] = set()
    shared: dict[str, asyncio.Lock] = {}
    for job in jobs:
        digest = normalise_sha256(job.expected_sha256)
        if digest is None:
            continue
        if digest in seen:
            shared.setdefault(digest, asyncio.Lock())
        else:
            seen.add(digest)
    return shared


async def to_the_end(
    function: Callable[..., T], *args: object, on_cancel: Callable[[], None] | None = None, **kwargs: object
) -> T:
    """``function`` in a worker thread. A thread cannot be stopped: when this task is cancelled meanwhile,
    call ``on_cancel`` (a way to ask ``function`` to stop early), then let the thread finish (the caller then
    deletes what it wrote) before giving up."""
    work = asyncio.ensure_future(asyncio.to_thread(function, *args, **kwargs))
    try:
        return await asyncio.shield(work)
    finally:
        if not work.done():
            if on_cancel is not None:
                on_cancel()
            with contextlib.suppress(BaseException):
                await work


class PlacedWhileStopping(Exception):
    """A file was placed just as the run was stopped: record it, then stop."""

    def __init__(self, blob: CachedBlob, path: Path, *, from_cache: bool) -> None:
        super().__init__(str(path))
        self.blob = blob
        self.path = path
        self.from_cache = from_cache


class FinishedWhileStopping(Exception):
    """The worker thread finished with ``result`` after the run was stopped."""

    def __init__(self, result: object) -> None:
        super().__init__("finished while stopping")
        self.result = result


async def finishing(function: Callable[..., T], *args: object) -> T:
    """``function`` in a worker thread. A thread cannot be stopped: when the run is stopped meanwhile, wait
    for it; if it finished, raise ``FinishedWhileStopping`` with its result (a file it placed must still be
    recorded, so the manifest lists every file that is on disk), else ``CancelledError``."""
    work = asyncio.ensure_future(asyncio.to_thread(function, *args))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        try:
            result = await work
        except Exception:
            raise asyncio.CancelledError from None
        raise FinishedWhileStopping(result) from None


def stop_after(outcomes: object, target: Path | None, *, from_cache: bool) -> NoReturn:
    """Stop the job whose thread finished after the run was stopped; ``outcomes`` as ``_serve_batch``'s. A
    file it placed (SEPARATE mode, ``target`` given) is reported, to be recorded before stopping."""
    if target is not None and isinstance(outcomes, list) and outcomes:
        outcome = outcomes[0][1]
        if isinstance(outcome, tuple):
            raise PlacedWhileStopping(outcome[0], outcome[1], from_cache=from_cache)
    raise asyncio.CancelledError
