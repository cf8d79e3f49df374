"""Seminars: the catalog and the paginated activity history."""

from __future__ import annotations

from datetime import date

from ssp_tui.api.models import Seminar, SeminarActivity
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource


class SeminarsResource(Resource):
    def catalog(self) -> Paginator[Seminar]:
        return self._list("/seminars", Seminar)

    def activity(
        self,
        participant: str | None = None,
        policy_number: str | None = None,
        policyholder: str | None = None,
        title: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> Paginator[SeminarActivity]:
        """Every filter is optional; the dates are inclusive."""
        filters = {
            "participant": participant or None,
            "policy_number": policy_number or None,
            "policyholder": policyholder or None,
            "title": title or None,
            "from": date_from,
            "to": date_to,
        }
        return self._list("/seminars/activity", SeminarActivity, **filters)
