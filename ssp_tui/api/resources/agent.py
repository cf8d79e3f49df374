"""The agent resource library (agents only; 403 for everyone else)."""

from __future__ import annotations

from ssp_tui.api.models import AgentCategory, AgentResource
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource


class AgentResourceApi(Resource):
    def resources(
        self, category: AgentCategory | None = None, q: str | None = None
    ) -> Paginator[AgentResource]:
        return self._list("/agent/resources", AgentResource, category=category, q=q or None)
