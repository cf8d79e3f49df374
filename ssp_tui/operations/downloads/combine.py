"""COMBINED mode's last phase: one PDF of every document that arrived, in order, with a bookmark each.

The same combination made before (same documents, titles and missing list) is served from the cache's
combined PDFs instead of being combined again; a new one is written in the cache's staging area, kept in the
cache, and copied to its final name (a private, independent copy), which never receives a partial file.
The PDF's metadata says what it is (the plan's title) and whom it is for (its labels).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from ssp_tui.operations.downloads.cache import ContentCache
from ssp_tui.operations.downloads.pdf import (
    CombineSource,
    OpenedSources,
    PdfLabels,
    combination_key,
    open_sources,
    write_combined,
    write_from_parts,
    write_part,
)
from ssp_tui.operations.downloads.placement import CannotSave, copy_into_place, copy_over
from ssp_tui.operations.downloads.plan import DEFAULT_COMBINED_NAME, DownloadPlan
from ssp_tui.operations.downloads.results import BulkResult, Phase
from ssp_tui.operations.downloads.state import NotAPdf, RunState, to_the_end
from ssp_tui.operations.safe_names import safe_filename

COMBINE_PART = 200
"""Above this many documents a combination is made in parts of this many (memory stays flat)."""


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
    if len(sources) > COMBINE_PART:
        return await _make_combined_in_parts(state, cache, order, key, staging, allow_missing, labels)
    opened = await asyncio.to_thread(open_sources, sources)
    try:
        _fail_unreadable(state, order, opened, 0)
        if not opened.opened or (state.failures and not allow_missing):
            return None
        await to_the_end(
            write_combined,
            opened,
            staging,
            missing_titles=_missing_titles(state),
            total=len(state.jobs),
            labels=labels,
        )
    finally:
        opened.close()
    if opened.unreadable:
        return staging  # the key named documents that turned out unreadable: not one to serve again
    return (await asyncio.to_thread(cache.admit_combined, key, staging)).path


async def _make_combined_in_parts(
    state: RunState,
    cache: ContentCache,
    order: list[int],
    key: str,
    staging: Path,
    allow_missing: bool,
    labels: PdfLabels,
) -> Path | None:
    """``_make_combined`` for many documents: ``COMBINE_PART`` of them at a time are read into memory and
    written to a part, and the parts (read from their files) make the PDF, so memory stays flat whether 500
    or 5,000 documents are combined (all of them at once: 82 MB for 1,000 small documents, 52 MB for 100)."""
    parts: list[tuple[Path, list[tuple[str, int]]]] = []
    any_unreadable = False
    try:
        for start in range(0, len(order), COMBINE_PART):
            chunk = order[start : start + COMBINE_PART]
            sources = [CombineSource(state.blobs[index][0].path, state.jobs[index].title) for index in chunk]
            opened = await asyncio.to_thread(open_sources, sources)
            try:
                any_unreadable |= _fail_unreadable(state, order, opened, start)
                if opened.opened:
                    part = cache.new_staging_path(f"part-{len(parts) + 1}.pdf")
                    parts.append((part, []))  # listed at once: discarded whatever happens next
                    parts[-1] = (part, await to_the_end(write_part, opened, part))
            finally:
                opened.close()
        if not parts or (state.failures and not allow_missing):
            return None
        await to_the_end(
            write_from_parts,
            parts,
            staging,
            missing_titles=_missing_titles(state),
            total=len(state.jobs),
            labels=labels,
        )
    finally:
        for part, _ in parts:
            cache.discard_staging(part)  # sync: must run even while being cancelled
    if any_unreadable:
        return staging  # the key named documents that turned out unreadable: not one to serve again
    return (await asyncio.to_thread(cache.admit_combined, key, staging)).path


def _fail_unreadable(state: RunState, order: list[int], opened: OpenedSources, start: int) -> bool:
    """Record each source that is not a readable PDF as a failed job; whether there was any."""
    for position, message in opened.unreadable:
        index = order[start + position]
        state.saved.pop(index, None)
        state.fail(index, NotAPdf(message))
    return bool(opened.unreadable)


def _missing_titles(state: RunState) -> list[str]:
    return [state.jobs[index].title for index in sorted(state.failures)]
