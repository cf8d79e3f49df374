"""What the downloads view lists: every batch the TUI ran this session (with a way to run its failed jobs
again through the runner that ran it), and the earlier runs a ``manifest.json`` in the download folder still
vouches for.

``DownloadRunner.run_and_report`` records each batch in the app's ``download_history`` (``SspApp``); the
view (``tui/dialogs/downloads_view.py``) reads ``rows()``. Nothing here knows Textual.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ssp_tui import clock
from ssp_tui.operations.downloads import BulkResult, DownloadJob, DownloadMode, DownloadPlan
from ssp_tui.operations.downloads.jobs import job_again
from ssp_tui.operations.downloads.manifest import MANIFEST_NAME
from ssp_tui.text_safety import strip_controls

Retry = Callable[[DownloadPlan], Awaitable[BulkResult | None]]
"""Runs a plan through the runner (and session) that ran the batch: its panel, re-login and questions."""


class RowState(StrEnum):
    SAVED = "saved"
    CACHED = "saved (from cache)"
    FAILED = "failed"
    MISSING = "not downloaded"
    EARLIER = "saved earlier"
    EARLIER_FAILED = "failed earlier"
    LEDGER = "certificate saved earlier"


@dataclass(frozen=True, slots=True)
class DownloadRow:
    """One document of one batch, as the view shows it."""

    batch: int
    """The batch's number this session (1, 2, ...); 0 for an earlier run found in a manifest."""
    when: str
    state: RowState
    title: str
    path: Path | None
    """The file on disk (SEPARATE), the combined PDF (COMBINED), or None when nothing was written."""
    folder: Path | None
    """Where it went, or was to go."""
    message: str = ""
    """Why it failed, in the engine's words."""
    job: DownloadJob | None = None
    """What an earlier run's failure was to fetch, when its manifest says (``earlier_job``): run it again."""


@dataclass(slots=True)
class DownloadBatch:
    number: int
    at: datetime
    plan: DownloadPlan
    result: BulkResult
    retry: Retry | None = None

    @property
    def failed_jobs(self) -> list[DownloadJob]:
        failed = [failed.job for failed in self.result.failed]
        taken = {job.key for job in failed}
        # A cancelled run's jobs that never ran are "missing", not "failed": they can be run again too.
        return failed + [job for job in self.result.missing if job.key not in taken]

    def retry_plan(self) -> DownloadPlan | None:
        """The plan that downloads what failed: only those jobs into the same folder (separate files), or
        the whole PDF again (combined; what was fetched before comes from the cache)."""
        jobs = self.failed_jobs
        if not jobs:
            return None
        if self.plan.mode is DownloadMode.COMBINED:
            return replace(self.plan, allow_missing=False, unresolved=())
        return replace(self.plan, jobs=tuple(jobs), unresolved=())

    def rows(self) -> list[DownloadRow]:
        when = self.at.strftime("%H:%M:%S")
        result = self.result
        folder = self.plan.destination.folder
        rows: list[DownloadRow] = []
        for saved in result.files:
            combined = result.mode is DownloadMode.COMBINED
            path = result.combined_path if combined else saved.path
            state = RowState.CACHED if saved.from_cache else RowState.SAVED
            where = folder if path is None else path.parent
            rows.append(DownloadRow(self.number, when, state, saved.job.title, path, where))
        for failed in result.failed:
            title, message = failed.job.title, failed.message
            rows.append(DownloadRow(self.number, when, RowState.FAILED, title, None, folder, message))
        failed_keys = {failed.job.key for failed in result.failed}
        for job in result.missing:
            if job.key not in failed_keys:
                rows.append(DownloadRow(self.number, when, RowState.MISSING, job.title, None, folder))
        return rows


@dataclass(slots=True)
class DownloadHistory:
    """The batches of this app's life, oldest first."""

    batches: list[DownloadBatch] = field(default_factory=list)

    def record(self, plan: DownloadPlan, result: BulkResult, retry: Retry | None = None) -> DownloadBatch:
        batch = DownloadBatch(len(self.batches) + 1, clock.now(), plan, result, retry)
        self.batches.append(batch)
        return batch

    def batch(self, number: int) -> DownloadBatch | None:
        return next((batch for batch in self.batches if batch.number == number), None)

    def rows(self) -> list[DownloadRow]:
        """Newest batch first; within a batch, the engine's order (saved, then failed, then missing)."""
        return [row for batch in reversed(self.batches) for row in batch.rows()]


def earlier_rows(folder: Path, history: DownloadHistory | None = None) -> list[DownloadRow]:
    """What ``folder/manifest.json`` says of the runs into that folder: the files it still vouches for and
    what failed last time, less what ``history`` (this session) already lists. Reads only; a missing or
    unreadable manifest is no earlier run."""
    try:
        folder = folder.expanduser().resolve()  # as the engine names it, so this session's rows match
        path = folder / MANIFEST_NAME
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    batches = history.batches if history is not None else []
    listed = {row.path for batch in batches for row in batch.rows() if row.path is not None}
    # ``failed`` is the latest run's: when that run is one of this session's, its rows say it already.
    latest_is_ours = any(batch.result.manifest_path == path for batch in batches)
    when = _text(data.get("generated_at"))[:19].replace("T", " ")
    rows: list[DownloadRow] = []
    for entry in _entries(data.get("files")):
        name = _text(entry.get("file"))
        if name and ".." not in Path(name).parts and not Path(name).is_absolute():
            title = _text(entry.get("title")) or name
            file = folder / name
            if file not in listed:
                rows.append(DownloadRow(0, when, RowState.EARLIER, title, file, file.parent))
    if latest_is_ours:
        return rows
    for entry in [*_entries(data.get("failed")), *_entries(data.get("missing"))]:
        title = _text(entry.get("title")) or _text(entry.get("intended_file"))
        message = _text(entry.get("message")) or "Not downloaded: the run was stopped first."
        job = earlier_job(entry)
        rows.append(DownloadRow(0, when, RowState.EARLIER_FAILED, title, None, folder, message, job))
    return rows


def earlier_job(entry: dict[str, object]) -> DownloadJob | None:
    """The job a manifest's failed (or missing) entry was, or None when its entry cannot say."""
    key, title, name = (entry.get(field) for field in ("key", "title", "intended_file"))
    if not isinstance(key, str) or not isinstance(name, str):
        return None
    return job_again(key, _text(title), name)


def ledger_rows(portal_key: str, listed: set[Path], ledger_path: Path | None = None) -> list[DownloadRow]:
    """The certificates the ledger (``operations/season/ledger.py``, shared with the CLI's ``coi`` commands)
    says were downloaded from this portal to a file not in ``listed``, newest first. Reads only: no ledger
    yet is no row (opening one would create it), and one that cannot be read is none either."""
    from ssp_tui.operations.season.ledger import Ledger, LedgerAction, LedgerError, default_ledger_path

    where = ledger_path or default_ledger_path()
    if not where.is_file():
        return []
    try:
        with Ledger.open(portal_key, where) as ledger:
            entries = ledger.history()
    except LedgerError:
        return []
    rows: list[DownloadRow] = []
    for entry in entries:
        if entry.action is not LedgerAction.DOWNLOADED or not entry.file:
            continue
        path = Path(entry.file)
        if path in listed:
            continue
        listed.add(path)
        title = strip_controls(f"COI {entry.insured_name} - {entry.holder_name} ({entry.policy_number})")
        when = entry.at.strftime("%Y-%m-%d %H:%M:%S")
        rows.append(DownloadRow(0, when, RowState.LEDGER, title, path, path.parent))
    return rows


def _entries(value: object) -> list[dict[str, object]]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    """A manifest's string, as the screen may show it (the file is the user's, and could have been edited)."""
    return strip_controls(value) if isinstance(value, str) else ""
