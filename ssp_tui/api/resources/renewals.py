"""Renewal applications: each renewal term of the caller's clients and its application, completed or not."""

from __future__ import annotations

from ssp_tui.api.models import ApplicationFilter, RenewalApplication
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource


class RenewalsResource(Resource):
    def applications(
        self, status: ApplicationFilter = ApplicationFilter.ALL, q: str | None = None
    ) -> Paginator[RenewalApplication]:
        """Each renewal term and its application; fetch a completed one's PDF with
        ``client.download(client.documents.content_path(app.document.id), dest)``."""
        return self._list("/renewals/applications", RenewalApplication, status=status, q=q or None)
