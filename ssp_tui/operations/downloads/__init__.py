"""Bulk downloads, the one way the TUI and the CLI save PDFs: build a ``DownloadPlan``, run it.

    engine = DownloadEngine(client, default_cache_dir())          # once per app or command
    plan = DownloadPlan(jobs, Destination.separate(folder), concurrency=6)
    result = await engine.run(plan, on_progress=callback, cancel=event)   # -> BulkResult

Modules: ``plan`` (DownloadJob, Destination, DownloadPlan: the shapes a download has), ``jobs`` (jobs from
portal listings, named by the filename template), ``engine`` (DownloadEngine), ``results`` (BulkProgress,
BulkResult), ``cache`` (the content-addressed cache), ``placement`` and ``private_files`` (final files:
private, independent copies, never through a link), ``combine`` and ``pdf`` (one PDF with a bookmark per
document), ``manifest`` (``manifest.json`` beside separate files), ``state`` (one run's bookkeeping).
"""

from ssp_tui.operations.downloads.cache import default_cache_dir
from ssp_tui.operations.downloads.engine import DownloadEngine
from ssp_tui.operations.downloads.placement import DestinationUnusable
from ssp_tui.operations.downloads.plan import (
    Destination,
    Downloader,
    DownloadJob,
    DownloadMode,
    DownloadPlan,
    combined_file_name,
)
from ssp_tui.operations.downloads.results import (
    BulkProgress,
    BulkResult,
    FailedJob,
    JobState,
    Phase,
    ProgressCallback,
    SavedFile,
)

__all__ = [
    "BulkProgress",
    "BulkResult",
    "Destination",
    "DestinationUnusable",
    "DownloadEngine",
    "DownloadJob",
    "DownloadMode",
    "DownloadPlan",
    "Downloader",
    "FailedJob",
    "JobState",
    "Phase",
    "ProgressCallback",
    "SavedFile",
    "combined_file_name",
    "default_cache_dir",
]
