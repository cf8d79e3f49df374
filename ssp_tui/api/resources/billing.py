"""Payments: what the caller may see and pay, term details, and the InvoiceCloud hand-off."""

from __future__ import annotations

from ssp_tui.api.models import BillingDetail, BillingKind, BillingSummary, BillingTerm, PayLink
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment
from ssp_tui.api.transport import query

_COLLECTION = {BillingKind.ACCOUNT: "/billing/accounts", BillingKind.POLICY: "/billing/policies"}


class BillingResource(Resource):
    def accounts(self) -> Paginator[BillingSummary]:
        return self._list("/billing/accounts", BillingSummary)

    def policies(self) -> Paginator[BillingSummary]:
        return self._list("/billing/policies", BillingSummary)

    async def account(self, account_id: str, term: BillingTerm = BillingTerm.CURRENT) -> BillingDetail:
        return await self.detail(BillingKind.ACCOUNT, account_id, term)

    async def policy(self, policy_id: str, term: BillingTerm = BillingTerm.CURRENT) -> BillingDetail:
        return await self.detail(BillingKind.POLICY, policy_id, term)

    async def detail(self, kind: BillingKind, object_id: str, term: BillingTerm) -> BillingDetail:
        path = f"{_COLLECTION[kind]}/{segment(object_id)}"
        return await self._transport.request("GET", path, BillingDetail, params=query(term=term))

    async def pay_link(self, kind: BillingKind, object_id: str) -> PayLink:
        """A one-time hand-off URL; 403 (Forbidden) for roles that may not pay. Never retried: each call
        asks the portal for a new link."""
        path = f"{_COLLECTION[kind]}/{segment(object_id)}/pay-link"
        return await self._transport.request("POST", path, PayLink)
