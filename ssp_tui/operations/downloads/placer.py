"""Fetched files placed in batches, after their download slot is free again (SEPARATE mode, issue 23).

A download slot is a request to the portal. Holding it while the fetched file's copy was written and made
durable left it idle for as long as the fsync took: a cold run of 5,000 small documents was 1.6 times a plain
client's at the same concurrency on a quiet machine. Now a fetched file, once admitted into the cache, waits
for a batch: a worker thread places a batch's copies together (``placement.place_files``: written, made
durable together, then named), while the slot fetches the next file. Each outcome is recorded in the run's
state by the batch itself, so a file placed while its job was being cancelled is still recorded (the manifest
lists every file on disk).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ssp_tui.operations.downloads.cache import CachedBlob, ContentCache
from ssp_tui.operations.downloads.manifest import MANIFEST_NAME
from ssp_tui.operations.downloads.placement import CannotSave, SourceChanged, place_files
from ssp_tui.operations.downloads.plan import DownloadJob
from ssp_tui.operations.downloads.state import RunState, to_the_end
from ssp_tui.operations.safe_names import final_name_inside, numbered_path

PLACE_BATCH = 32
"""Fetched files placed per worker-thread call at most."""
PLACE_THREADS = 1
"""Batches of fetched files placed at once: one, so the files that arrive while a batch is made durable make
the next batch (some 2.4 files a batch with two at once, for 5,000 files; each batch costs a thread hop and a
syncfs)."""

PlaceBatch = Callable[[Sequence[tuple[int, CachedBlob]]], list[Path | Exception]]
"""Blocking: place each ``(job index, blob)``; the final path or the exception, in order."""


class FetchedPlacer:
    """Places the copies of a run's fetched files, a batch per worker-thread call."""

    def __init__(self, state: RunState, place_batch: PlaceBatch) -> None:
        self.state = state
        self._place_batch = place_batch
        self._waiting: list[tuple[int, CachedBlob, asyncio.Future[None]]] = []
        self._drains: set[asyncio.Task[None]] = set()
        self._closed = False

    async def place(self, index: int, blob: CachedBlob) -> None:
        """Place job ``index``'s copy of ``blob``; recorded (or failed) in the state when this returns."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((index, blob, done))
        if len(self._drains) < PLACE_THREADS:
            self._drains.add(asyncio.create_task(self._drain()))
        # Shielded: a job cancelled now leaves its file to the batch, which records it if it was placed.
        await asyncio.shield(done)

    async def close(self) -> None:
        """Place no more: wait for the batches under way (a thread cannot be stopped); files still waiting
        are left unplaced (their bytes are in the cache, so the next run places them)."""
        self._closed = True
        while self._drains:
            await asyncio.gather(*self._drains, return_exceptions=True)
        for _, _, done in self._waiting:
            done.cancel()
        self._waiting.clear()

    async def _drain(self) -> None:
        try:
            while self._waiting and not self._closed:
                batch = self._waiting[:PLACE_BATCH]
                del self._waiting[:PLACE_BATCH]
                try:
                    outcomes: Sequence[Path | Exception] = await to_the_end(
                        self._place_batch, [(index, blob) for index, blob, _ in batch]
                    )
                except Exception as exc:  # each job of the batch fails with it
                    outcomes = [exc] * len(batch)
                except BaseException:
                    for _, _, done in batch:
                        done.cancel()
                    raise
                for (index, blob, done), outcome in zip(batch, outcomes, strict=True):
                    if isinstance(outcome, Path):
                        self.state.record(index, blob, outcome, from_cache=False)
                    elif isinstance(outcome, Exception):
                        self.state.fail(index, outcome)
                    if not done.done():
                        done.set_result(None)
        finally:
            # At once, with no await since the loop's last look at the queue: a file queued after this
            # starts a drain of its own.
            self._drains.discard(asyncio.current_task())  # type: ignore[arg-type]


def final_path(state: RunState, target: Path, job: DownloadJob) -> Path:
    """Where ``job``'s file goes under ``target`` (UnsafePath if that would be outside it)."""
    resolved_root = state.resolved_root or os.path.realpath(target)
    state.resolved_root = resolved_root
    folder, name = final_name_inside(resolved_root, job.relative_path, state.resolved_folders)
    # Every file of a folder is named from one Path of that folder: the paths a result keeps share their
    # parts instead of holding a copy each (memory per file, issue 23).
    folder_path = state.folder_paths.get(folder)
    if folder_path is None:
        folder_path = state.folder_paths.setdefault(folder, Path(folder))
    if folder == resolved_root and name == MANIFEST_NAME:
        return numbered_path(folder_path / name, 2)  # the manifest's name is taken by the manifest
    return folder_path / name


def place_found(
    cache: ContentCache, state: RunState, found: Sequence[tuple[CachedBlob, Path]]
) -> list[Path | Exception]:
    """Blocking: ``place_files`` for each (blob, final path); an OSError named after the final path, and a
    blob found altered evicted (``SourceChanged`` returned)."""
    placed = place_files(
        [(blob.path, final, blob.sha256, blob.bytes) for blob, final in found],
        recorded=state.recorded,
        folders=state.folders,
    )
    outcomes: list[Path | Exception] = []
    for (blob, final), outcome in zip(found, placed, strict=True):
        if isinstance(outcome, SourceChanged):
            cache.evict(blob)
        elif isinstance(outcome, OSError):
            outcome = CannotSave(final, outcome)
        outcomes.append(outcome)
    return outcomes


def place_fetched(
    cache: ContentCache, state: RunState, target: Path, batch: Sequence[tuple[int, CachedBlob]]
) -> list[Path | Exception]:
    """Blocking: place the copies of a batch of fetched files (``FetchedPlacer``'s ``place_batch``)."""
    outcomes: list[Path | Exception] = []
    found: list[tuple[int, CachedBlob, Path]] = []
    for index, blob in batch:
        try:
            found.append((len(outcomes), blob, final_path(state, target, state.jobs[index])))
            outcomes.append(blob.path)  # replaced below
        except Exception as exc:
            outcomes.append(exc)
    placed = place_found(cache, state, [(blob, final) for _, blob, final in found])
    for (position, _, _), outcome in zip(found, placed, strict=True):
        outcomes[position] = outcome
    return outcomes
