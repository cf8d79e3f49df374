"""Risk-management resources (only what the caller's coverage types allow)."""

from __future__ import annotations

from ssp_tui.api.models import RiskCategory, RiskResource
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource


class RiskResourceApi(Resource):
    def list(self, category: RiskCategory | None = None, q: str | None = None) -> Paginator[RiskResource]:
        return self._list("/risk/resources", RiskResource, category=category, q=q or None)
