"""Credentialing: insureds, certificates, claims histories and certificate-holder requests."""

from __future__ import annotations

import uuid

from ssp_tui.api.constants import IDEMPOTENCY_HEADER
from ssp_tui.api.models import (
    Certificate,
    CertificateSort,
    CertificateTerm,
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
    SearchBy,
    StatusFilter,
)
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment


class CredentialingResource(Resource):
    def insureds(
        self,
        q: str | None = None,
        by: SearchBy = SearchBy.POLICYHOLDER,
        status: StatusFilter = StatusFilter.ALL,
    ) -> Paginator[CredentialedInsured]:
        return self._list("/credentialing/insureds", CredentialedInsured, q=q or None, by=by, status=status)

    def certificates(
        self,
        policy_id: str,
        term: CertificateTerm = CertificateTerm.CURRENT,
        insured_id: str | None = None,
        sort: CertificateSort | None = None,
    ) -> Paginator[Certificate]:
        """One policy's certificates, by insured then holder (``sort``: the portal's default when None)."""
        return self._list(
            "/credentialing/certificates",
            Certificate,
            policy_id=policy_id,
            term=term,
            insured_id=insured_id,
            sort=sort,
        )

    def search_certificates(
        self,
        q: str | None = None,
        by: SearchBy = SearchBy.POLICYHOLDER,
        status: StatusFilter = StatusFilter.ALL,
        term: CertificateTerm = CertificateTerm.CURRENT,
        sort: CertificateSort | None = None,
    ) -> Paginator[Certificate]:
        """The certificates of every insured that ``insureds(q, by, status)`` finds: a whole book's in a few
        pages, where ``certificates`` takes a request a policy. In ``sort``'s order (None: the portal's
        default, by insured name, policy number and holder), which pages keep: rows can be printed as they
        arrive."""
        return self._list(
            "/credentialing/certificates",
            Certificate,
            q=q or None,
            by=by,
            status=status,
            term=term,
            sort=sort,
        )

    async def create_holder_request(
        self, body: HolderRequestCreate, idempotency_key: str | None = None
    ) -> HolderRequest:
        """Submit a certificate-holder request. One Idempotency-Key per logical request (made here unless the
        caller passes one, e.g. to resubmit after a crash), so the retries of this call, and a resubmission
        with the same key, create the request once."""
        key = idempotency_key or uuid.uuid4().hex
        return await self._transport.request(
            "POST",
            "/credentialing/holder-requests",
            HolderRequest,
            body=body,
            headers={IDEMPOTENCY_HEADER: key},
            retryable=True,
        )

    def holder_requests(self) -> Paginator[HolderRequest]:
        return self._list("/credentialing/holder-requests", HolderRequest)

    @staticmethod
    def certificate_pdf_path(certificate_id: str) -> str:
        return f"/credentialing/certificates/{segment(certificate_id)}/pdf"

    @staticmethod
    def claims_history_path(insured_id: str, policy_id: str) -> str:
        return f"/credentialing/insureds/{segment(insured_id)}/claims-history?policy_id={segment(policy_id)}"
