"""Cursor pagination: ``async for item in it``, ``async for page in it.pages()``, ``await it.collect()``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Generic, Protocol, TypeVar

from ssp_tui.api.errors import ProtocolError
from ssp_tui.api.models import Page

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class FetchPage(Protocol[T_co]):
    """Fetch the page at ``cursor`` (None: the first). ``wanted``, when given, is how many more items the
    caller will use: a fetcher may ask the portal for a page of no more than that."""

    def __call__(self, cursor: str | None, wanted: int | None = None, /) -> Awaitable[Page[T_co]]: ...


class Paginator(Generic[T]):
    """A lazy list over ``{items, next_cursor}`` pages. Nothing is fetched until it is iterated; every
    iteration starts again from the first page."""

    def __init__(self, fetch_page: FetchPage[T], *, endpoint: str) -> None:
        self._fetch_page = fetch_page
        self.endpoint = endpoint

    def __repr__(self) -> str:
        return f"Paginator({self.endpoint})"

    async def pages(self, *, prefetch: bool = True, limit: int | None = None) -> AsyncIterator[Page[T]]:
        """Each page as it arrives, so a caller can report progress page by page.

        ``prefetch``: the next page is asked for as soon as a page arrives, while the caller is still busy
        with it (printing, decoding into a table), so the portal's work and ours overlap: a 200-page listing
        then costs about the longer of the two rather than their sum. A caller that stops early leaves one
        page unread (and cancelled); ``collect(limit=...)`` asks for none it does not need.

        ``limit``: the caller uses no more than this many items, so no page asks the portal for more than
        are still wanted (the first 501 of a broad search cost one page of 501, not one of 1,000)."""
        seen: set[str] = set()
        given = 0

        def fetch(cursor: str | None) -> Awaitable[Page[T]]:
            if limit is None:
                return self._fetch_page(cursor)
            return self._fetch_page(cursor, max(1, limit - given))

        # The first page is asked for in the caller's own step, not in a task of its own a turn of the loop
        # later: a caller that starts two requests together (gather) sends both before anything else the
        # loop has ready, such as a frame of the screen (docs/performance.md, "Policy Services' second round
        # trip"). Only the pages after it overlap with the caller's work.
        page = await fetch(None)
        pending: asyncio.Future[Page[T]] | None = None
        try:
            while True:
                given += len(page.items)
                cursor = page.next_cursor
                if cursor is not None:
                    # A portal that hands back a cursor it gave before would keep us looping for ever.
                    if cursor in seen:
                        raise ProtocolError(
                            self.endpoint, "the portal repeated a page cursor (the list never ends)"
                        )
                    seen.add(cursor)
                    pending = asyncio.ensure_future(fetch(cursor)) if prefetch else None
                yield page
                if cursor is None:
                    return
                if pending is None:
                    pending = asyncio.ensure_future(fetch(cursor))
                page = await pending
                pending = None
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit``), fetching no more pages than needed."""
        items: list[T] = []
        if limit is not None and limit <= 0:
            return items
        async for page in self.pages(prefetch=limit is None, limit=limit):
            items.extend(page.items)
            if limit is not None and len(items) >= limit:
                return items[:limit]
        return items
