"""Several sorted streams of pages merged into one, lazily: each batch goes out as soon as nothing still to
come from any stream can sort before it. ``coi list --query A --query B`` prints the certificates of both
searches in one order while their pages arrive, instead of holding both listings to sort them."""

from __future__ import annotations

import asyncio
import bisect
import heapq
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


async def merge_sorted_pages(
    streams: Sequence[AsyncIterator[Sequence[T]]], key: Callable[[T], Any]
) -> AsyncIterator[list[T]]:
    """The items of ``streams`` (each already sorted by ``key``) in ``key`` order, a batch at a time.

    A stream that may still send more bounds what can go out: only items up to the smallest last key any
    such stream has sent so far. The stream that set that bound is then empty and is read next (all the
    empty ones at once), so at most a page of each stream is held. Equal keys keep the streams' order."""
    buffers: list[list[T]] = [[] for _ in streams]
    open_streams = set(range(len(streams)))

    async def refill(index: int) -> None:
        # A page may be empty; only a stream's end (or items) counts.
        while not buffers[index]:
            try:
                buffers[index] = list(await anext(streams[index]))
            except StopAsyncIteration:
                open_streams.discard(index)
                return

    try:
        while True:
            await asyncio.gather(*(refill(i) for i in sorted(open_streams) if not buffers[i]))
            if not any(buffers):
                return
            bounds = [key(buffers[i][-1]) for i in open_streams]
            bound = min(bounds) if bounds else None
            taken: list[list[T]] = []
            for index, items in enumerate(buffers):
                cut = len(items) if bound is None else bisect.bisect_right(items, bound, key=key)
                taken.append(items[:cut])
                buffers[index] = items[cut:]
            yield list(heapq.merge(*taken, key=key))
    finally:
        for stream in streams:
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()
