"""Cursor pagination: ``async for item in it``, ``async for page in it.pages()``, ``await it.collect()``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

from ssp_tui.api.errors import ProtocolError
from ssp_tui.api.models import Page

T = TypeVar("T")
FetchPage = Callable[[str | None], Awaitable[Page[T]]]


class Paginator(Generic[T]):
    """A lazy list over ``{items, next_cursor}`` pages. Nothing is fetched until it is iterated; every
    iteration starts again from the first page."""

    def __init__(self, fetch_page: FetchPage[T], *, endpoint: str) -> None:
        self._fetch_page = fetch_page
        self.endpoint = endpoint

    def __repr__(self) -> str:
        return f"Paginator({self.endpoint})"

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page as it arrives, so a caller can report progress page by page."""
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            page = await self._fetch_page(cursor)
            yield page
            cursor = page.next_cursor
            if cursor is None:
                return
            # A portal that hands back a cursor it gave before would keep us looping for ever.
            if cursor in seen:
                raise ProtocolError(self.endpoint, "the portal repeated a page cursor (the list never ends)")
            seen.add(cursor)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit``), fetching no more pages than needed."""
        items: list[T] = []
        if limit is not None and limit <= 0:
            return items
        async for page in self.pages():
            items.extend(page.items)
            if limit is not None and len(items) >= limit:
                return items[:limit]
        return items
