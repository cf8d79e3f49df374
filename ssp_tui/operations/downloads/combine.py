"""COMBINED mode's last phase: one PDF of every document that arrived, in order, with a bookmark each.

The same combination made before (same documents, titles and missing list) is served from the cache's
combined PDFs instead of being combined again; a new one is written in the cache's staging area, kept in the
cache, and copied to its final name (a private, independent copy), which never receives a partial file.
The PDF's metadata says what it is (the plan's title) and whom it is for (its labels).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from ssp_tui.operations.downloads.cache import ContentCache
from ssp_tui.operations.downloads.pdf import (
    CombineSource,
    PdfLabels,
    combination_key,
    open_sources,
    write_combined,
)
from ssp_tui.operations.downloads.placement import CannotSave, copy_into_place, copy_over
from ssp_tui.operations.downloads.plan import DEFAULT_COMBINED_NAME, DownloadPlan
from ssp_tui.operations.downloads.results import BulkResult, Phase
from ssp_tui.operations.downloads.state import NotAPdf, RunState
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
    allow_missing = plan.allow_missing
    labels = PdfLabels(plan.title or wanted.stem, plan.labels)
    state.phase = Phase.COMBINING
    state.emit()
    if state.failures and not allow_missing:
        return
    order = sorted(state.blobs)
    key = combination_key(
        [(state.blobs[index][0].sha256, state.jobs[index].title) for index in order],
        _missing_titles(state),
        len(state.jobs),
        labels,
    )
    cached = await asyncio.to_thread(cache.lookup_combined, key)
    source = cached.path if cached is not None else None
    staging: Path | None = None
    try:
        if source is None:
            staging = cache.new_staging_path(safe_filename(wanted.stem) + ".pdf")
            source = await _make_combined(state, cache, order, key, staging, allow_missing, labels)
            if source is None:
                return
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            return
        place = copy_over if plan.destination.replace_existing else copy_into_place
        try:
            result.combined_path = await asyncio.to_thread(place, source, wanted)
        except OSError as exc:
            raise CannotSave(wanted, exc) from None
    finally:
        if staging is not None:
            cache.discard_staging(staging)  # sync: must run even while being cancelled


async def _make_combined(
    state: RunState,
    cache: ContentCache,
    order: list[int],
    key: str,
    staging: Path,
    allow_missing: bool,
    labels: PdfLabels,
) -> Path | None:
    """Combine into ``staging``; the file to place (kept in the cache when every document was readable)."""
    sources = [CombineSource(state.blobs[index][0].path, state.jobs[index].title) for index in order]
    opened = await asyncio.to_thread(open_sources, sources)
    try:
        for position, message in opened.unreadable:
            index = order[position]
            state.saved.pop(index, None)
            state.fail(index, NotAPdf(message))
        if not opened.opened or (state.failures and not allow_missing):
            return None
        writer = asyncio.ensure_future(
            asyncio.to_thread(
                write_combined,
                opened,
                staging,
                missing_titles=_missing_titles(state),
                total=len(state.jobs),
                labels=labels,
            )
        )
        try:
            await asyncio.shield(writer)
        finally:
            if not writer.done():
                # Cancelled mid-write: a thread cannot be stopped. Let it finish; the caller deletes its file.
                with contextlib.suppress(BaseException):
                    await writer
    finally:
        opened.close()
    if opened.unreadable:
        return staging  # the key named documents that turned out unreadable: not one to serve again
    return (await asyncio.to_thread(cache.admit_combined, key, staging)).path


def _missing_titles(state: RunState) -> list[str]:
    return [state.jobs[index].title for index in sorted(state.failures)]
