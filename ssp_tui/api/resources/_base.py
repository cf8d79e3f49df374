"""What every resource shares: the transport, and lists as paginators."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

from ssp_tui.api.constants import API_PREFIX
from ssp_tui.api.models import Page
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.transport import Transport, query

T = TypeVar("T")


def segment(object_id: str) -> str:
    """An id as one path segment: ids are opaque, so '/' or '..' in one must not reach another route."""
    if not object_id:
        raise ValueError("an object id must not be empty")
    return quote(object_id, safe="")


class Resource:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _list(self, path: str, item_type: type[T], **params: Any) -> Paginator[T]:
        fixed = query(**params)
        page_type = Page[item_type]  # type: ignore[valid-type]

        async def fetch_page(cursor: str | None, wanted: int | None = None) -> Page[T]:
            size = self._transport.page_size if wanted is None else min(wanted, self._transport.page_size)
            paging = query(cursor=cursor, limit=size)
            return await self._transport.request("GET", path, page_type, params={**fixed, **paging})

        return Paginator(fetch_page, endpoint=f"GET {API_PREFIX}{path}")
