"""Policies and their terms."""

from __future__ import annotations

from ssp_tui.api.models import PolicyDetail, PolicySummary, StatusFilter
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment


class PoliciesResource(Resource):
    def list(
        self, status: StatusFilter = StatusFilter.ACTIVE, q: str | None = None
    ) -> Paginator[PolicySummary]:
        """``q`` matches a policy number or a policyholder."""
        return self._list("/policies", PolicySummary, status=status, q=q or None)

    async def get(self, policy_id: str) -> PolicyDetail:
        return await self._transport.request("GET", f"/policies/{segment(policy_id)}", PolicyDetail)
