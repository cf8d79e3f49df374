"""The state of one run of the engine, shared by its phases (``engine.py``, ``combine.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from ssp_tui.api.errors import AuthenticationRequired
from ssp_tui.errors import SspError, next_step_for_os_error, os_reason
from ssp_tui.operations.downloads.cache import CachedBlob
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
        self.session_ended: AuthenticationRequired | None = None
        self.looked_up: set[int] = set()
        """Jobs the cache was asked about when the run started (``_serve_from_cache``)."""
        self.admitted: set[str] = set()
        """SHA-256 of every blob this run downloaded into the cache."""
        self.recorded: dict[Path, str] = {}
        """SEPARATE mode: the files the folder's manifest vouches for (``manifest.recorded_files``)."""
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
        self.blobs[index] = (blob, from_cache)
        self.saved[index] = SavedFile(job, path, blob.sha256, blob.bytes, from_cache)
        self.streaming.pop(index, None)
        self.bytes_finished += blob.bytes
        self.emit(
            index,
            JobState.CACHED if from_cache else JobState.DONE,
            job_bytes_done=blob.bytes,
            job_bytes_total=blob.bytes,
        )

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
