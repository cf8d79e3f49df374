"""The download engine's vocabulary: jobs, progress, results, and the one thing it needs from a client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePath
from typing import NamedTuple, Protocol

ByteProgress = Callable[[int, int | None], None]
"""``(done_bytes, total_bytes_or_None)``, as the client reports a streamed download."""


class DownloadedFileInfo(Protocol):
    """What ``PortalClient.download`` returns (``DownloadedFile``)."""

    @property
    def path(self) -> Path: ...
    @property
    def bytes(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def filename_hint(self) -> str | None: ...


class Downloader(Protocol):
    """The client's single download path: streamed, verified, written to ``dest`` atomically.

    ``PortalClient`` satisfies it; tests pass fakes. Errors are ``ssp_tui.api.errors.PortalError`` subclasses.
    """

    async def download(
        self,
        api_path: str,
        dest: Path,
        *,
        expected_sha256: str | None = None,
        on_progress: ByteProgress | None = None,
    ) -> DownloadedFileInfo: ...


class DownloadMode(StrEnum):
    SEPARATE = "separate"
    """One file per job at its template path, and ``manifest.json`` beside them."""
    COMBINED = "combined"
    """One PDF with a bookmark per job."""


@dataclass(frozen=True, slots=True)
class DownloadJob:
    """One PDF to fetch."""

    key: str
    """Stable identity, e.g. the document id; written to the manifest."""
    api_path: str
    """From ``client.documents.content_path(id)`` and friends."""
    relative_path: PurePath | str
    """Where it goes under the target folder in SEPARATE mode (``render_template`` output); checked again."""
    title: str
    """Shown in progress, failures, and as the bookmark in a combined PDF."""
    expected_sha256: str | None = None
    """When known (documents list it), the cache can serve it and the client verifies it."""
    pages: int | None = None
    etag: str | None = None
    """A strong ETag known from elsewhere (a previous run); the cache's ETag index can serve it."""


class JobState(StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    DONE = "done"
    CACHED = "cached"
    """Served from the cache: nothing fetched."""
    FAILED = "failed"
    CANCELLED = "cancelled"


class Phase(StrEnum):
    DOWNLOADING = "downloading"
    COMBINING = "combining"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class BulkProgress:
    """One progress report: about one job (``job`` set) and always the overall counts."""

    phase: Phase
    files_total: int
    files_done: int
    """Finished, whether downloaded or served from the cache."""
    files_failed: int
    bytes_done: int
    """Bytes of finished files plus bytes streamed so far of running ones."""
    job: DownloadJob | None = None
    job_state: JobState | None = None
    job_bytes_done: int = 0
    job_bytes_total: int | None = None
    message: str = ""
    """For FAILED: the error, fit to show."""


ProgressCallback = Callable[[BulkProgress], None]


@dataclass(frozen=True, slots=True)
class SavedFile:
    job: DownloadJob
    path: Path
    """The final file in SEPARATE mode; the cache blob that went into the PDF in COMBINED mode."""
    sha256: str
    bytes: int
    from_cache: bool


class FailedJob(NamedTuple):
    job: DownloadJob
    message: str
    """The error's ``user_message``, or an equally plain sentence."""


@dataclass(slots=True)
class BulkResult:
    mode: DownloadMode
    files: list[SavedFile] = field(default_factory=list)
    """In job order."""
    failed: list[FailedJob] = field(default_factory=list)
    combined_path: Path | None = None
    manifest_path: Path | None = None
    missing: list[DownloadJob] = field(default_factory=list)
    """Jobs not in the output: failed or cancelled (in a combined PDF written with allow_missing, listed)."""
    cancelled: bool = False
    fetched: int = 0
    """How many files came over the network (the rest came from the cache)."""

    @property
    def complete(self) -> bool:
        """Every job is in the output."""
        return not self.failed and not self.missing and not self.cancelled

    def failure_lines(self) -> list[str]:
        """``title: message`` for each failed job, for stderr and the screen."""
        return [f"{failed.job.title}: {failed.message}" for failed in self.failed]
