"""Support triage: read-only account search and overview (support staff only; 403 for everyone else)."""

from __future__ import annotations

from ssp_tui.api.models import SupportAccount, SupportAccountHit
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment


class SupportResource(Resource):
    def search(self, q: str) -> Paginator[SupportAccountHit]:
        """By policy number, policyholder, insured, username or email."""
        return self._list("/support/accounts", SupportAccountHit, q=q)

    async def account(self, account_id: str) -> SupportAccount:
        return await self._transport.request(
            "GET", f"/support/accounts/{segment(account_id)}", SupportAccount
        )
