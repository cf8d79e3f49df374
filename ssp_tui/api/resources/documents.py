"""Policy documents and the public forms link; the bytes come through ``PortalClient.download``."""

from __future__ import annotations

from ssp_tui.api.models import Document, FrequentForms, Term
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment


class DocumentsResource(Resource):
    def list(self, policy_id: str, term: Term = Term.CURRENT) -> Paginator[Document]:
        return self._list(f"/policies/{segment(policy_id)}/documents", Document, term=term)

    async def frequent_forms(self) -> FrequentForms:
        return await self._transport.request("GET", "/forms/frequent", FrequentForms, authenticated=False)

    @staticmethod
    def content_path(document_id: str) -> str:
        """The API path of a document's PDF, for ``PortalClient.download``."""
        return f"/documents/{segment(document_id)}/content"
