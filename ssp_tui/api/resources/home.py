"""The home page: announcements, risk-management highlights, what needs attention."""

from __future__ import annotations

from ssp_tui.api.models import Home
from ssp_tui.api.resources._base import Resource


class HomeResource(Resource):
    async def get(self) -> Home:
        return await self._transport.request("GET", "/home", Home)
