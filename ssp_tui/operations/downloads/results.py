"""What a run reports: progress as it goes (``BulkProgress``) and the outcome (``BulkResult``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from ssp_tui.operations.downloads.plan import DownloadJob, DownloadMode


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
    """The error's ``full_message`` (what happened, what to do), or an equally plain sentence."""


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
    problems: list[str] = field(default_factory=list)
    """What went wrong beyond single files, e.g. the manifest could not be written (a full disk)."""

    @property
    def complete(self) -> bool:
        """Every job is in the output, and everything around it (the manifest) was written."""
        return not self.failed and not self.missing and not self.cancelled and not self.problems

    def failure_lines(self) -> list[str]:
        """``title: message`` for each failed job, for stderr and the screen."""
        return [f"{failed.job.title}: {failed.message}" for failed in self.failed]
