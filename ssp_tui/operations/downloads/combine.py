"""COMBINED mode's last phase: one PDF of every document that arrived, in order, with a bookmark each.

The same combination made before (same documents, titles and missing list) is served from the cache's
combined PDFs instead of being combined again; a new one is written in the cache's staging area (one source
at a time, hashed as it is written: ``pdf.CombinedPdfWriter``), kept in the cache, and copied to its final
name (a private, independent, verified copy), which never receives a partial file.
The PDF's metadata says what it is (the plan's title) and whom it is for (its labels).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from ssp_tui.operations.downloads.cache import ContentCache
from ssp_tui.operations.downloads.pdf import CombineSource, PdfLabels, combination_key, write_combined
from ssp_tui.operations.downloads.placement import CannotSave, copy_into_place, copy_over
from ssp_tui.operations.downloads.plan import DEFAULT_COMBINED_NAME, DownloadPlan
from ssp_tui.operations.downloads.results import BulkResult, Phase
from ssp_tui.operations.downloads.state import NotAPdf, RunState, to_the_end
from ssp_tui.operations.safe_names import safe_filename


async def combine_into(
    state: RunState,
    cache: ContentCache,
    plan: DownloadPlan,
    result: BulkResult,
    cancel: asyncio.Event | None,
) -> None:
    """Write the combined PDF to ``wanted`` (or ``name (n)``, or over ``wanted`` when the destination says to
    replace it) and set ``result.combined_path``; or write
    nothing, when a job failed without ``allow_missing``, no document is readable, or ``cancel`` was set."""
    wanted = plan.destination.combined_file or plan.destination.folder / DEFAULT_COMBINED_NAME
    labels = PdfLabels(plan.title or wanted.stem, plan.labels)
    state.phase = Phase.COMBINING
    state.emit()
    if state.failures and not plan.allow_missing:
        return
    order = sorted(state.blobs)
    key = combination_key(
        [(state.blobs[index][0].sha256, state.jobs[index].title) for index in order],
        [state.jobs[index].title for index in sorted(state.failures)],
        len(state.jobs),
        labels,
    )
    cached = await asyncio.to_thread(cache.lookup_combined, key)
    made = (cached.path, cached.sha256) if cached is not None else None
    staging: Path | None = None
    try:
        if made is None:
            staging = cache.new_staging_path(safe_filename(wanted.stem) + ".pdf")
            made = await _make_combined(state, cache, plan, order, key, staging, labels, cancel)
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            return
        if made is None:
            return
        source, sha256 = made
        try:
            if plan.destination.replace_existing:
                result.combined_path = await asyncio.to_thread(copy_over, source, wanted)
            else:
                result.combined_path = await asyncio.to_thread(copy_into_place, source, wanted, sha256=sha256)
        except OSError as exc:
            raise CannotSave(wanted, exc) from None
    finally:
        if staging is not None:
            cache.discard_staging(staging)  # sync: must run even while being cancelled


async def _make_combined(
    state: RunState,
    cache: ContentCache,
    plan: DownloadPlan,
    order: list[int],
    key: str,
    staging: Path,
    labels: PdfLabels,
    cancel: asyncio.Event | None,
) -> tuple[Path, str] | None:
    """Combine into ``staging``; the file to place and its SHA-256 (kept in the cache when every document
    was readable), or None when nothing was finished. A cancel (the event, or this task's) stops the writer
    before its next document."""
    sources = [CombineSource(state.blobs[index][0].path, state.jobs[index].title, index) for index in order]
    stop = threading.Event()

    def stopped() -> bool:
        return stop.is_set() or (cancel is not None and cancel.is_set())

    outcome = await to_the_end(
        write_combined,
        sources,
        staging,
        missing=[(index, state.jobs[index].title) for index in sorted(state.failures)],
        total=len(state.jobs),
        labels=labels,
        allow_missing=plan.allow_missing,
        stopped=stopped,
        on_cancel=stop.set,
    )
    for index, message in outcome.unreadable:
        state.saved.pop(index, None)
        state.fail(index, NotAPdf(message))
    if outcome.written is None:
        return None
    if outcome.unreadable:
        # The key named documents that turned out unreadable: not one to serve again.
        return staging, outcome.written.sha256
    admitted = await asyncio.to_thread(cache.admit_combined, key, staging, outcome.written.sha256)
    return admitted.path, admitted.sha256
